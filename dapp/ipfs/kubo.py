"""The Kubo RPC adapter: the only module that imports ipfshttpclient, so it can be replaced in one place.

ipfshttpclient 0.7.0 (the last release usable here; unmaintained since 2021) has traps, each handled below
where it matters: `connect()` refuses every current Kubo, `add` defaults to CIDv0-style non-raw leaves and
non-recursive, sends dotfiles unless a glob pattern excludes them, and drops symlinks silently.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import ipfshttpclient
import ipfshttpclient.exceptions

from dapp import settings
from dapp.exceptions import IpfsError
from dapp.ipfs.cid import Cid
from dapp.ipfs.daemon import KuboDaemon, Listen, api_responds, multiaddr_to_url
from dapp.ipfs.unixfs import iter_files

DEFAULT_REPO = settings.DEFAULT_IPFS_REPO
# Options that make `add` produce the CIDs of `ipfs add --cid-version=1` (and of dapp.ipfs.unixfs) even
# on a node whose Import.* config differs (IPFS Desktop users change chunkers). raw-leaves must be
# explicit: ipfshttpclient always sends raw-leaves=false unless told otherwise. Settings no request can
# override (Import.UnixFSFileMaxLinks, the HAMT threshold) are caught by comparing CIDs after adding.
ADD_OPTIONS: dict[str, str | int | bool] = {
    "cid-version": 1,
    "raw-leaves": True,
    "chunker": "size-262144",
    "hash": "sha2-256",
}

T = TypeVar("T")
RpcValue = str | int | bool | list[str]


def to_multiaddr(api: str) -> str:
    """ipfshttpclient only takes multiaddrs; accept the http(s)://host:port URLs people also write."""
    api = api.strip()
    if api.startswith("/"):
        return api
    url = urllib.parse.urlsplit(api)
    if url.scheme not in ("http", "https") or not url.hostname or not url.port:
        raise IpfsError(f"bad IPFS API address {api!r}: use /ip4/127.0.0.1/tcp/5001 or http://127.0.0.1:5001")
    host = url.hostname
    proto = "ip6" if ":" in host else "ip4" if host.replace(".", "").isdigit() else "dns"
    return f"/{proto}/{host}/tcp/{url.port}/{url.scheme}"


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        # ipfshttpclient passes urllib3 1.x's `strict` argument; urllib3 2.x warns on every request.
        warnings.filterwarnings("ignore", "The 'strict' parameter", FutureWarning)
        yield


@dataclass(frozen=True)
class AddedFile:
    """One entry of an `add` response."""

    name: str
    cid: str
    size: int


class Kubo:
    """A Kubo node reached over its HTTP RPC API."""

    def __init__(
        self, api: str, gateway_url: str | None = None, timeout: float = 300, *, ephemeral: bool = False
    ) -> None:
        # ephemeral: a daemon we start for one command, whose gateway is gone when the command ends
        self.ephemeral = ephemeral
        self.api_multiaddr = to_multiaddr(api)
        self.api_url = multiaddr_to_url(self.api_multiaddr)
        self._gateway_url = gateway_url
        # Construct Client directly: ipfshttpclient.connect() checks the daemon version and raises
        # VersionMismatch for every Kubo after 0.8 (raising VERSION_MAXIMUM has no effect). Construction
        # sends no request, so reachability is checked by version() instead.
        self._client = ipfshttpclient.Client(self.api_multiaddr, timeout=timeout)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        try:
            with _quiet():
                return fn()
        except ipfshttpclient.exceptions.ConnectionError as exc:
            raise IpfsError(f"cannot reach the IPFS API at {self.api_url} ({what}): is Kubo running?") from exc
        except ipfshttpclient.exceptions.ErrorResponse as exc:
            raise IpfsError(f"Kubo refused {what}: {exc}") from exc
        except (ipfshttpclient.exceptions.Error, OSError) as exc:
            # ProtocolError/TimeoutError/DecodingError: typically the daemon died or hung mid-request.
            # OSError: ipfshttpclient lets requests' ChunkedEncodingError (an IOError) escape when the
            # daemon dies while streaming a response.
            raise IpfsError(f"IPFS API at {self.api_url} failed during {what}: {exc}") from exc

    def version(self) -> str:
        result: dict[str, Any] = self._call("version", lambda: self._client.version())
        return str(result["Version"])

    def gateway_url(self) -> str | None:
        """The node's HTTP gateway, if known (our own daemon reports it; otherwise read its config)."""
        if self._gateway_url is None:
            addr = self._call("config", lambda: self._client.config.get()["Addresses"]["Gateway"])
            addr = addr[0] if isinstance(addr, list) and addr else addr
            if isinstance(addr, str) and addr.startswith("/") and not addr.endswith("/tcp/0"):
                self._gateway_url = multiaddr_to_url(addr).replace("0.0.0.0", "127.0.0.1")
        return self._gateway_url

    def add_path(self, path: Path, *, pin: bool = True) -> list[AddedFile]:
        """Add a file or directory tree; the last entry is the root. Same walking rule as the importer."""
        # iter_files enforces the rule up front: ipfshttpclient would silently drop symlinks.
        list(iter_files(path))
        response = self._call(
            f"add {path}",
            lambda: self._client.add(
                str(path),
                recursive=True,
                # pattern "**" with period_special=True skips dotfiles like the `ipfs add` CLI does;
                # without a pattern ipfshttpclient uploads them.
                pattern="**",
                period_special=True,
                pin=pin,
                cid_version=1,
                raw_leaves=True,
                chunker=ADD_OPTIONS["chunker"],
                opts={"hash": ADD_OPTIONS["hash"]},
            ),
        )
        items = response if isinstance(response, list) else [response]
        return [AddedFile(item["Name"], str(item["Hash"]), int(item.get("Size", 0))) for item in items]

    def add_bytes(self, data: bytes, *, pin: bool = True) -> Cid:
        """Add one in-memory file; returns its CID (what `ipfs add --cid-version=1` gives for the bytes)."""
        cid = self._call("add bytes", lambda: self._client.add_bytes(data, opts={**ADD_OPTIONS, "pin": pin}))
        return Cid.parse(str(cid))

    def cat(self, cid: Cid | str, max_bytes: int | None = None, timeout: float | None = None) -> bytes:
        """The file's bytes; with `max_bytes`, at most that many are read from the node; with `timeout`,
        give up after that many seconds (an online node looks for a missing CID until then)."""
        extra = {"timeout": timeout} if timeout is not None else {}
        return bytes(self._call(f"cat {cid}", lambda: self._client.cat(str(cid), length=max_bytes, **extra)))

    def is_pinned(self, cid: Cid | str) -> bool:
        wanted = cid if isinstance(cid, Cid) else Cid.parse(cid)
        try:
            with _quiet():
                result = self._client.pin.ls(str(wanted), type="recursive")
        except ipfshttpclient.exceptions.ErrorResponse:
            return False  # Kubo answers "not pinned" with an error
        except ipfshttpclient.exceptions.Error as exc:
            raise IpfsError(f"IPFS API at {self.api_url} failed during pin ls: {exc}") from exc
        return any(Cid.parse(key) == wanted for key in result["Keys"])

    def dag_import(self, car: Path) -> list[str]:
        """Import a CAR file; returns the roots Kubo found (and pinned)."""
        with car.open("rb") as stream:
            result = self._call(f"dag import {car}", lambda: self._client.dag.imprt(stream))
        return [str(result["Root"]["Cid"]["/"])]

    def addresses(self) -> list[str]:
        """The node's swarm multiaddrs (with /p2p/ID): the `origins` a pinning service can fetch from."""
        result: dict[str, Any] = self._call("id", lambda: self._client.id())
        return [str(addr) for addr in result.get("Addresses") or ()]

    # --- calls ipfshttpclient 0.7 does not have (remote pins, key import, IPNS options) --------------
    # Made over plain HTTP: the RPC API is POST /api/v0/PATH?arg=...&option=..., answering JSON (one
    # document, or one per line for streaming commands) or {"Message": ...} with HTTP 500 on an error.

    def rpc(
        self,
        what: str,
        path: str,
        args: tuple[str, ...] = (),
        opts: Mapping[str, RpcValue] | None = None,
        *,
        file: bytes | None = None,
        timeout: float = 60,
    ) -> list[Any]:
        """Call one RPC command and return its JSON documents. `what` is what errors name: never put a
        secret in it (a token goes in `args`, which no message repeats)."""
        query = [("arg", arg) for arg in args]
        for key, value in (opts or {}).items():
            for item in value if isinstance(value, list) else [value]:  # a list: the option repeated
                query.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
        headers = {}
        body = b""
        if file is not None:
            boundary = secrets.token_hex(16)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n"
                ).encode()
                + file
                + f"\r\n--{boundary}--\r\n".encode()
            )
        url = f"{self.api_url}/api/v0/{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read())["Message"]
            except (ValueError, KeyError, TypeError, OSError):
                message = f"HTTP {exc.code}"
            raise IpfsError(f"Kubo refused {what}: {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise IpfsError(
                f"cannot reach the IPFS API at {self.api_url} ({what}): {getattr(exc, 'reason', exc)}"
            ) from None
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as exc:
            raise IpfsError(f"Kubo answered {what} with something that is not JSON: {exc}") from None

    def peer_id(self) -> str:
        return str(self.rpc("id", "id")[0]["ID"])

    def swarm_connect(self, addresses: list[str]) -> None:
        self.rpc("swarm connect", "swarm/connect", tuple(addresses))

    def close(self) -> None:
        self._client.close()


def _daemon_serving(repo: Path) -> str | None:
    """The API multiaddr of a daemon already running on `repo`, if one answers there."""
    try:
        api = (repo / "api").read_text().strip()
    except OSError:
        return None
    return api if api_responds(multiaddr_to_url(api)) else None


@contextlib.contextmanager
def open_kubo(api: str | None = None, repo: Path | None = None, *, listen: Listen | None = None) -> Iterator[Kubo]:
    """The Kubo to use: `api` or $DAPP_IPFS_API if given (e.g. IPFS Desktop), else our own daemon on a
    project-local repo ($DAPP_IPFS_REPO or .cache/ipfs, kept so published content survives), stopped
    on exit. `listen` (fixed ports, API origins) applies only to a daemon started here: the returned
    client's `ephemeral` is then True."""
    found = settings.load()
    api = api or found.ipfs_api
    if api:
        kubo = Kubo(api)
        kubo.version()  # fail now, with a clear message, if nothing listens there
        try:
            yield kubo
        finally:
            kubo.close()
        return
    repo = (repo or found.ipfs_repo).resolve()
    running = _daemon_serving(repo)
    if running is not None:  # e.g. `make demo` keeps one up on this repo: share it (the repo is locked)
        kubo = Kubo(running)
        try:
            yield kubo
        finally:
            kubo.close()
        return
    daemon = KuboDaemon(repo=repo, listen=listen)
    info = daemon.start()
    kubo = Kubo(info.api_multiaddr, gateway_url=info.gateway_url, ephemeral=True)
    try:
        yield kubo
    finally:
        kubo.close()
        daemon.stop()
