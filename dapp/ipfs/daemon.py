"""Start and stop our own Kubo daemon: offline, loopback only, ports chosen by the OS.

Used by `dapp` when no API address is given and by the test fixtures. The repo is initialised with
`--profile=test` (API, gateway and swarm on 127.0.0.1 port 0, no bootstrap, no mDNS) and
`Routing.Type none`; the daemon runs `--offline`, and the ports it picked are read back from the repo's
`api` and `gateway` files. dapp._utils.process runs it and stops it by its PID, never by name.

`Listen` fixes the API and gateway ports instead (`dapp up` serves its page on the stable gateway port
8080) and names the browser origins allowed to call the API (the page publishes review documents
through it). It is written into the repo's config at every start, so a kept repo never carries one run's
ports or origins into the next.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from dapp import settings
from dapp._utils.files import write_atomic
from dapp._utils.process import ChildProcess
from dapp.exceptions import IpfsError, KuboPortInUseError

KUBO_VERSION = "0.39.0"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def find_ipfs_binary(configured: str | None = None) -> str:
    """The Kubo executable: `configured` (default $DAPP_IPFS_BIN), else `ipfs` on PATH, else the one
    `make setup` built."""
    configured = configured or settings.load().ipfs_bin
    if configured:
        if not os.access(configured, os.X_OK):
            raise IpfsError(f"{settings.IPFS_BIN}={configured} is not an executable file")
        return configured
    # Where `make setup` builds it (toolchain/ipfs.mk), so commands work without exporting anything.
    built = Path.home() / ".cache" / "ownerless-store" / f"kubo-v{KUBO_VERSION}" / "ipfs"
    found = shutil.which("ipfs") or (str(built) if os.access(built, os.X_OK) else None)
    if found is None:
        raise IpfsError(
            "Kubo (`ipfs`) not found: run `make setup` (builds Kubo v"
            f"{KUBO_VERSION} into ~/.cache/ownerless-store) and export {settings.IPFS_BIN}, put `ipfs` on PATH, "
            "or pass --ipfs-api to use a running daemon such as IPFS Desktop"
        )
    return found


def multiaddr_to_url(addr: str) -> str:
    """`/ip4/127.0.0.1/tcp/5001` -> `http://127.0.0.1:5001` (the forms Kubo writes to its api file)."""
    parts = addr.strip().split("/")
    if len(parts) < 5 or parts[1] not in ("ip4", "ip6", "dns", "dns4", "dns6") or parts[3] != "tcp":
        raise IpfsError(f"unsupported multiaddr {addr!r}: expected /ip4/HOST/tcp/PORT")
    host = f"[{parts[2]}]" if parts[1] == "ip6" else parts[2]
    scheme = "https" if len(parts) > 5 and parts[5] == "https" else "http"
    return f"{scheme}://{host}:{parts[4]}"


# The API headers Listen manages; any other header a user configured is left alone.
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods")


@dataclass(frozen=True)
class Listen:
    """Where the daemon listens on 127.0.0.1 (0: a port of the OS's choosing) and which browser origins
    may POST to its RPC API. Kubo's API compares the Origin header with each entry exactly (or "*"), so
    a subdomain-gateway page needs its own `http://CID.ipfs.localhost:PORT` listed."""

    api_port: int = 0
    gateway_port: int = 0
    api_origins: tuple[str, ...] = ()

    def apply(self, config: dict[str, Any]) -> dict[str, Any]:
        """The repo config with these addresses and CORS headers."""
        addresses = config.setdefault("Addresses", {})
        addresses["API"] = f"/ip4/127.0.0.1/tcp/{self.api_port}"
        addresses["Gateway"] = f"/ip4/127.0.0.1/tcp/{self.gateway_port}"
        headers = (config.setdefault("API", {}).get("HTTPHeaders") or {}).copy()
        for name in CORS_HEADERS:
            headers.pop(name, None)
        if self.api_origins:
            headers["Access-Control-Allow-Origin"] = list(self.api_origins)
            headers["Access-Control-Allow-Methods"] = ["POST"]
        config["API"]["HTTPHeaders"] = headers
        return config


@dataclass(frozen=True)
class DaemonInfo:
    """Where a running daemon listens."""

    api_multiaddr: str
    api_url: str
    gateway_url: str
    pid: int
    repo: Path


class KuboDaemon:
    """A Kubo daemon process owned by us. Use as a context manager, or call start()/stop()."""

    def __init__(
        self,
        repo: Path | None = None,
        binary: str | None = None,
        config: Mapping[str, object] | None = None,
        *,
        offline: bool = True,
        listen: Listen | None = None,
    ) -> None:
        """`config`: extra `ipfs config --json KEY VALUE` settings for a new repo. `offline=False` runs
        the swarm on loopback (still no bootstrap peers, no DHT), so peers given explicitly, like a
        pinning service handed our addresses as `origins`, can fetch blocks from us. `listen`: fixed
        ports and API origins, applied at every start (default: ports of the OS's choosing, no CORS)."""
        self._binary = binary
        self._listen = listen or Listen()
        self._config = dict(config or {})
        self._offline = offline
        if not offline:
            # Nothing may reach out on its own: no autoconf download, no AutoTLS certificate broker.
            self._config = {"AutoConf.Enabled": False, "AutoTLS.Enabled": False, **self._config}
        self._repo = repo
        self._owns_repo = repo is None
        self._child: ChildProcess | None = None
        self.info: DaemonInfo | None = None

    def _env(self, repo: Path) -> dict[str, str]:
        # IPFS_TELEMETRY=off: Kubo >= 0.37 otherwise schedules a usage report (it cannot leave anyway).
        return settings.child_environ(IPFS_PATH=str(repo), IPFS_TELEMETRY="off")

    def _run(self, binary: str, repo: Path, *args: str) -> None:
        result = subprocess.run(
            [binary, *args], env=self._env(repo), capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            raise IpfsError(f"`ipfs {' '.join(args)}` failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> DaemonInfo:
        binary = self._binary or find_ipfs_binary()
        repo = self._repo or Path(tempfile.mkdtemp(prefix="dapp-kubo-"))
        self._repo = repo
        if not (repo / "config").exists():
            repo.mkdir(parents=True, exist_ok=True)
            try:
                self._run(binary, repo, "init", "--profile=test", "--empty-repo")
                self._run(binary, repo, "config", "Routing.Type", "none")
                for key, value in self._config.items():
                    self._run(binary, repo, "config", "--json", key, json.dumps(value))
            except BaseException:
                self.stop()  # removes a temporary repo we created
                raise
        self._write_listen(repo)
        for stale in ("api", "gateway"):  # left by a daemon that was killed; we wait for fresh ones
            (repo / stale).unlink(missing_ok=True)
        self._child = ChildProcess(
            "Kubo daemon",
            [binary, "daemon", *(["--offline"] if self._offline else [])],
            env=self._env(repo),
            log_path=repo / "daemon.log",
            error=IpfsError,
            stop_timeout=STOP_TIMEOUT,
        )
        try:
            self.info = self._child.start(lambda: self._serving(repo), START_TIMEOUT)
        except IpfsError as exc:
            self.stop()
            if "address already in use" in str(exc):
                raise KuboPortInUseError(str(exc)) from None
            raise
        except BaseException:
            self.stop()
            raise
        return self.info

    def _write_listen(self, repo: Path) -> None:
        path = repo / "config"
        try:
            config = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            self.stop()
            raise IpfsError(f"cannot read the Kubo config {path}: {exc}") from None
        write_atomic(path, json.dumps(self._listen.apply(config), indent=2) + "\n")

    def _serving(self, repo: Path) -> DaemonInfo | None:
        """Where the daemon listens, once it has written its api and gateway files and its API answers."""
        assert self._child is not None and self._child.pid is not None
        api_file, gateway_file = repo / "api", repo / "gateway"
        if not (api_file.exists() and gateway_file.exists()):
            return None
        api = api_file.read_text().strip()
        url = multiaddr_to_url(api)
        if not api_responds(url):
            return None
        gateway = gateway_file.read_text().strip()
        if not gateway.startswith("http"):
            gateway = multiaddr_to_url(gateway)
        return DaemonInfo(api, url, gateway.rstrip("/"), self._child.pid, repo)

    def stop(self) -> None:
        """SIGTERM the daemon (it flushes and removes its api file), SIGKILL if it hangs."""
        child, self._child = self._child, None
        if child is not None:
            child.stop()
        self.info = None
        if self._owns_repo and self._repo is not None:
            shutil.rmtree(self._repo, ignore_errors=True)
            self._repo = None

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def __enter__(self) -> DaemonInfo:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def api_responds(url: str) -> bool:
    """True if a Kubo RPC API answers at `url` (http://host:port)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{url}/api/v0/version", method="POST"), timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False
