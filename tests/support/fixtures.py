"""Helpers the test modules share (fixtures themselves live in conftest.py files): a chain under test, the
`dapp` command as a subprocess, and a stand-in document CID."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from dapp.client import CatalogClient
from dapp.nodes import LocalNode
from tests.support.dapp_process import DAPP, run_dapp

DIGEST = bytes.fromhex("11" * 32)  # a document digest for tests that never fetch the document

ClientFor = Callable[[int], CatalogClient]


@dataclass
class Chain:
    """A chain under test and how to move its clock."""

    kind: str
    w3: Web3
    node: LocalNode | None

    @property
    def url(self) -> str:
        assert self.node is not None, "the embedded chain has no URL"
        return self.node.url

    def advance_time(self, seconds: int) -> None:
        if self.kind == "embedded":
            tester = self.w3.provider.ethereum_tester  # type: ignore[attr-defined]
            tester.time_travel(self.w3.eth.get_block("latest")["timestamp"] + seconds)
            tester.mine_blocks()
        else:
            self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
            self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


CID = "bafkreif4xyug5bggrqeayzahtwgcr23aq3ubqhumu4fdayahccwuwncxsa"


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "DAPP_HOME": str(home / ".dapp"),
            "DAPP_DEPLOYMENTS": str(home / "deployments"),
            # `dapp up` asks for 8545 and 8080 (falling back when taken): tests take ports the OS picks,
            # so they never hold a port a developer's own node or gateway is about to use.
            "DAPP_UP_RPC_PORT": "0",
            "DAPP_UP_GATEWAY_PORT": "0",
            "DAPP_UP_API_PORT": "0",
            "DAPP_UP_INDEXER_PORT": "0",
        }
        # The developer's own settings must not leak into the tests (their IPFS node, their RPC URL, ...).
        for name in ("DAPP_NETWORK", "DAPP_RPC_URL", "DAPP_PRIVATE_KEY", "DAPP_KEYSTORE_PASSWORD",
                     "DAPP_IPFS_API", "DAPP_IPFS_REPO", "DAPP_INDEXER_URL"):  # fmt: skip
            self.env.pop(name, None)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = run_dapp(list(args), self.env, self.home)
        if check and result.returncode != 0:
            raise AssertionError(f"dapp {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def json(self, *args: str) -> object:
        return json.loads(self.run(*args, "--json").stdout)

    def node_url(self, kind: str) -> str:
        record = json.loads((self.home / ".dapp" / "nodes" / f"{kind}.json").read_text())
        return str(record["url"])

    def node_pid(self, kind: str) -> int:
        record = json.loads((self.home / ".dapp" / "nodes" / f"{kind}.json").read_text())
        return int(record["pid"])


class Up:
    """`dapp up ARGS` (or another foreground `command`) as a real subprocess: `start()` returns once it
    printed a line starting with `ready` (all that came before is in `.text`); `interrupt()` sends Ctrl-C's
    SIGINT and returns the exit code. Used as a context manager, it kills a process a failed assertion left
    running."""

    def __init__(self, cli: Cli, *args: str, command: tuple[str, ...] = ("up",), ready: str = "serving ") -> None:
        self.cli = cli
        self.args = args
        self.command = command
        self.ready = ready
        self.process: subprocess.Popen[str] | None = None
        self.text = ""

    def start(self, timeout: float = 120) -> Up:
        self.process = subprocess.Popen(
            [*DAPP, *self.command, *self.args], env=self.cli.env, cwd=self.cli.home,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        reader = threading.Thread(target=self._read, daemon=True)
        reader.start()
        reader.join(timeout)  # the thread ends at the ready line or when the output ends
        if self.serving is None:
            raise AssertionError(f"dapp {' '.join(self.command)} printed no {self.ready.strip()!r} line within "
                                 f"{timeout} s:\n{self.text}")  # fmt: skip
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.text += line
            if line.startswith(self.ready):
                return

    @property
    def serving(self) -> str | None:
        """The ready line (`serving ...` for `dapp up`), once printed."""
        return next((line for line in self.text.splitlines() if line.startswith(self.ready)), None)

    def field(self, label: str) -> str:
        """The first word after `label` at the start of a summary line (`open`, `CID`, `Catalog`, ...)."""
        match = re.search(rf"^\s*{re.escape(label)}\s+(\S+)", self.text, re.MULTILINE)
        assert match is not None, f"no {label!r} line in:\n{self.text}"
        return match[1]

    def interrupt(self, timeout: float = 60) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        assert self.process.stdout is not None
        self.text += self.process.stdout.read()
        return code

    def __enter__(self) -> Up:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                # Ctrl-C first: dapp up then stops the chain, Kubo and the indexer it started, which a
                # SIGKILL would leave running with no parent.
                self.process.send_signal(signal.SIGINT)
                try:
                    self.process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            assert self.process.stdout is not None
            self.process.stdout.close()


def deploy_no_decimals_token(w3: Web3) -> str:
    """A contract with balanceOf, totalSupply and symbol but no decimals(), deployed by dev account 0."""
    from dapp.compile import REPO_ROOT, compile_file
    from dapp.transactions import TransactionPipeline, TxRequest

    artifact = compile_file(REPO_ROOT / "contracts" / "test" / "NoDecimalsToken.sol")["NoDecimalsToken"]
    pipeline = TransactionPipeline(w3, str(w3.eth.accounts[0]))
    mined = pipeline.execute(TxRequest("deploy", None, bytes.fromhex(artifact.bytecode.removeprefix("0x"))))
    assert mined.contract_address is not None
    return mined.contract_address
