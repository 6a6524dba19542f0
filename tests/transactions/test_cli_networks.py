"""`dapp` as a user on a public network runs it: a key in $DAPP_PRIVATE_KEY, an RPC URL, a node with no
unlocked accounts, slow or manual blocks, an RPC that fails some requests. Real subprocesses."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from tests.support.fixtures import DAPP, Cli
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import PRICE, KeyedChain, Shop, StartAnvil, key, open_shop

pytestmark = pytest.mark.anvil
HASH_LINE = "signed, sending"


def keyed(cli: Cli, account: LocalAccount) -> Cli:
    """The same project folder, signing with `account`'s key from the environment."""
    other = Cli(cli.home)
    other.env["DAPP_PRIVATE_KEY"] = "0x" + bytes(account.key).hex()
    return other


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def shop_for(chain: KeyedChain, cli: Cli, stock: int = 100) -> Shop:
    shop = open_shop(chain, stock)
    shop.register(cli.home / "deployments")
    for index in (1, 2):
        chain.fund(key(index).address)
    return shop


def announced_hash(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if HASH_LINE in line]
    return line.split("transaction ")[1].split()[0]


def non_polling_calls(calls: list[str]) -> Counter[str]:
    counts = Counter(calls)
    del counts["eth_getTransactionReceipt"]
    return counts


def test_a_purchase_on_a_2_second_chain_asks_six_things(start_anvil: StartAnvil, cli: Cli) -> None:
    """Before: 20 requests besides 10-17 receipt polls (9 of them eth_chainId). Now 6: the chain id, the
    price, the simulation, the fees, the nonce and the send; receipts are polled every half block."""
    chain = start_anvil(2)
    shop_for(chain, cli)
    buyer = keyed(cli, key(1))
    with FlakyRpcProxy(chain.url) as proxy:
        # The block time is measured (and cached for an hour) the first time a receipt poll misses. A buy
        # on a loaded machine can find its receipt at the first poll and measure nothing: buy until the
        # cache is written, a condition rather than a hope about timing.
        for _ in range(5):
            buyer.run("buy", "1", "--network", proxy.url)
            if list(buyer.home.glob(".dapp/**/poll-interval")):
                break
        assert list(buyer.home.glob(".dapp/**/poll-interval")), "no buy ever waited for a block"
        proxy.reset_counts()
        result = buyer.run("buy", "1", "--network", proxy.url, "--json")
        calls = list(proxy.calls)
    counted = non_polling_calls(calls)
    assert sum(counted.values()) <= 6, counted
    assert counted == {
        "eth_chainId": 1, "eth_call": 1, "eth_estimateGas": 1, "eth_feeHistory": 1, "eth_getTransactionCount": 1,
        "eth_sendRawTransaction": 1,
    }  # fmt: skip
    assert calls.count("eth_getTransactionReceipt") <= 4  # a 2-s block: at most ~2 s of polls, one per second
    bought = json.loads(result.stdout)
    assert announced_hash(result.stderr) == bought["tx"]
    assert bought["order"] == "1-2"


def test_two_buy_commands_with_one_key_both_succeed(chain: KeyedChain, cli: Cli) -> None:
    shop = shop_for(chain, cli)
    buyer = keyed(cli, key(1))
    command = [*DAPP, "buy", "1", "--network", chain.url, "--json"]
    procs = [
        subprocess.Popen(
            command, env=buyer.env, cwd=cli.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted(json.loads(out)["order"] for out, _ in outputs) == ["1-1", "1-2"]
    assert shop.orders_by(key(1).address) == 2


@pytest.mark.parametrize("fault", [Fault.ERROR_AFTER_FORWARD, Fault.DROP_AFTER_FORWARD])
def test_a_send_answered_with_an_error_after_it_arrived_is_one_purchase(
    chain: KeyedChain, cli: Cli, fault: Fault
) -> None:
    """The issue's case: `(NetworkError) ... 'nonce too low'` for a purchase that was placed."""
    shop = shop_for(chain, cli)
    with FlakyRpcProxy(chain.url) as proxy:
        proxy.fail("eth_sendRawTransaction", fault, on=1)
        result = keyed(cli, key(1)).run("buy", "1", "--network", proxy.url, "--json")
    assert json.loads(result.stdout)["order"] == "1-1"
    assert shop.orders_by(key(1).address) == 1


def test_429_on_receipt_polls_is_waited_out(chain: KeyedChain, cli: Cli) -> None:
    """The issue's case: a 429 on every receipt poll was a traceback, exit 1, no hash."""
    shop_for(chain, cli)
    with FlakyRpcProxy(chain.url) as proxy:
        proxy.fail("eth_getTransactionReceipt", Fault.RATE_LIMIT, on=range(1, 4), retry_after="1")
        result = keyed(cli, key(1)).run("buy", "1", "--network", proxy.url, "--json")
    assert json.loads(result.stdout)["tx"] == announced_hash(result.stderr)


@pytest.fixture
def manual(start_anvil: StartAnvil, cli: Cli) -> Iterator[tuple[KeyedChain, Shop]]:
    chain = start_anvil(None, True)
    yield chain, shop_for(chain, cli)


def test_a_timeout_leaves_a_transaction_to_follow_with_dapp_tx(manual: tuple[KeyedChain, Shop], cli: Cli) -> None:
    chain, shop = manual
    buyer = keyed(cli, key(1))
    result = buyer.run("buy", "1", "--network", chain.url, "--timeout", "0.5", check=False)
    assert result.returncode == 2
    tx_hash = announced_hash(result.stderr)
    assert "(ReceiptTimeout) no receipt within 0.5 s; still pending" in result.stderr
    assert f"`dapp tx wait {tx_hash}`" in result.stderr
    (listed,) = buyer.json("tx", "list", "--network", chain.url)  # type: ignore[misc]
    assert (listed["hash"], listed["state"], listed["what"]) == (tx_hash, "sent", "buy")
    chain.mine()
    waited = buyer.json("tx", "wait", tx_hash, "--network", chain.url)
    assert waited["hash"] == tx_hash  # type: ignore[index]
    assert buyer.json("tx", "status", tx_hash, "--network", chain.url)["state"] == "mined"  # type: ignore[index]
    assert shop.orders_by(key(1).address) == 1


def test_speedup_and_cancel(manual: tuple[KeyedChain, Shop], cli: Cli) -> None:
    chain, shop = manual
    buyer = keyed(cli, key(1))
    first = announced_hash(buyer.run("buy", "1", "--network", chain.url, "--timeout", "0.2", check=False).stderr)
    faster = buyer.json("tx", "speedup", first, "--no-wait", "--network", chain.url)
    assert faster["replaced"] == first and faster["nonce"] == 0  # type: ignore[index]
    chain.mine()
    assert buyer.json("tx", "wait", faster["hash"], "--network", chain.url)["hash"] == faster["hash"]  # type: ignore[index]
    assert buyer.json("tx", "status", first, "--network", chain.url)["state"] == "replaced"  # type: ignore[index]

    second = announced_hash(buyer.run("buy", "1", "--network", chain.url, "--timeout", "0.2", check=False).stderr)
    cancel = buyer.json("tx", "cancel", second, "--no-wait", "--network", chain.url)
    chain.mine()
    buyer.run("tx", "wait", cancel["hash"], "--network", chain.url)  # type: ignore[index]
    assert buyer.json("tx", "status", second, "--network", chain.url)["state"] == "replaced"  # type: ignore[index]
    assert shop.orders_by(key(1).address) == 1  # the sped-up purchase; the cancelled one never happened


def _start_buy(buyer: Cli, url: str) -> tuple[subprocess.Popen[str], str]:
    """Start `dapp buy` and return once it says the transaction was sent, with its hash."""
    process = subprocess.Popen(
        [*DAPP, "buy", "1", "--network", url], env=buyer.env, cwd=buyer.home, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    tx_hash = ""
    for line in process.stderr:
        if HASH_LINE in line:
            tx_hash = announced_hash(line)
        if "waiting for it to be mined" in line:
            return process, tx_hash
    raise AssertionError(f"dapp buy exited {process.wait()} before sending")


def test_ctrl_c_while_waiting_names_the_transaction(manual: tuple[KeyedChain, Shop], cli: Cli) -> None:
    chain, shop = manual
    buyer = keyed(cli, key(1))
    process, tx_hash = _start_buy(buyer, chain.url)
    process.send_signal(signal.SIGINT)
    assert process.stderr is not None
    rest = process.stderr.read()
    assert process.wait(timeout=30) == 130
    assert f"interrupted: transaction {tx_hash} may still be mined: `dapp tx wait {tx_hash}`" in rest
    assert "Aborted" not in rest and "Traceback" not in rest
    chain.mine()
    buyer.run("tx", "wait", tx_hash, "--network", chain.url)
    assert shop.orders_by(key(1).address) == 1


@pytest.mark.reliability("fault")
def test_a_dropped_purchase_is_named(manual: tuple[KeyedChain, Shop], cli: Cli) -> None:
    chain, shop = manual
    process, tx_hash = _start_buy(keyed(cli, key(1)), chain.url)
    chain.rpc("anvil_dropTransaction", tx_hash)
    chain.mine()
    assert process.stderr is not None
    rest = process.stderr.read()
    assert process.wait(timeout=60) == 2
    assert (
        "ERROR: (TransactionDroppedError) dropped by the node (not in the pool, not mined, nonce 0 still free)" in rest
    )
    assert tx_hash in rest and f"`dapp tx status {tx_hash}`" in rest  # how to check it
    assert "Traceback" not in rest
    status = keyed(cli, key(1)).json("tx", "status", tx_hash, "--network", chain.url)
    assert status["state"] == "dropped"  # type: ignore[index]
    assert shop.orders_by(key(1).address) == 0


@pytest.mark.reliability("fault")
@pytest.mark.parametrize(
    ("command", "method", "fault", "result", "says"),
    [
        (("orders",), "eth_getLogs", Fault.NOT_JSON, None, "the reply is not JSON: <html>"),
        (("orders",), "eth_getLogs", Fault.NO_RESULT, None, "(neither result nor error)"),
        (("products",), "eth_call", Fault.MALFORMED_AFTER_FORWARD, None, "the reply is not JSON: {"),
        (("products",), "eth_chainId", Fault.CANNED_RESULT, ["0x7a69"], "the result is not a hex number"),
        (("buy", "1"), "eth_getTransactionReceipt", Fault.NO_RESULT, None, "(neither result nor error)"),
        (("buy", "1"), "eth_getTransactionReceipt", Fault.CANNED_RESULT, "0x1", "the result is not a receipt"),
    ],
    ids=["logs-html", "logs-no-result", "call-truncated", "chain-id-list", "receipt-no-result", "receipt-not-object"],
)
def test_an_rpc_answering_malformed_json_fails_the_command_clearly(
    chain: KeyedChain, cli: Cli, command: tuple[str, ...], method: str, fault: Fault, result: object, says: str
) -> None:
    """Every answer to `method` is malformed: one ERROR line naming the method and what was wrong with the
    answer, exit 2, no traceback; a purchase already sent is named with how to check it, and is placed once."""
    shop = shop_for(chain, cli)
    buyer = keyed(cli, key(1))
    buyer.run("buy", "1", "--network", chain.url)  # an order for `dapp orders` to find
    with FlakyRpcProxy(chain.url) as proxy:
        proxy.fail(method, fault, result=result)
        failed = buyer.run(*command, "--no-metadata" if command[0] != "buy" else "--json", "--network", proxy.url,
                           check=False)  # fmt: skip
        sends = proxy.count("eth_sendRawTransaction")
    assert failed.returncode == 2, failed.stderr
    assert "Traceback" not in failed.stderr
    (error,) = [line for line in failed.stderr.splitlines() if line.startswith("ERROR:")]
    assert f"the RPC gave no usable answer to {method} after 4 attempts: " in error and says in error, error
    if command[0] != "buy":
        assert sends == 0
        return
    tx_hash = announced_hash(failed.stderr)  # sent before the receipt polls failed
    assert sends == 1 and f"`dapp tx status {tx_hash}`" in error, error
    assert buyer.json("tx", "status", tx_hash, "--network", chain.url)["state"] == "mined"  # type: ignore[index]
    assert shop.orders_by(key(1).address) == 2  # the first order and this one, placed once


def test_the_chain_is_pinned(chain: KeyedChain, cli: Cli) -> None:
    shop_for(chain, cli)
    buyer = keyed(cli, key(1))
    result = buyer.run("buy", "1", "--network", chain.url, "--chain-id", "5", check=False)
    assert result.returncode == 2
    assert "ERROR: (NetworkMismatchError) connected to chain id 31337, expected 5" in result.stderr
    buyer.env["DAPP_CHAIN_ID"] = "5"
    assert "NetworkMismatchError" in buyer.run("products", "--network", chain.url, check=False).stderr
    buyer.env["DAPP_CHAIN_ID"] = "31337"
    buyer.run("products", "--network", chain.url)
    assert chain.nonce(key(1).address, "pending") == 0  # the refused purchase sent nothing


def test_deploy_is_advised_only_on_dev_chains(start_anvil: StartAnvil, cli: Cli) -> None:
    """The issue's case: chain 5 with a registry for 31337 was told to `dapp deploy`."""
    dev = start_anvil()
    shop_for(dev, cli)  # the registry has chain 31337
    public = start_anvil(chain_id=84532)  # e.g. Base Sepolia's id
    result = keyed(cli, key(1)).run("products", "--network", public.url, check=False)
    assert result.returncode == 2
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert "Catalog is not deployed on chain 84532" in line
    assert "dapp deploy" not in line and "the registry has a Catalog on chain 31337" in line


def test_status_uses_the_private_key(chain: KeyedChain, cli: Cli) -> None:
    shop_for(chain, cli)
    status = keyed(cli, key(2)).json("status", "--network", chain.url)
    assert status["account"] == key(2).address  # type: ignore[index]
    assert status["balance"] == str(100 * 10**18)  # type: ignore[index]


def test_embedded_without_eth_tester_says_which_extra_to_install(cli: Cli) -> None:
    code = (
        "import sys; sys.modules['eth_tester'] = None; "
        "sys.argv = ['dapp', 'products', '--network', 'embedded']; "
        "from dapp.cli import main; main()"
    )
    result = subprocess.run([sys.executable, "-c", code], env=cli.env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "install the `embedded` extra, pip install 'ownerless-store[embedded]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_price_fee_and_gas_options_reach_the_transaction(chain: KeyedChain, cli: Cli) -> None:
    shop_for(chain, cli)
    buyer = keyed(cli, key(1))
    result = buyer.json(
        "buy", "1", "--network", chain.url, "--max-fee", "7gwei", "--priority-fee", "2gwei", "--gas-limit", "99000"
    )
    tx = chain.w3.eth.get_transaction(result["tx"])  # type: ignore[index]
    assert (tx["maxFeePerGas"], tx["maxPriorityFeePerGas"], tx["gas"]) == (7 * 10**9, 2 * 10**9, 99_000)
    assert tx["value"] == PRICE
