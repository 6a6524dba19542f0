"""A client for the IPFS Pinning Service API (ipfs.github.io/pinning-services-api-spec), the API that
Pinata, Filebase, IPFS Cluster and others expose, so the shop stays up without our own node."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dapp.exceptions import IpfsError

PIN_TIMEOUT = 120.0
POLL_INTERVAL = 0.2


@dataclass(frozen=True)
class PinStatus:
    """One pin request as the service reports it (status: queued, pinning, pinned or failed)."""

    request_id: str
    status: str
    cid: str
    name: str | None
    delegates: tuple[str, ...]


class PinningService:
    """One pinning service endpoint and its access token."""

    def __init__(self, url: str, token: str, timeout: float = 30) -> None:
        if not url.startswith(("http://", "https://")):
            raise IpfsError(f"pinning service URL must be http(s)://..., got {url!r}")
        if not token:
            raise IpfsError("the pinning service needs an access token (--token or $DAPP_PINNING_TOKEN)")
        self.url = url.rstrip("/")
        self._token = token
        self._timeout = timeout

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise IpfsError(f"pinning service {self.url}: {method} {path} -> {_describe(exc)}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise IpfsError(f"cannot reach pinning service {self.url}: {reason}") from None
        return json.loads(payload) if payload else None

    def add(self, cid: str, name: str | None = None, origins: Sequence[str] = ()) -> PinStatus:
        """Ask the service to pin `cid`; `origins` are multiaddrs of nodes that already have it."""
        body: dict[str, Any] = {"cid": cid}
        if name:
            body["name"] = name
        if origins:
            body["origins"] = list(origins)
        return _status(self._request("POST", "/pins", body))

    def get(self, request_id: str) -> PinStatus:
        return _status(self._request("GET", f"/pins/{urllib.parse.quote(request_id)}"))

    def find(self, cid: str) -> list[PinStatus]:
        query = urllib.parse.urlencode({"cid": cid, "status": "queued,pinning,pinned,failed"})
        result = self._request("GET", f"/pins?{query}")
        return [_status(item) for item in result.get("results", [])]

    def pin_and_wait(
        self, cid: str, name: str | None = None, origins: Sequence[str] = (), timeout: float = PIN_TIMEOUT
    ) -> PinStatus:
        """Pin and poll until the service reports `pinned`; `failed` or the timeout raise IpfsError."""
        status = self.add(cid, name, origins)
        deadline = time.monotonic() + timeout
        while status.status != "pinned":
            if status.status == "failed":
                raise IpfsError(f"pinning service {self.url} failed to pin {cid}")
            if time.monotonic() > deadline:
                raise IpfsError(f"pinning service {self.url} still '{status.status}' on {cid} after {timeout:.0f} s")
            time.sleep(POLL_INTERVAL)
            status = self.get(status.request_id)
        return status


def _status(item: Any) -> PinStatus:
    try:
        return PinStatus(
            request_id=str(item["requestid"]),
            status=str(item["status"]),
            cid=str(item["pin"]["cid"]),
            name=item["pin"].get("name"),
            delegates=tuple(item.get("delegates") or ()),
        )
    except (KeyError, TypeError) as exc:
        raise IpfsError(f"pinning service returned an unexpected PinStatus: {item!r}") from exc


def _describe(error: urllib.error.HTTPError) -> str:
    """HTTP status plus the spec's {"error": {"reason", "details"}} when the service sends it."""
    text = f"HTTP {error.code}"
    try:
        failure = json.loads(error.read())["error"]
        text += f" {failure.get('reason', '')}: {failure.get('details', '')}".rstrip(": ")
    except (ValueError, KeyError, TypeError):
        pass
    if error.code == 401:
        text += " (the access token was rejected)"
    return text
