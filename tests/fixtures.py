"""Helpers the test modules share (fixtures themselves live in conftest.py files): a chain under test, the
`dapp` command as a subprocess, and a stand-in document CID."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from dapp.client import CatalogClient
from dapp.nodes import LocalNode

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


DAPP = [sys.executable, "-m", "dapp"]
CID = "bafkreif4xyug5bggrqeayzahtwgcr23aq3ubqhumu4fdayahccwuwncxsa"


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "DAPP_HOME": str(home / ".dapp"),
            "DAPP_DEPLOYMENTS": str(home / "deployments"),
        }
        # The developer's own settings must not leak into the tests (their IPFS node, their RPC URL, ...).
        for name in ("DAPP_NETWORK", "DAPP_RPC_URL", "DAPP_PRIVATE_KEY", "DAPP_KEYSTORE_PASSWORD",
                     "DAPP_IPFS_API", "DAPP_IPFS_REPO"):  # fmt: skip
            self.env.pop(name, None)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*DAPP, *args], env=self.env, cwd=self.home, capture_output=True, text=True, timeout=120
        )
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
