"""Rebuild the Catalog's state from its logs alone, as an indexer would, to prove the events are complete.

`replay(env, from_block)` reads every Catalog log from `from_block` on, decodes it with the ABI, and applies
it to a fresh model. The only thing read besides the logs is each log's block timestamp (an indexer reads
it with the log; newer nodes put it in the log itself). `compare(env, state)` then checks the model against
every view: products, stock, orders and their states and deadlines, and every balance it knows of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.catalog_env import ETH, UINT32_MAX, CatalogEnv, State


@dataclass
class ReplayedProduct:
    id: int
    seller: str
    currency: str
    price: int
    stock: int
    handlingTime: int
    escrowWindow: int
    arbiter: str
    metadataDigest: bytes
    metadataCodec: int
    orderCount: int = 0
    termsVersion: int = 0
    ratingCount: int = 0
    ratingSum: int = 0
    listed: bool = True


@dataclass
class ReplayedOrder:
    productId: int
    orderNo: int
    buyer: str
    currency: str
    quantity: int
    unitPrice: int
    termsVersion: int
    state: State
    placedAt: int
    shippedAt: int = 0

    @property
    def amount(self) -> int:
        return self.quantity * self.unitPrice


@dataclass
class Replayed:
    products: dict[int, ReplayedProduct] = field(default_factory=dict)
    orders: dict[tuple[int, int], ReplayedOrder] = field(default_factory=dict)
    balances: dict[tuple[str, str], int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)

    def credit(self, account: str, currency: str, amount: int) -> None:
        self.balances[account, currency] = self.balances.get((account, currency), 0) + amount


def replay(env: CatalogEnv, from_block: int) -> Replayed:
    """Apply every Catalog log from `from_block` on, in order, to an empty model."""
    logs = env.w3.eth.get_logs({"address": env.catalog.address, "fromBlock": from_block, "toBlock": "latest"})
    state = Replayed()
    timestamps: dict[int, int] = {}
    for log in logs:
        block = int(log["blockNumber"])
        if block not in timestamps:
            timestamps[block] = env.chain.block_timestamp(block)
        name, args = env.decode_log(log)
        _apply(state, name, args, timestamps[block])
        state.events.append(name)
    return state


def _apply(s: Replayed, name: str, a: dict[str, Any], now: int) -> None:
    if name == "ProductListed":
        s.products[a["productId"]] = ReplayedProduct(
            id=a["productId"], seller=a["seller"], currency=a["currency"], price=a["price"], stock=a["stock"],
            handlingTime=a["handlingTime"], escrowWindow=a["escrowWindow"], arbiter=a["arbiter"],
            metadataDigest=a["metadataDigest"], metadataCodec=a["metadataCodec"],
        )  # fmt: skip
        return
    if name == "Withdrawn":
        s.credit(a["account"], a["currency"], -a["amount"])
        return
    p = s.products[a["productId"]]
    if name == "PriceChanged":
        p.price, p.termsVersion = a["price"], a["termsVersion"]
    elif name == "StockChanged":
        p.stock = a["stock"]
    elif name == "MetadataChanged":
        p.metadataDigest, p.metadataCodec, p.termsVersion = a["metadataDigest"], a["metadataCodec"], a["termsVersion"]
    elif name == "ProductDelisted":
        p.listed, p.stock = False, 0
    elif name == "Purchased":
        p.stock -= a["quantity"]
        p.orderCount += 1
        assert a["orderNo"] == p.orderCount
        state = State.PAID if a["escrowed"] else State.COMPLETED
        order = ReplayedOrder(
            p.id, a["orderNo"], a["buyer"], p.currency, a["quantity"], a["unitPrice"], p.termsVersion, state, now
        )
        s.orders[p.id, order.orderNo] = order
        if not a["escrowed"]:
            s.credit(p.seller, p.currency, order.amount)
    else:
        o = s.orders[a["productId"], a["orderNo"]]
        if name == "OrderShipped":
            o.state, o.placedAt, o.shippedAt = State.SHIPPED, 0, now
        elif name == "OrderDisputed":
            o.state = State.DISPUTED
        elif name in ("OrderConfirmed", "OrderReleased"):
            o.state = State.COMPLETED
            s.credit(p.seller, p.currency, o.amount)
        elif name in ("OrderRefunded", "OrderCancelled"):
            o.state = State.REFUNDED if name == "OrderRefunded" else State.CANCELLED
            s.credit(o.buyer, p.currency, o.amount)
            if p.listed:
                p.stock = min(p.stock + o.quantity, UINT32_MAX)
        elif name == "OrderResolved":
            o.state = State.RESOLVED
            assert a["buyerAmount"] + a["sellerAmount"] == o.amount
            s.credit(o.buyer, p.currency, a["buyerAmount"])
            s.credit(p.seller, p.currency, a["sellerAmount"])
        elif name == "Reviewed":
            o.state = State.REVIEWED
            p.ratingCount += 1
            p.ratingSum += a["rating"]
        else:
            raise AssertionError(f"event {name} not replayed")


def _deadline(p: ReplayedProduct, o: ReplayedOrder) -> int:
    if o.state == State.PAID:
        return o.placedAt + p.handlingTime
    if o.state in (State.SHIPPED, State.DISPUTED):
        return o.shippedAt + p.escrowWindow
    return 0


def compare(env: CatalogEnv, s: Replayed, accounts: list[str], currencies: list[str]) -> None:
    """The replayed model equals what the views return, field by field."""
    chain_products = env.products(0, 10_000)
    assert [p["id"] for p in chain_products] == sorted(s.products)
    for chain in chain_products:
        replayed = s.products[chain["id"]]
        assert chain == vars(replayed), chain["id"]
        chain_orders = env.orders(chain["id"], 0, 2**32)
        assert len(chain_orders) == replayed.orderCount
        for chain_order in chain_orders:
            o = s.orders[chain["id"], chain_order["orderNo"]]
            expected = {**vars(o), "amount": o.amount, "deadline": _deadline(replayed, o)}
            assert chain_order == expected, (chain["id"], chain_order["orderNo"])
    for account in accounts:
        for currency in currencies:
            assert env.withdrawable(account, currency) == s.balances.get((account, currency), 0), (account, currency)
    # and no balance the logs know of is missing from the accounts compared
    assert {a for (a, _), v in s.balances.items() if v} <= set(accounts)
    assert {c for (_, c), v in s.balances.items() if v} <= {*currencies, ETH}
