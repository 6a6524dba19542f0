"""Local development chains we start ourselves: anvil and Ganache on a 127.0.0.1 port of the OS's choosing.

Each node is one child process run by dapp._utils.process, started and stopped by its PID (never by
name: other nodes on the machine are none of our business). We never attach to a default port such as
8545 on our own.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self

import requests

from dapp._utils.process import ChildProcess
from dapp.exceptions import NetworkError

REPO_ROOT = Path(__file__).resolve().parent.parent

# Ganache 7 and anvil both derive their dev accounts from this mnemonic.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
BIND_ATTEMPTS = 5  # for a tool that cannot bind port 0 (Ganache): ports tried before giving up


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
    """A port that was free a moment ago. Racy (another process may bind it first): only for tools
    that cannot bind port 0 themselves, and then with a retry when the bind fails (see GanacheNode)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# anvil prints `Listening on 127.0.0.1:PORT`, Ganache `RPC Listening on 127.0.0.1:PORT`, once bound.
LISTENING = re.compile(r"Listening on 127\.0\.0\.1:(\d+)")


@dataclass
class LocalNode:
    """A dev chain child process. Use as a context manager, or call start() and stop()."""

    kind: ClassVar[str] = "node"
    binds_port_zero: ClassVar[bool] = True  # the tool takes `--port 0` and prints the port it got
    port: int = 0  # 0: the OS chooses; read back from the node's output
    block_time: float | None = None  # None: mine a block per transaction
    extra_args: list[str] = field(default_factory=list)
    _child: ChildProcess | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child else None

    def command(self, port: int) -> list[str]:
        """The tool's command line, listening on 127.0.0.1:`port` (0: any)."""
        raise NotImplementedError

    def start(self, timeout: float = 60.0, log_path: Path | None = None) -> Self:
        """Start the node and wait until it answers JSON-RPC. Output goes to `log_path` if given."""
        if self._child is not None:
            return self
        attempt = 1
        while True:
            # A tool that cannot bind port 0 gets a free_port(), which someone may bind before it does.
            port = self.port if self.port or self.binds_port_zero else free_port()
            try:
                self._child = self._start_on(port, timeout, log_path)
                return self
            except NetworkError as exc:
                if port == self.port or "EADDRINUSE" not in str(exc) or attempt == BIND_ATTEMPTS:
                    raise
                attempt += 1

    def _start_on(self, port: int, timeout: float, log_path: Path | None) -> ChildProcess:
        child = ChildProcess(self.kind, self.command(port), log_path=log_path, error=NetworkError)

        def answering() -> int | None:
            # Our own process's line, not just "something answers": another node could hold the port.
            listening = child.printed(LISTENING)
            if listening is None or not rpc_answers(f"http://127.0.0.1:{listening[1]}"):
                return None
            return int(listening[1])

        self.port = child.start(answering, timeout)
        return child

    def recent_output(self) -> str:
        return self._child.output_tail() if self._child else ""

    def detach(self) -> int:
        """Leave the node running after this process exits; returns its PID for the record."""
        assert self._child is not None, "start() first"
        child, self._child = self._child, None
        return child.detach()

    def stop(self) -> None:
        """Stop our process (its whole process group: Ganache runs node workers): TERM, then KILL."""
        child, self._child = self._child, None
        if child is not None:
            child.stop()

    def __enter__(self) -> Self:
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

    def command(self, port: int) -> list[str]:
        cmd = [
            find_tool("anvil", "DAPP_ANVIL"),
            "--host", "127.0.0.1",
            "--port", str(port),
            "--chain-id", str(self.chain_id),
            "--mnemonic", DEV_MNEMONIC,
            "--hardfork", "paris",  # the EVM we compile for; keeps anvil and Ganache alike
        ]  # fmt: skip
        if self.block_time:
            cmd += ["--block-time", str(self.block_time)]
        return cmd + self.extra_args


@dataclass
class GanacheNode(LocalNode):
    """Ganache 7.9 (the design names it): chain id 1337, EVM up to paris-era bytecode.

    Its CLI refuses `--server.port 0` ("Invalid port number"), so it gets a free_port() and is restarted
    on another one if that port was taken meanwhile (Ganache exits with EADDRINUSE). It logs one line
    per RPC method called: `--logging.quiet` would also hide the `RPC Listening on` line we wait for."""

    kind: ClassVar[str] = "ganache"
    binds_port_zero: ClassVar[bool] = False
    chain_id: int = 1337

    def command(self, port: int) -> list[str]:
        cmd = [
            find_tool("ganache", "DAPP_GANACHE"),
            "--server.host", "127.0.0.1",
            "--server.port", str(port),
            "--chain.chainId", str(self.chain_id),
            "--wallet.mnemonic", DEV_MNEMONIC,
            "--chain.hardfork", "merge",
        ]  # fmt: skip
        if self.block_time:
            cmd += ["--miner.blockTime", str(self.block_time)]
        return cmd + self.extra_args


NODE_KINDS: dict[str, type[LocalNode]] = {"anvil": AnvilNode, "ganache": GanacheNode}
