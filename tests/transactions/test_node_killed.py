"""anvil killed (SIGKILL) in the middle of `dapp deploy` and of `dapp buy`, at a call the test picks.

The CLI talks to anvil through a proxy that kills the node at one JSON-RPC call: before it forwards
eth_sendRawTransaction (the node never saw the transaction), right after forwarding it (the node took
it, its answer is lost), or at the first receipt poll (the node answered, then died). Then:

- the CLI exits 2 with one `ERROR:` line naming the transaction and what to run next, no traceback;
- the registry is untouched (no entry for a deploy that did not finish; a purchase never writes it);
- the journal keeps the transaction as in flight: neither mined nor failed, because nobody knows yet;
- against the restarted node the rerun completes: the Catalog recorded once, at an address with its
  code; the purchase placed exactly once (a node restarted from a state saved before the purchase has
  lost it, and the rerun buys; one restarted from a state saved after the send has it, and `dapp tx
  wait` finds it mined, so there is nothing to buy again).
"""

from __future__ import annotations

import gzip
import json
import os
import signal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import requests

from dapp._utils.process import wait_until, wait_until_gone
from dapp.liveness import code_hash
from dapp.transactions.journal import Journal, TxState
from tests.support.fixtures import Cli
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import KeyedChain, Shop, StartAnvil, key, open_shop

pytestmark = [pytest.mark.anvil, pytest.mark.reliability("fault")]
HASH_LINE = "signed, sending"


class Kill(Enum):
    """Where the node dies: (the call, the fault, what the CLI must say)."""

    BEFORE_SEND = ("eth_sendRawTransaction", Fault.CRASH_BEFORE_FORWARD, "could not confirm the node received")
    AFTER_SEND = ("eth_sendRawTransaction", Fault.CRASH_AFTER_FORWARD, "could not confirm the node received")
    WHILE_WAITING = (
        "eth_getTransactionReceipt",
        Fault.CRASH_BEFORE_FORWARD,
        "no usable answer to eth_getTransactionReceipt",
    )


def kill(chain: KeyedChain, save_state_to: Path | None = None) -> None:
    """SIGKILL the node, after saving its state if asked (a node that had persisted what it mined)."""
    if save_state_to is not None:
        # anvil answers eth_sendRawTransaction before its automine has mined the transaction: wait for it.
        assert wait_until(lambda: pending(chain) == 0, 30)
        save_state(chain, save_state_to)
    pid = chain.node.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert wait_until_gone(pid, 30)


def pending(chain: KeyedChain) -> int:
    """How many transactions wait in the node's pool."""
    answer = requests.post(chain.url, json={"jsonrpc": "2.0", "id": 1, "method": "txpool_status"}, timeout=30)
    return int(answer.json()["result"]["pending"], 16)


def save_state(chain: KeyedChain, path: Path) -> None:
    """anvil_dumpState, written where `anvil --load-state` reads it (it keeps the genesis block)."""
    answer = requests.post(chain.url, json={"jsonrpc": "2.0", "id": 1, "method": "anvil_dumpState"}, timeout=30)
    raw = bytes.fromhex(answer.json()["result"].removeprefix("0x"))
    path.write_bytes(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)


def keyed_cli(home: Path, index: int) -> Cli:
    cli = Cli(home)
    cli.env["DAPP_PRIVATE_KEY"] = "0x" + bytes(key(index).key).hex()
    return cli


def crashed_run(cli: Cli, at: Kill, *args: str) -> tuple[str, str]:
    """Run a command that loses its node at `at`; check how it says so. Returns (its ERROR line, the hash)."""
    result = cli.run(*args, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    (hashes,) = [line for line in result.stderr.splitlines() if HASH_LINE in line]
    tx_hash = hashes.split("transaction ")[1].split()[0]
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert tx_hash in error and at.value[2] in error and "connection failed or was dropped" in error, error
    assert f"`dapp tx status {tx_hash}`" in error, error  # what to run to find out
    return error, tx_hash


def journal_of(cli: Cli, index: int) -> Journal:
    return Journal(cli.home / ".dapp", 31337, key(index).address)


def in_flight_only(journal: Journal, tx_hash: str) -> None:
    """The journal holds exactly this transaction, as not yet settled: the truth after a crash."""
    (entry,) = journal.entries()
    assert entry.hash == tx_hash and entry.state.in_flight, entry


# --- deploy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("at", list(Kill), ids=[k.name.lower() for k in Kill])
def test_anvil_killed_mid_deploy(start_anvil: StartAnvil, tmp_path: Path, at: Kill) -> None:
    cli = keyed_cli(tmp_path, 0)
    registry_dir = tmp_path / "deployments"
    chain = start_anvil()
    chain.fund(key(0).address)
    method, fault, _ = at.value
    with FlakyRpcProxy(chain.url) as proxy:
        proxy.fail(method, fault, on=1, result=lambda: kill(chain))
        error, tx_hash = crashed_run(cli, at, "deploy", "--network", proxy.url)
        assert proxy.injected == [(method, 1, fault)]
    assert error.startswith(
        "ERROR: (DeploymentError) deploying Catalog failed"
        if at is Kill.WHILE_WAITING
        else "ERROR: (SendUnconfirmedError)"
    ), error
    assert not registry_dir.exists() or not list(registry_dir.iterdir())  # no entry, no temp file
    in_flight_only(journal_of(cli, 0), tx_hash)

    restarted = start_anvil()  # a dev chain restarted without its state: the deploy is gone with it
    restarted.fund(key(0).address)
    deployed = json.loads(cli.run("deploy", "--network", restarted.url, "--json").stdout)
    assert deployed["reused"] is False
    registry = json.loads((registry_dir / "31337.json").read_text())
    entry = registry["contracts"]["Catalog"]
    assert entry["address"] == deployed["address"] and entry["txHash"] == deployed["tx"]
    assert list(registry["byGenesis"]) == [entry["genesisHash"]]  # recorded once
    assert registry["byGenesis"][entry["genesisHash"]] == {"Catalog": entry}
    code = bytes(restarted.w3.eth.get_code(deployed["address"]))
    assert code and code_hash(code) == entry["codeHash"]  # the entry points at this chain's contract
    states = {e.hash: e.state for e in journal_of(cli, 0).entries()}
    assert states == {tx_hash: TxState.DROPPED, deployed["tx"]: TxState.MINED}, states


# --- purchase -------------------------------------------------------------------------------------


def shop_for(chain: KeyedChain, cli: Cli) -> Shop:
    shop = open_shop(chain)
    shop.register(cli.home / "deployments")
    chain.fund(key(1).address)
    return shop


@pytest.mark.parametrize("at", list(Kill), ids=[k.name.lower() for k in Kill])
def test_anvil_killed_mid_purchase_and_restarted_without_it(start_anvil: StartAnvil, tmp_path: Path, at: Kill) -> None:
    """The node comes back from the state it saved before the purchase: the rerun buys, once."""
    cli = keyed_cli(tmp_path, 1)
    chain = start_anvil()
    shop = shop_for(chain, cli)
    state = tmp_path / "state.json"
    save_state(chain, state)
    registry = (tmp_path / "deployments" / "31337.json").read_bytes()
    method, fault, _ = at.value
    with FlakyRpcProxy(chain.url) as proxy:
        proxy.fail(method, fault, on=1, result=lambda: kill(chain))
        _, tx_hash = crashed_run(cli, at, "buy", "1", "--network", proxy.url)
        assert proxy.injected == [(method, 1, fault)]
    assert (tmp_path / "deployments" / "31337.json").read_bytes() == registry
    in_flight_only(journal_of(cli, 1), tx_hash)

    restarted = start_anvil(None, False, "--load-state", str(state))
    again = Shop(restarted.w3, shop.address, shop.abi, shop.seller)
    assert again.order_count() == 0  # the restarted node never had the purchase
    status: Any = cli.json("tx", "status", tx_hash, "--network", restarted.url)
    assert status["state"] == "dropped", status
    bought: Any = cli.json("buy", "1", "--network", restarted.url)
    assert bought["order"] == "1-1"
    assert again.orders_by(key(1).address) == 1
    states = {e.hash: e.state for e in journal_of(cli, 1).entries()}
    assert states == {tx_hash: TxState.DROPPED, bought["tx"]: TxState.MINED}, states
    assert (tmp_path / "deployments" / "31337.json").read_bytes() == registry


def test_anvil_killed_after_taking_a_purchase_it_kept(start_anvil: StartAnvil, tmp_path: Path) -> None:
    """The node saved its state with the purchase mined, then died before answering: following the
    message (`dapp tx status`, `dapp tx wait`) finds the purchase, and nothing is bought twice."""
    cli = keyed_cli(tmp_path, 1)
    chain = start_anvil()
    shop = shop_for(chain, cli)
    state = tmp_path / "state.json"
    registry = (tmp_path / "deployments" / "31337.json").read_bytes()
    with FlakyRpcProxy(chain.url) as proxy:
        proxy.fail("eth_sendRawTransaction", Fault.CRASH_AFTER_FORWARD, on=1, result=lambda: kill(chain, state))
        _, tx_hash = crashed_run(cli, Kill.AFTER_SEND, "buy", "1", "--network", proxy.url)
    in_flight_only(journal_of(cli, 1), tx_hash)

    restarted = start_anvil(None, False, "--load-state", str(state))
    again = Shop(restarted.w3, shop.address, shop.abi, shop.seller)
    assert again.orders_by(key(1).address) == 1  # mined before the crash, and kept
    waited: Any = cli.json("tx", "wait", tx_hash, "--network", restarted.url)
    assert waited["hash"] == tx_hash
    assert cli.json("tx", "status", tx_hash, "--network", restarted.url)["state"] == "mined"  # type: ignore[index]
    (entry,) = journal_of(cli, 1).entries()
    assert entry.hash == tx_hash and entry.state is TxState.MINED
    assert again.orders_by(key(1).address) == 1
    assert (tmp_path / "deployments" / "31337.json").read_bytes() == registry
