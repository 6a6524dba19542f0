"""Local development chains we start ourselves: anvil and Ganache on a 127.0.0.1 port of the OS's choosing.

Each node is one child process run by dapp._utils.process, started and stopped by its PID (never by
name: other nodes on the machine are none of our business). We never attach to a node on a default port
such as 8545: `dapp up` asks for 8545 with `fallback`, and gets a free port when anyone listens there.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self

import requests

from dapp import settings
from dapp._utils.ports import free_port as free_port, port_is_free
from dapp._utils.process import ChildProcess, PidRecord
from dapp.exceptions import NetworkError

REPO_ROOT = Path(__file__).resolve().parent.parent

# Ganache 7 and anvil both derive their dev accounts from this mnemonic.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
BIND_ATTEMPTS = 5  # for a tool that cannot bind port 0 (Ganache): ports tried before giving up


def find_tool(name: str, explicit: str | None, env_var: str) -> str:
    """Locate a node binary: `explicit` (the setting `env_var`), then PATH, then this repo's node_modules/.bin."""
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


# anvil prints `Listening on 127.0.0.1:PORT`, Ganache `RPC Listening on 127.0.0.1:PORT`, once bound.
LISTENING = re.compile(r"Listening on 127\.0\.0\.1:(\d+)")
# Ganache (Node) reports a taken port as EADDRINUSE, anvil (Rust) as "Address already in use".
ADDRESS_IN_USE = re.compile(r"EADDRINUSE|[Aa]ddress already in use")


@dataclass
class LocalNode:
    """A dev chain child process. Use as a context manager, or call start() and stop()."""

    kind: ClassVar[str] = "node"
    binds_port_zero: ClassVar[bool] = True  # the tool takes `--port 0` and prints the port it got
    port: int = 0  # 0: the OS chooses; read back from the node's output
    block_time: float | None = None  # None: mine a block per transaction
    extra_args: list[str] = field(default_factory=list)
    fallback: bool = False  # if `port` is taken, listen on a free one instead (`fell_back` then says so)
    binary: str | None = None  # the tool's executable (default: PATH, then node_modules)
    wanted_port: int = field(default=0, init=False)
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

    @property
    def fell_back(self) -> bool:
        """A fixed port was asked for, with `fallback`, and was taken: the node listens elsewhere."""
        return self.wanted_port != 0 and self.port != self.wanted_port

    def start(self, timeout: float = 60.0, log_path: Path | None = None) -> Self:
        """Start the node and wait until it answers JSON-RPC. Output goes to `log_path` if given."""
        if self._child is not None:
            return self
        self.wanted_port = self.port
        if self.fallback and self.port and not port_is_free(self.port):
            self.port = 0  # someone else's node may be there: never share it
        attempt = 1
        while True:
            # A tool that cannot bind port 0 gets a free_port(), which someone may bind before it does.
            port = self.port if self.port or self.binds_port_zero else free_port()
            try:
                self._child = self._start_on(port, timeout, log_path)
                return self
            except NetworkError as exc:
                if ADDRESS_IN_USE.search(str(exc)) is None or attempt == BIND_ATTEMPTS:
                    raise
                if port == self.port:  # a fixed port, taken between the check and the bind
                    if not self.fallback:
                        raise
                    self.port = 0
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
            find_tool("anvil", self.binary, settings.ANVIL),
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
            find_tool("ganache", self.binary, settings.GANACHE),
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


# --- background dev nodes: they outlive the command that started them, recorded under `home` ---------


def _node_record(home: Path, kind: str) -> PidRecord:
    return PidRecord(home / "nodes" / f"{kind}.json", hint=kind)


def running_node(home: Path, kind: str, patience: float = 10.0) -> dict[str, object] | None:
    """The record of this project's background node of this kind, if its process is alive.

    A live process that does not answer within `patience` seconds (Ganache can be slow on a busy
    machine) is an error, not a reason to start a second node beside it."""
    record = _node_record(home, kind).read()
    if record is None:
        return None
    pid, url = record["pid"], str(record["url"])
    deadline = time.monotonic() + patience
    while not rpc_answers(url):
        if time.monotonic() > deadline:
            raise NetworkError(f"this project's {kind} (pid {pid}) does not answer on {url}: `dapp node stop {kind}`")
        time.sleep(0.2)
    return dict(record)


def ensure_background_node(
    home: Path, kind: str, binary: str | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, object]:
    """This project's background node of this kind, started if none runs (from `binary`, default PATH then
    node_modules). The record's lock serialises look-up-or-start, so two commands started together share
    one node."""
    with _node_record(home, kind).locked():
        record = running_node(home, kind)
        if record is None:
            if progress:
                progress(f"starting {kind} in the background (`dapp node stop {kind}` ends it)")
            record = start_background_node(home, kind, binary)
        return record


def start_background_node(home: Path, kind: str, binary: str | None = None) -> dict[str, object]:
    """Start a dev node that outlives this process (until `dapp node stop`), and record it."""
    record = _node_record(home, kind)
    record.path.parent.mkdir(parents=True, exist_ok=True)
    node = NODE_KINDS[kind](binary=binary).start(log_path=record.path.with_suffix(".log"))
    return record.write(node.detach(), kind=kind, url=node.url)


def stop_background_node(home: Path, kind: str) -> int | None:
    """Stop the recorded background node by PID (returns once it has exited); returns the PID, or None."""
    return _node_record(home, kind).stop()
