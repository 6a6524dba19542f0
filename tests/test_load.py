"""Load without loss (tests/support/load.py runs it): 2,500 purchases by 21 accounts at once on a real anvil, none
lost, none doubled, and the chain equal to a model of what was asked. `make test` runs a fifth of it (500
purchases, the stocks that sell out a fifth as large, so they still sell out); `make fuzz`, with its
`fuzz` Hypothesis profile, runs it whole.

After the run: every hash the pipelines sent is mined exactly once and is a purchase whose fate the
test knows; the keyed account signed nothing twice and used the nonces after its setup, one per purchase; each dev
account's nonce grew by what it sent; and the chain (stock, order counts, every order, withdrawable
balances, TestUSD balances and allowance, ETH balances to the wei after fees) equals a model built from
the offers and the purchases the client reported placed. The counts go to the `reliability` tally.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3

from dapp._utils.abi import AbiEvent
from dapp._utils.logs import get_logs
from dapp.nodes import AnvilNode
from dapp.types import ETH, OrderRef, OrderState
from tests.support.load import (
    BLOCK_TIME,
    BUYERS,
    DEV_ACCOUNTS,
    KEYED_ALLOWANCE,
    KEYED_THREADS,
    MINTED,
    Attempt,
    LoadRun,
    account_for,
    nonce_of,
    run_load,
)
from tests.support.reliability import Tally

# Whole, about 70 s of load and 20 s of setup and checks on a busy 2-core machine: slow, so `make fuzz` (which
# writes bench/results/reliability.json) runs it whole; plain `pytest` runs every test, slow ones included.
pytestmark = [pytest.mark.anvil, pytest.mark.slow]
QUICK = 0.2  # the fraction of the full load outside `make fuzz`


@pytest.fixture
def anvil() -> Iterator[AnvilNode]:
    """An anvil of this test's own, mining every BLOCK_TIME s, with dev accounts for 3 sellers, an
    arbiter and 20 buyers."""
    with AnvilNode(block_time=BLOCK_TIME, extra_args=["--accounts", str(DEV_ACCOUNTS)]) as node:
        yield node


def test_load_without_loss(
    anvil: AnvilNode, tmp_path: Path, reliability: Tally, request: pytest.FixtureRequest
) -> None:
    whole = request.config.getoption("--hypothesis-profile", None) == "fuzz"
    run = run_load(anvil.url, tmp_path, fraction=1.0 if whole else QUICK)
    books = account_for(run)
    reliability.add("load_sent", len(run.attempts))
    reliability.add("load_mined", len(books.mined))
    reliability.add("load_failed", len(books.failed))
    reliability.add("load_lost", len(books.lost))
    reverted = [a for a in books.failed if a.reverted_hash is not None]
    blocks = Counter(int(r["blockNumber"]) for r in run.receipts.values() if r is not None)
    print(
        f"\nload: {len(run.attempts)} purchases by {BUYERS + 1} accounts ({run.keyed_purchases} by one key from "
        f"{KEYED_THREADS} threads): {len(books.mined)} mined, {len(books.failed)} failed (sold out; "
        f"{len(reverted)} of them mined and reverted), {len(books.lost)} lost; {run.seconds:.1f} s, "
        f"{len(books.mined) / run.seconds:.1f} purchases/s; {len(blocks)} blocks, up to "
        f"{max(blocks.values())} transactions in one"
    )
    assert not books.lost, f"{len(books.lost)} purchases lost, e.g. {books.lost[:3]}"
    assert len(books.mined) + len(books.failed) == len(run.attempts)
    assert books.failed, "no product sold out: the refusals are not exercised"

    # Every hash sent was mined exactly once, and is a purchase whose fate the test knows.
    placed = [a.purchase.tx.tx_hash.lower() for a in books.mined if a.purchase is not None]
    sent = run.hashes.all_sent()
    assert len(sent) == len(set(sent)), "a hash was reported sent twice"
    unmined = [h for h, receipt in run.receipts.items() if receipt is None]
    assert not unmined, f"{len(unmined)} transactions sent and never mined, e.g. {unmined[:3]}"
    assert sorted(placed + [a.reverted_hash for a in reverted if a.reverted_hash]) == sorted(sent)
    catalog = run.deployment.address
    purchased_topic = AbiEvent.from_abi(run.client.abi, "Purchased").topic_hex
    logs = get_logs(run.w3, catalog, [purchased_topic], run.deployment.deployed_on_block)
    assert sorted("0x" + bytes(log["transactionHash"]).hex() for log in logs) == sorted(placed)

    # Nonces: the keyed account signed each nonce once (no collision between its threads, no re-signing)
    # and used exactly setup..setup+keyed_purchases-1; each dev account's nonce grew by exactly what it sent.
    keyed = run.keyed.lower()
    assert sorted(run.hashes.signed[keyed]) == sorted(run.hashes.sent[keyed])
    nonces = sorted(int(run.w3.eth.get_transaction(h)["nonce"]) for h in run.hashes.sent[keyed])  # type: ignore[arg-type]
    assert nonces == list(range(run.keyed_setup_nonces, run.keyed_setup_nonces + run.keyed_purchases))
    assert nonce_of(run.w3, run.keyed) == run.keyed_setup_nonces + run.keyed_purchases
    for buyer in run.buyers:
        assert nonce_of(run.w3, buyer) == run.nonces_before[buyer] + len(run.hashes.sent[buyer.lower()]), buyer

    check_model(run, books.mined)


def check_model(run: LoadRun, mined: list[Attempt]) -> None:
    """The chain equals a model built from the offers and the purchases the client reported placed."""
    client, usd = run.client, run.usd
    placed: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in mined:
        placed[attempt.product_id].append(attempt)
    withdrawable: Counter[tuple[str, str]] = Counter()  # (account, currency)
    held: Counter[str] = Counter()  # what the Catalog holds per currency: nothing was withdrawn
    spent: Counter[tuple[str, str]] = Counter()  # (buyer, currency)
    for product_id, offer in enumerate(run.offers, start=1):
        currency = usd if offer.token else ETH
        orders = sorted(placed[product_id], key=lambda a: a.purchase.order.order_no if a.purchase else 0)
        product = run.products[product_id]
        assert product.stock == offer.stock - sum(a.quantity for a in orders), product_id
        assert product.order_count == len(orders), product_id
        on_chain = client.orders(product_id)
        assert [order.order_no for order in on_chain] == list(range(1, len(orders) + 1))
        for attempt, order in zip(orders, on_chain, strict=True):
            assert attempt.purchase is not None
            amount = attempt.quantity * offer.price
            assert attempt.purchase.order == OrderRef(product_id, order.order_no)
            assert (order.buyer.lower(), order.quantity, order.currency, order.unit_price, order.amount) == (
                attempt.buyer.lower(), attempt.quantity, currency, offer.price, amount
            )  # fmt: skip
            assert order.state is (OrderState.PAID if offer.escrowed else OrderState.COMPLETED)
            assert (attempt.purchase.amount, attempt.purchase.escrowed) == (amount, offer.escrowed)
            held[currency] += amount
            spent[(attempt.buyer.lower(), currency)] += amount
            if not offer.escrowed:
                withdrawable[(product.seller.lower(), currency)] += amount
    sellers = {product.seller for product in run.products.values()}
    for account in sorted(sellers) + run.buyers + [run.keyed]:
        for currency in (ETH, usd):
            assert client.withdrawable(account, currency) == withdrawable[(account.lower(), currency)], account
    assert int(run.w3.eth.get_balance(Web3.to_checksum_address(client.address))) == held[ETH]
    assert client.tokens.balance_of(usd, client.address) == held[usd]
    for buyer in [*run.buyers, run.keyed]:
        assert client.tokens.balance_of(usd, buyer) == MINTED - spent[(buyer.lower(), usd)], buyer
    assert client.tokens.allowance(usd, run.keyed, client.address) == KEYED_ALLOWANCE - spent[(run.keyed.lower(), usd)]
    # ETH to the wei: each account paid for its purchases and the fee of every transaction it sent, no more.
    fees: Counter[str] = Counter()
    for receipt in filter(None, run.receipts.values()):
        fees[str(receipt["from"]).lower()] += int(receipt["gasUsed"]) * int(receipt["effectiveGasPrice"])
    for account, before in run.eth_before.items():
        after = int(run.w3.eth.get_balance(Web3.to_checksum_address(account)))
        assert after == before - spent[(account.lower(), ETH)] - fees[account.lower()], account
