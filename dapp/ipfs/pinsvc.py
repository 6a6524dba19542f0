"""Pin a release everywhere it should live, and wait until each place says `pinned`.

Two kinds of endpoint, both speaking the IPFS Pinning Service API:

- our IPFS Cluster, asked directly (dapp.ipfs.pinning), with this node's addresses as `origins`;
- any number of services (Pinata, Filebase, another Cluster, ...) asked through Kubo's `pin remote`: Kubo
  keeps each as a named service in its config (`pin remote service add NAME URL TOKEN`; `config show`
  redacts the token) and sends the pin request with this node's addresses itself.

Pins are requested in the background on every endpoint first, then polled together, so the slowest one
sets the wait, not their sum. A token is held only to hand to the endpoint: no message, record or repr
repeats it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from dapp.exceptions import DappValueError, IpfsError, PinServiceError, PinTimeoutError
from dapp.ipfs.kubo import Kubo, RpcValue
from dapp.ipfs.pinning import PinningService

STATUSES = ["queued", "pinning", "pinned", "failed"]
POLL_INTERVAL = 0.25
SERVICE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class PinEndpoint:
    """One Pinning Service API endpoint. `name` is how Kubo (and the record) calls it."""

    name: str
    url: str
    token: str = field(repr=False)

    def __post_init__(self) -> None:
        if not SERVICE_NAME.match(self.name):
            raise DappValueError(f"pinning endpoint name {self.name!r}: use a letter, then letters, digits, - or _")
        if not self.url.startswith(("http://", "https://")):
            raise DappValueError(f"pinning endpoint {self.name}: its URL must be http(s)://..., got {self.url!r}")
        if not self.token:
            raise DappValueError(f"pinning endpoint {self.name} ({self.url}) has no access token")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.url})"


@dataclass(frozen=True)
class PinRecord:
    """Where a release is pinned, as the release record keeps it."""

    endpoint: str  # name (URL)
    via: str  # "cluster" (asked directly) or "kubo pin remote"
    status: str
    pinned_at: str
    waited_s: float


class PinTarget(Protocol):
    label: str
    via: str

    def request(self, cid: str, name: str) -> str: ...

    def status(self, cid: str) -> str: ...


class ClusterTarget:
    """Our IPFS Cluster's Pinning Service API, asked directly (what `dapp publish --remote` does)."""

    via = "cluster"

    def __init__(self, endpoint: PinEndpoint, kubo: Kubo) -> None:
        self.label = endpoint.label
        self._service = PinningService(endpoint.url, endpoint.token)
        self._kubo = kubo
        self._request_id: str | None = None

    def request(self, cid: str, name: str) -> str:
        origins = self._kubo.addresses() if not self._kubo.ephemeral else []
        try:
            status = self._service.add(cid, name, origins)
        except IpfsError as exc:
            raise PinServiceError(self.label, str(exc)) from None
        self._request_id = status.request_id
        return status.status

    def status(self, cid: str) -> str:
        assert self._request_id is not None
        try:
            return self._service.get(self._request_id).status
        except IpfsError as exc:
            raise PinServiceError(self.label, str(exc)) from None


class KuboRemoteTarget:
    """A Pinning Service API endpoint reached through Kubo's `pin remote`."""

    via = "kubo pin remote"

    def __init__(self, endpoint: PinEndpoint, kubo: Kubo) -> None:
        self.label = endpoint.label
        self._endpoint = endpoint
        self._kubo = kubo
        self._configured = False

    def configure(self) -> None:
        """(Re)declare the service in Kubo with this URL and token: a token rotated since the last release
        replaces the old one."""
        services = self._kubo.rpc("pin remote service ls", "pin/remote/service/ls")[0].get("RemoteServices") or []
        if any(service.get("Service") == self._endpoint.name for service in services):
            self._call("service rm", "pin/remote/service/rm", (self._endpoint.name,))
        self._call(
            "service add", "pin/remote/service/add", (self._endpoint.name, self._endpoint.url, self._endpoint.token)
        )
        self._configured = True

    def request(self, cid: str, name: str) -> str:
        if not self._configured:
            self.configure()
        opts: dict[str, RpcValue] = {"service": self._endpoint.name, "name": name, "background": True}
        [added] = self._call("pin remote add", "pin/remote/add", (cid,), opts)
        return str(added.get("Status") or "queued")

    def status(self, cid: str) -> str:
        opts: dict[str, RpcValue] = {"service": self._endpoint.name, "cid": cid, "status": STATUSES}
        found = self._call("pin remote ls", "pin/remote/ls", (), opts)
        statuses = {str(item.get("Status")) for item in found if item.get("Cid") == cid}
        for status in ("pinned", "pinning", "queued", "failed"):  # the best news first
            if status in statuses:
                return status
        raise PinServiceError(self.label, f"has no pin request for {cid} (it was dropped)")

    def _call(
        self, what: str, path: str, args: tuple[str, ...], opts: dict[str, RpcValue] | None = None
    ) -> list[dict[str, object]]:
        try:
            return self._kubo.rpc(f"{what} {self._endpoint.name}", path, args, opts, timeout=120)
        except IpfsError as exc:
            # Kubo's message says what the service answered (401, connection refused) without the token.
            raise PinServiceError(self.label, str(exc).removeprefix("Kubo refused ")) from None


def pin_everywhere(
    targets: Sequence[PinTarget],
    cid: str,
    name: str,
    *,
    timeout: float,
    progress: Callable[[str], None] = lambda message: None,
    clock: Callable[[], float] = time.monotonic,
) -> list[PinRecord]:
    """Ask every target to pin `cid`, then poll them all until each reports `pinned`. A refusal, a
    `failed`, or the timeout raise PinServiceError / PinTimeoutError naming the endpoint."""
    start = clock()
    last: dict[str, str] = {}
    for target in targets:
        last[target.label] = target.request(cid, name)
        progress(f"pin requested on {target.label} via {target.via}: {last[target.label]}")
    records: dict[str, PinRecord] = {}
    while True:
        for target in targets:
            if target.label in records:
                continue
            status = "pinned" if last[target.label] == "pinned" else target.status(cid)
            if status != last[target.label]:
                progress(f"{target.label}: {status} ({clock() - start:.1f} s)")
                last[target.label] = status
            if status == "failed":
                raise PinServiceError(target.label, f"reports the pin of {cid} failed")
            if status == "pinned":
                waited = round(clock() - start, 3)
                at = datetime.now(UTC).isoformat(timespec="seconds")
                records[target.label] = PinRecord(target.label, target.via, status, at, waited)
        if len(records) == len(targets):
            return [records[target.label] for target in targets]
        if clock() - start > timeout:
            target = next(target for target in targets if target.label not in records)
            raise PinTimeoutError(target.label, cid, last[target.label], timeout)
        time.sleep(POLL_INTERVAL)
