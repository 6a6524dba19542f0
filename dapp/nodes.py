"""Local development chains we start ourselves: anvil and Ganache on a free 127.0.0.1 port.

Each node is one child process, started and stopped by its PID (never by name: other nodes on the
machine are none of our business). We never attach to a default port such as 8545 on our own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, ClassVar

import requests

from dapp.exceptions import NetworkError

REPO_ROOT = Path(__file__).resolve().parent.parent

# Ganache 7 and anvil both derive their dev accounts from this mnemonic.
DEV_MNEMONIC = "test test test test test test test test test test test junk"


def find_tool(name: str, env_var: str) -> str:
    """Locate a node binary: $ENV_VAR, then PATH, then this repo's node_modules/.bin."""
    explicit = os.environ.get(env_var)
    if explicit:
        if not Path(explicit).is_file():
            raise NetworkError(f"{env_var}={explicit} does not exist")
        return explicit
    found = shutil.which(name) or shutil.which(name, path=str(REPO_ROOT / "node_modules" / ".bin"))
    if not found:
        raise NetworkError(f"'{name}' is not on PATH nor in node_modules: run `make setup` or set {env_var}")
    return found


def rpc_answers(url: str, timeout: float = 2.0) -> bool:
    """True if a JSON-RPC endpoint answers eth_chainId."""
    request: dict[str, Any] = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
    try:
        reply = requests.post(url, json=request, timeout=timeout)
        return reply.ok and "result" in reply.json()
    except (requests.RequestException, ValueError):
        return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalNode:
    """A dev chain child process. Use as a context manager, or call start() and stop()."""

    kind: ClassVar[str] = "node"
    port: int = 0
    block_time: float | None = None  # None: mine a block per transaction
    extra_args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _log: IO[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, timeout: float = 60.0, log_path: Path | None = None) -> LocalNode:
        """Start the node and wait until it answers JSON-RPC. Output goes to `log_path` if given."""
        if self.process is not None:
            return self
        if not self.port:
            self.port = free_port()
        # Kept open for the node's lifetime and closed in stop()/detach(): no `with` block fits.
        self._log = log_path.open("w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in a terminal reaches us, and we stop the node ourselves
        )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NetworkError(
                    f"{self.kind} exited with code {self.process.returncode} before it was ready:\n"
                    + self.recent_output()
                )
            if rpc_answers(self.url):
                return
            time.sleep(0.05)
        raise NetworkError(f"{self.kind} did not answer on {self.url} within {timeout:.0f} s")

    def recent_output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").splitlines()
        return "\n".join(lines[-30:])

    def detach(self) -> int:
        """Leave the node running after this process exits; returns its PID for the record."""
        assert self.process is not None, "start() first"
        pid = self.process.pid
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return pid

    def stop(self, timeout: float = 10.0) -> None:
        """Stop our process (its whole process group: Ganache runs node workers)."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalNode:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@dataclass
class AnvilNode(LocalNode):
    """anvil (Foundry): fast, chain id 31337."""

    kind: ClassVar[str] = "anvil"
    chain_id: int = 31337

    def command(self) -> list[str]:
        cmd = [
            find_tool("anvil", "DAPP_ANVIL"),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--chain-id", str(self.chain_id),
            "--mnemonic", DEV_MNEMONIC,
            "--hardfork", "paris",  # the EVM we compile for; keeps anvil and Ganache alike
        ]  # fmt: skip
        if self.block_time:
            cmd += ["--block-time", str(self.block_time)]
        return cmd + self.extra_args


@dataclass
class GanacheNode(LocalNode):
    """Ganache 7.9 (the design names it): chain id 1337, EVM up to paris-era bytecode."""

    kind: ClassVar[str] = "ganache"
    chain_id: int = 1337

    def command(self) -> list[str]:
        cmd = [
            find_tool("ganache", "DAPP_GANACHE"),
            "--server.host", "127.0.0.1",
            "--server.port", str(self.port),
            "--chain.chainId", str(self.chain_id),
            "--wallet.mnemonic", DEV_MNEMONIC,
            "--chain.hardfork", "merge",
            "--logging.quiet",
        ]  # fmt: skip
        if self.block_time:
            cmd += ["--miner.blockTime", str(self.block_time)]
        return cmd + self.extra_args


NODE_KINDS: dict[str, type[LocalNode]] = {"anvil": AnvilNode, "ganache": GanacheNode}
