"""The fault matrix: purchases through CatalogClient on a real anvil with keys only, behind a proxy that
fails the requests each scenario names, then the chain is asked what really happened.

A purchase is *misreported* if the client said it failed (or was not sent) and it was placed, or said it
was placed and it was not; *duplicated* if it was placed more than once. The user acts as told: after
"dropped, sending again is safe" or a failure they buy again (once); after "may still be mined" (a timeout,
an interrupted wait, a send the node could not confirm) they follow it with the journal (`dapp tx wait`).
The final answer is the one compared. Each purchase has its own quantity, so every order on chain
belongs to exactly one purchase.

`before`: the same proxy faults with each purchase sent as plain web3.py sends it, as the client did
before this work (HTTPProvider's own retries, web3's signing middleware, wait_for_transaction_receipt).

Also measured: JSON-RPC requests of one purchase through the CLI on a 2-s-block anvil, besides receipt
polling (goal: at most 6; 20 before this work, with 10-17 receipt polls).

Writes bench/results/networks.json: scenarios, purchases, misreported, duplicates, rpc_calls_per_buy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.deploy import register_deployment
from dapp.exceptions import (
    DappError,
    ReceiptTimeout,
    RpcUnavailableError,
    SendUnconfirmedError,
    TransactionDroppedError,
)
from dapp.networks import http_web3
from dapp.nodes import REPO_ROOT, AnvilNode
from dapp.rpc import RpcProvider
from dapp.transactions import TransactionPipeline, TxEvent, TxEventKind
from dapp.transactions.journal import Journal
from dapp.transactions.signers import LocalSigner
from dapp.types import ETH, Order, Product

sys.path.insert(0, str(REPO_ROOT))
from tests.support.rpc_proxy import Fault, FlakyRpcProxy

RESULTS = Path(__file__).resolve().parent / "results" / "networks.json"
PURCHASES_PER_SCENARIO = 4
PRICE = 10**15
BEFORE_CLI_CALLS = 20  # measured on 7882d9b: 9 eth_chainId, 2 web3_clientVersion, 3 blocks, code, ... + 10-17 polls


@dataclass
class Chain:
    node: AnvilNode
    w3: Web3 = field(init=False)

    def __post_init__(self) -> None:
        self.w3 = Web3(Web3.HTTPProvider(self.node.url))

    def rpc(self, method: str, *params: Any) -> Any:
        response = self.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        assert "error" not in response, response
        return response.get("result")

    def send_as(self, sender: str, tx: dict[str, Any]) -> Any:
        self.rpc("anvil_impersonateAccount", sender)
        tx_hash = self.rpc("eth_sendTransaction", {"from": sender, **tx})
        if not self.node.block_time:
            self.rpc("evm_mine")
        return self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.1)


def open_shop(chain: Chain, registry: Path | None = None) -> str:
    artifact = load_artifact()
    seller = Account.from_key(b"\x5e" * 32).address
    chain.rpc("anvil_setBalance", seller, hex(10**20))
    receipt = chain.send_as(seller, {"data": artifact.bytecode, "gas": hex(5_000_000)})
    address = str(receipt["contractAddress"])
    contract = chain.w3.eth.contract(address=address, abi=artifact.abi)  # type: ignore[call-overload]
    data = contract.encode_abi("listProduct", args=[ETH, PRICE, 10**6, 0, 0, ETH, b"\x11" * 32, 1])
    chain.send_as(seller, {"to": address, "data": data, "gas": hex(300_000)})
    if registry is not None:
        register_deployment(chain.w3, address, "0x" + bytes(receipt["transactionHash"]).hex(), registry_dir=registry)
    return address


@dataclass
class Scenario:
    name: str
    arm: Callable[[FlakyRpcProxy], None] = lambda proxy: None  # faults for one purchase
    on_event: Callable[[Chain, LocalAccount, TxEvent], None] | None = None
    manual_mining: bool = False
    timeout: float = 30.0


def _other_wallet_takes_the_nonce(chain: Chain, buyer: LocalAccount, event: TxEvent) -> None:
    if event.kind is TxEventKind.SIGNED:
        tx = {"to": buyer.address, "value": 0, "gas": 21_000, "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 1,
              "nonce": event.nonce, "chainId": 31337}  # fmt: skip
        chain.w3.eth.send_raw_transaction(buyer.sign_transaction(tx).raw_transaction)


def _drop_then_mine(chain: Chain, buyer: LocalAccount, event: TxEvent) -> None:
    if event.kind is TxEventKind.SENT and not getattr(_drop_then_mine, "done", False):
        chain.rpc("anvil_dropTransaction", event.tx_hash)
        _drop_then_mine.done = True  # type: ignore[attr-defined]  # only the first attempt is dropped
    if event.kind is TxEventKind.SENT:
        chain.rpc("evm_mine")


def _spike_then_mine(chain: Chain, buyer: LocalAccount, event: TxEvent) -> None:
    if event.kind is TxEventKind.SENT:
        tx = chain.w3.eth.get_transaction(event.tx_hash)  # type: ignore[arg-type]
        if not getattr(_spike_then_mine, "done", False):
            chain.rpc("anvil_setNextBlockBaseFeePerGas", hex(int(tx["maxFeePerGas"]) * 3 // 2))  # ~3x the base fee
            _spike_then_mine.done = True  # type: ignore[attr-defined]
        chain.rpc("evm_mine")


def _mine(chain: Chain, buyer: LocalAccount, event: TxEvent) -> None:
    if event.kind is TxEventKind.SENT:
        chain.rpc("evm_mine")


def _interrupt(chain: Chain, buyer: LocalAccount, event: TxEvent) -> None:
    if event.kind is TxEventKind.SENT:
        raise KeyboardInterrupt  # Ctrl-C while waiting for the receipt


SEND, RECEIPT = "eth_sendRawTransaction", "eth_getTransactionReceipt"


def fail(method: str, fault: Fault, on: Any, retry_after: str | None = None) -> Callable[[FlakyRpcProxy], None]:
    return lambda proxy: proxy.fail(method, fault, on=on, retry_after=retry_after)


def both(*arms: Callable[[FlakyRpcProxy], None]) -> Callable[[FlakyRpcProxy], None]:
    return lambda proxy: [arm(proxy) for arm in arms] and None


SCENARIOS = [
    Scenario("no fault"),
    Scenario("429 on the send", fail(SEND, Fault.RATE_LIMIT, 1, retry_after="0")),
    Scenario("500 after the send reached the node", fail(SEND, Fault.ERROR_AFTER_FORWARD, 1)),
    Scenario("connection dropped before the send", fail(SEND, Fault.DROP_BEFORE_FORWARD, 1)),
    Scenario("connection dropped after the send", fail(SEND, Fault.DROP_AFTER_FORWARD, 1)),
    Scenario("malformed JSON after the send", fail(SEND, Fault.MALFORMED_AFTER_FORWARD, 1)),
    Scenario(
        "500 after the send, lookup fails, retry hears 'nonce too low'",
        both(fail(SEND, Fault.ERROR_AFTER_FORWARD, 1), fail("eth_getTransactionByHash", Fault.METHOD_NOT_FOUND, 1)),
    ),
    Scenario(
        "neither the send nor the lookup answer",
        both(
            fail(SEND, Fault.ERROR_AFTER_FORWARD, [1, 2, 3]),
            fail("eth_getTransactionByHash", Fault.ERROR_AFTER_FORWARD, range(1, 20)),
        ),
    ),
    Scenario("429 on three receipt polls", fail(RECEIPT, Fault.RATE_LIMIT, [1, 2, 3], retry_after="0")),
    Scenario("500 on receipt polls", fail(RECEIPT, Fault.ERROR_AFTER_FORWARD, [1, 2])),
    Scenario("receipt polls fail until the timeout", fail(RECEIPT, Fault.ERROR_AFTER_FORWARD, range(1, 40)), timeout=1),
    Scenario("500 on the nonce read", fail("eth_getTransactionCount", Fault.ERROR_AFTER_FORWARD, 1)),
    Scenario("429 on the fee history", fail("eth_feeHistory", Fault.RATE_LIMIT, 1, retry_after="0")),
    Scenario("500 on the simulation", fail("eth_estimateGas", Fault.ERROR_AFTER_FORWARD, 1)),
    Scenario(
        "a lagging backend's nonce",
        lambda p: p.fail("eth_getTransactionCount", Fault.CANNED_RESULT, on=1, result="0x0"),
    ),
    Scenario("another wallet takes the nonce", on_event=_other_wallet_takes_the_nonce),
    Scenario("the node drops the transaction", on_event=_drop_then_mine, manual_mining=True),
    Scenario("the base fee triples before the block", on_event=_spike_then_mine, manual_mining=True),
    Scenario("Ctrl-C while waiting", on_event=_interrupt),
]
UNKNOWN = (ReceiptTimeout, SendUnconfirmedError, RpcUnavailableError, KeyboardInterrupt)


def run_scenario(scenario: Scenario, index: int, journal_root: Path, baseline: bool = False) -> dict[str, Any]:
    _drop_then_mine.done = False  # type: ignore[attr-defined]
    _spike_then_mine.done = False  # type: ignore[attr-defined]
    args = ["--accounts", "0", *(["--no-mining"] if scenario.manual_mining else [])]
    with AnvilNode(extra_args=args) as node, FlakyRpcProxy(node.url) as proxy:
        chain = Chain(node)
        address = open_shop(chain)
        buyer: LocalAccount = Account.from_key((0xB0B + index).to_bytes(32, "big"))
        chain.rpc("anvil_setBalance", buyer.address, hex(10**20))
        w3 = http_web3(proxy.url)
        assert isinstance(w3.provider, RpcProvider)
        w3.provider.retry_delay = 0.01
        abi = load_artifact().abi

        def client(on_event: Callable[[TxEvent], None] | None = None) -> CatalogClient:
            return CatalogClient(
                w3, address, abi, account=buyer.address, signer=LocalSigner(buyer), receipt_timeout=scenario.timeout,
                poll_interval=0.05, journal_root=journal_root, on_event=on_event,
            )  # fmt: skip

        reports: dict[int, str] = {}
        first: dict[int, str] = {}  # the answer before the user acted on it
        for quantity in range(1, PURCHASES_PER_SCENARIO + 1):
            proxy.reset_counts()
            scenario.arm(proxy)
            if baseline:
                reports[quantity] = first[quantity] = baseline_buy(
                    proxy.url, address, abi, buyer, quantity, scenario.timeout
                )
                proxy.heal()
                if reports[quantity].startswith("failed"):  # a user who believes it buys again
                    reports[quantity] = baseline_buy(proxy.url, address, abi, buyer, quantity, scenario.timeout)
                continue
            hook = scenario.on_event

            def on_event(event: TxEvent, hook: Any = hook) -> None:
                if hook is not None:
                    hook(chain, buyer, event)

            shop = client(on_event)
            try:
                shop.buy(1, quantity)
                reports[quantity] = "placed"
            except TransactionDroppedError:
                # Told "dropped, nothing spent, sending again is safe": the user sends again.
                shop.buy(1, quantity)
                reports[quantity] = "placed"
            except (*UNKNOWN,) as exc:  # "may still be mined": follow it with the journal (`dapp tx wait`)
                proxy.heal()
                reports[quantity] = follow_up(shop.transactions, exc)
            except DappError as exc:
                reports[quantity] = f"failed: {type(exc).__name__}"
            proxy.heal()
            first[quantity] = reports[quantity]
            if reports[quantity].startswith("failed"):  # a user who believes it buys again
                try:
                    client().buy(1, quantity)
                    reports[quantity] = "placed"
                except DappError as exc:
                    reports[quantity] = f"failed: {type(exc).__name__}"
        contract = chain.w3.eth.contract(address=address, abi=abi)  # type: ignore[call-overload]
        count = Product.from_view(contract.functions.getProduct(1).call()).order_count
        orders = [Order.from_view(v) for v in contract.functions.getOrders(1, 0, count).call()] if count else []
    placed = Counter(order.quantity for order in orders if order.buyer == buyer.address)
    settled = {q: r for q, r in reports.items() if r != "unknown"}
    misreported = sum(1 for q, r in settled.items() if (r == "placed") != (placed[q] >= 1))
    duplicates = sum(1 for q in reports if placed[q] > 1)
    # A first answer of "failed" for an attempt that was placed (orders beyond the one the final answer
    # accounts for): what made users buy twice.
    failed_but_placed = sum(
        1 for q, r in first.items() if r.startswith("failed") and placed[q] - (reports[q] == "placed") >= 1
    )
    return {
        "name": scenario.name,
        "purchases": len(reports),
        "misreported": misreported,
        "reported_failed_but_placed": failed_but_placed,
        "duplicates": duplicates,
        "unresolved": len(reports) - len(settled),
    }


def baseline_buy(url: str, address: str, abi: Any, buyer: LocalAccount, quantity: int, timeout: float) -> str:
    """The same purchase as plain web3.py sends it (how the client sent it before): HTTPProvider with its own
    retries, web3's signing middleware, wait_for_transaction_receipt. "may still be mined" is 'unknown'."""
    from web3.exceptions import TimeExhausted
    from web3.middleware import SignAndSendRawMiddlewareBuilder

    w3 = Web3(Web3.HTTPProvider(url))
    w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(buyer), layer=0)
    contract = w3.eth.contract(address=Web3.to_checksum_address(address), abi=abi)
    try:
        terms = Product.from_view(contract.functions.getProduct(1).call()).terms_version
        buy = contract.functions.buy(1, quantity, ETH, PRICE, terms)
        tx_hash = buy.transact({"from": buyer.address, "value": quantity * PRICE})
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=timeout, poll_latency=0.05)
    except TimeExhausted:
        return "unknown"
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return "placed" if receipt["status"] == 1 else "failed: reverted"


def follow_up(pipeline: TransactionPipeline, exc: BaseException) -> str:
    """What `dapp tx wait HASH` ends with, for the transaction the failed command left in the journal."""
    journal: Journal = pipeline.journal
    in_flight = journal.in_flight()
    if not in_flight:
        return f"failed: {type(exc).__name__}"
    try:
        pipeline.wait(in_flight[-1], timeout=30)
    except DappError as later:
        return f"failed: {type(later).__name__}"
    return "placed"


def cli_calls_per_buy() -> dict[str, Any]:
    """JSON-RPC requests of `dapp buy` on a 2-s-block anvil with a key, counted at a proxy."""
    home = Path(tempfile.mkdtemp())
    key = Account.from_key(b"\x0c" * 32)
    with AnvilNode(block_time=2, extra_args=["--accounts", "0"]) as node, FlakyRpcProxy(node.url) as proxy:
        chain = Chain(node)
        open_shop(chain, home / "deployments")
        chain.rpc("anvil_setBalance", key.address, hex(10**20))
        env = {**os.environ, "DAPP_HOME": str(home / ".dapp"), "DAPP_DEPLOYMENTS": str(home / "deployments"),
               "DAPP_PRIVATE_KEY": "0x" + bytes(key.key).hex()}  # fmt: skip
        for name in ("DAPP_NETWORK", "DAPP_RPC_URL", "DAPP_CHAIN_ID"):
            env.pop(name, None)
        runs = []
        for _ in range(3):  # the first one also measures the block time (cached for an hour)
            proxy.reset_counts()
            subprocess.run([sys.executable, "-m", "dapp", "buy", "1", "--network", proxy.url], env=env, cwd=home,
                           check=True, capture_output=True, timeout=120)  # fmt: skip
            runs.append(Counter(proxy.calls))
    last = runs[-1]
    polls = last.pop("eth_getTransactionReceipt", 0)
    return {
        "chain": "anvil --block-time 2, --accounts 0, a key in DAPP_PRIVATE_KEY",
        "besides_receipt_polling": sum(last.values()),
        "receipt_polls": polls,
        "by_method": dict(sorted(last.items())),
        "first_command_extra": sum(runs[0].values()) - runs[0]["eth_getTransactionReceipt"] - sum(last.values()),
        "before": BEFORE_CLI_CALLS,
        "goal": 6,
    }


def main() -> int:
    started = time.monotonic()
    results, before = [], []
    with tempfile.TemporaryDirectory() as journal_root:
        for index, scenario in enumerate(SCENARIOS):
            row = run_scenario(scenario, index, Path(journal_root))
            results.append(row)
            line = f"{row['name']:<62} {row['misreported']} misreported, {row['duplicates']} duplicated"
            if scenario.on_event is None:  # faults at the proxy: the same purchases as plain web3.py sends them
                old = run_scenario(scenario, 100 + index, Path(journal_root), baseline=True)
                before.append(old)
                line += (
                    f"  (before: {old['reported_failed_but_placed']} reported failed but placed, "
                    f"{old['duplicates']} duplicated)"
                )
            print(line, flush=True)
    calls = cli_calls_per_buy()
    summary = {
        "scenarios": results,
        "purchases": sum(r["purchases"] for r in results),
        "misreported": sum(r["misreported"] for r in results),
        "duplicates": sum(r["duplicates"] for r in results),
        "unresolved": sum(r["unresolved"] for r in results),
        "rpc_calls_per_buy": calls,
        "before": {
            "how": "the same proxy faults, each purchase sent as plain web3.py sends it (as the client did before)",
            "scenarios": len(before),
            "purchases": sum(r["purchases"] for r in before),
            "misreported": sum(r["misreported"] for r in before),
            "reported_failed_but_placed": sum(r["reported_failed_but_placed"] for r in before),
            "duplicates": sum(r["duplicates"] for r in before),
            "unresolved": sum(r["unresolved"] for r in before),
            "by_scenario": before,
        },
        "seconds": round(time.monotonic() - started, 1),
    }
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"\n{summary['purchases']} purchases in {len(results)} scenarios: {summary['misreported']} misreported, "
        f"{summary['duplicates']} duplicated (goal 0 and 0); before: "
        f"{summary['before']['reported_failed_but_placed']} reported failed but placed, "
        f"{summary['before']['duplicates']} duplicated when the user bought again"
    )
    print(
        f"dapp buy on a 2-s chain: {calls['besides_receipt_polling']} requests besides {calls['receipt_polls']} "
        f"receipt polls (goal <= 6; before: {BEFORE_CLI_CALLS})"
    )
    return 0 if summary["misreported"] == 0 and summary["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
