"""A random store on a real anvil, seeded through the real Catalog: a scripted shop that emits every event
(several sellers and buyers, through CatalogClient), then products and orders in bulk through
bench/contracts/BatchStore.sol (one transaction lists or buys hundreds, each purchase by one of many
buyer contracts, each emitting the Catalog's own events). Shared by tests/indexer and bench/bench_scale.py.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_abi import encode
from web3 import Web3

from dapp.client import CatalogClient
from dapp.compile import Artifact, compile_file
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.metadata import PRODUCT_SCHEMA, canonical_json
from dapp.registry import Deployment
from dapp.types import ListingTerms

REPO = Path(__file__).resolve().parents[2]
BATCH_STORE = REPO / "bench" / "contracts" / "BatchStore.sol"
UNIT_PRICE = 1_000
WORDS = ("mug", "shirt", "poster", "vinyl", "tote", "cap", "zine", "badge", "scarf", "print")
DAY = 86_400


def product_document(index: int) -> bytes:
    """The canonical product document of bulk product `index` (its name is searchable: "Vinyl 123")."""
    word = WORDS[index % len(WORDS)]
    return canonical_json(
        {
            "schema": PRODUCT_SCHEMA,
            "name": f"{word.title()} {index}",
            "description": f"Bulk item {index}, a {word}",
            "images": [],
        }
    )


def raw_cid(document: bytes) -> Cid:
    return Cid(hashlib.sha256(document).digest(), Codec.RAW)


class Rpc:
    """Raw JSON-RPC to anvil: sends without web3.py's per-transaction look-ups."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3

    def call(self, method: str, *params: Any) -> Any:
        reply = self.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def send(self, sender: str, to: str | None, data: bytes, value: int = 0, gas: int = 900_000_000) -> str:
        tx: dict[str, Any] = {"from": sender, "data": "0x" + data.hex(), "value": hex(value), "gas": hex(gas)}
        if to is not None:
            tx["to"] = to
        return str(self.call("eth_sendTransaction", tx))

    def wait(self, tx_hash: str, timeout: float = 600) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (receipt := self.call("eth_getTransactionReceipt", tx_hash)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(tx_hash)
            time.sleep(0.01)
        if int(receipt["status"], 16) != 1:
            raise RuntimeError(f"transaction {tx_hash} reverted")
        return dict(receipt)


def _selector(signature: str) -> bytes:
    return bytes(Web3.keccak(text=signature)[:4])


@dataclass
class BatchStore:
    """The deployed helper: lists and buys in bulk through the Catalog."""

    rpc: Rpc
    catalog: str
    address: str
    sender: str
    buyers: list[str] = field(default_factory=list)

    @classmethod
    def deploy(cls, rpc: Rpc, catalog: str, sender: str) -> BatchStore:
        artifact: Artifact = compile_file(BATCH_STORE)["BatchStore"]
        receipt = rpc.wait(rpc.send(sender, None, bytes.fromhex(artifact.bytecode.removeprefix("0x"))))
        return cls(rpc, catalog, Web3.to_checksum_address(receipt["contractAddress"]), sender)

    def add_buyers(self, count: int, batch: int = 500) -> None:
        for start in range(0, count, batch):
            n = min(batch, count - start)
            self.rpc.wait(
                self.rpc.send(self.sender, self.address, _selector("addBuyers(uint256)") + encode(["uint256"], [n]))
            )
        total = len(self.buyers) + count
        getter = _selector("buyers(uint256)")
        calls = [
            self.rpc.call(
                "eth_call", {"to": self.address, "data": "0x" + (getter + encode(["uint256"], [i])).hex()}, "latest"
            )
            for i in range(len(self.buyers), total)
        ]
        self.buyers += [Web3.to_checksum_address("0x" + c[-40:]) for c in calls]

    def list_many(self, digests: list[bytes], *, stock: int, handling: int = 0, window: int = 0) -> str:
        data = _selector("listMany(address,bytes32[],uint256,uint256,uint256,uint256)") + encode(
            ["address", "bytes32[]", "uint256", "uint256", "uint256", "uint256"],
            [self.catalog, digests, UNIT_PRICE, stock, handling, window],
        )
        return self.rpc.send(self.sender, self.address, data)

    def buy_many(self, buyer_indexes: list[int], product_ids: list[int]) -> str:
        data = _selector("buyMany(address,uint256[],uint256[],uint256)") + encode(
            ["address", "uint256[]", "uint256[]", "uint256"], [self.catalog, buyer_indexes, product_ids, UNIT_PRICE]
        )
        return self.rpc.send(self.sender, self.address, data, value=UNIT_PRICE * len(product_ids))


def every_event(clients: dict[str, CatalogClient], advance: Any) -> None:
    """A small shop through the client that emits every Catalog event at least once: sellers s1 and s2,
    buyers b1 and b2, arbiter arb (clients by role). `advance(seconds)` moves the chain's clock."""
    s1, s2, b1, b2, arb = (clients[k] for k in ("s1", "s2", "b1", "b2", "arb"))
    a = s1.list_product(ListingTerms(10_000, 20, raw_cid(product_document(900_001)), escrow_window=7 * DAY,
                                     handling_time=2 * DAY, arbiter=arb.account)).product_id  # fmt: skip
    b = s2.list_product(ListingTerms(20_000, 20, raw_cid(product_document(900_002)), escrow_window=7 * DAY,
                                     handling_time=2 * DAY)).product_id  # fmt: skip
    c = s1.list_product(ListingTerms(500, 5, raw_cid(product_document(900_003)))).product_id
    a1 = b1.buy(a, 2).order
    a2 = b2.buy(a, 1).order
    a3 = b1.buy(a, 3, order_data=b"sealed shipping details of a3").order
    b_1 = b2.buy(b, 4).order
    b_2 = b1.buy(b, 1).order
    c1 = b2.buy(c, 2).order
    s1.set_price(a, 30_000)
    s2.set_metadata(b, raw_cid(product_document(900_004)))
    s1.set_stock(c, 9)
    a4 = b2.buy(a, 1).order
    a5 = b1.buy(a, 2, order_data=b"sealed shipping details of a5").order
    a6 = b2.buy(a, 1).order
    b_3 = b1.buy(b, 2).order
    b_4 = b2.buy(b, 1).order
    s1.ship(a1)
    s1.ship(a3, raw_cid(b"tracking note of a3"))  # a tracking document: the buyer's card offers to open it
    s1.ship(a6)
    s2.ship(b_1)
    s2.ship(b_3)
    b1.dispute(a1)
    arb.resolve(a1, 7_000)
    b2.confirm(a2)
    s1.refund(a4)  # never shipped: its unit goes back on sale
    s1.refund(a6)  # shipped: its unit does not
    b2.review(a2, 4, raw_cid(b"review a2"))
    b2.review(c1, 5, raw_cid(b"review c1"))
    b1.review(a1, 2, raw_cid(b"review a1"))  # after a ruling
    # Settlement: an offer replaced, withdrawn, made again and accepted, on an unshipped order (restocks)
    # and on a shipped one (does not); an open offer that survives shipping and a dispute stays open.
    b1.offer_settlement(a5, 50_000)
    s1.offer_settlement(a5, 20_000)
    s1.withdraw_settlement(a5)
    s1.offer_settlement(a5, 25_000)
    b1.accept_settlement(a5, 25_000)
    b1.review(a5, 3, raw_cid(b"review a5"))  # after a settlement
    b1.offer_settlement(b_3, 10_000)
    s2.accept_settlement(b_3, 10_000)
    b2.offer_settlement(b_4, 5_000)
    s2.ship(b_4)
    b2.dispute(b_4)
    # Profiles: the latest event wins, a zero digest clears.
    s1.set_profile(raw_cid(b"profile s1"))
    s2.set_profile(raw_cid(b"profile s2 first"))
    s2.set_profile(None)
    advance(8 * DAY)
    b2.release(a3)
    b1.cancel(b_2)
    s2.release(b_1)
    s1.delist(c)
    s1.withdraw()
    b1.withdraw()


def seed_bulk(
    store: BatchStore,
    products: int,
    orders: int,
    buyers: int,
    *,
    seed: int = 1,
    list_batch: int = 250,
    buy_batch: int = 500,
    between_batches: Any = None,
    progress: Any = None,
) -> tuple[list[int], dict[str, int]]:
    """`products` ETH products (a third escrowed) and `orders` purchases by `buyers` buyer contracts;
    returns the new product ids and the orders per buyer. `between_batches()` runs after each buy batch
    (the benchmark moves the clock and mines empty blocks there, to spread orders over many blocks)."""
    rng = random.Random(seed)
    rpc = store.rpc
    first = (
        int(rpc.call("eth_call", {"to": store.catalog, "data": "0x" + _selector("productCount()").hex()}, "latest"), 16)
        + 1
    )
    if len(store.buyers) < buyers:
        store.add_buyers(buyers - len(store.buyers))
    stock = max(1, orders // max(products, 1) * 4 + 10)
    pending = []
    for start in range(0, products, list_batch):
        n = min(list_batch, products - start)
        digests = [raw_cid(product_document(start + i)).digest for i in range(n)]
        escrowed = (start // list_batch) % 3 == 0
        pending.append(store.list_many(digests, stock=stock, handling=2 * DAY if escrowed else 0,
                                       window=7 * DAY if escrowed else 0))  # fmt: skip
        if progress:
            progress(f"listed {start + n:,} products")
    for tx in pending:
        rpc.wait(tx)
    ids = list(range(first, first + products))
    per_buyer: dict[str, int] = {}
    sold: dict[int, int] = {}
    pending = []
    for start in range(0, orders, buy_batch):
        n = min(buy_batch, orders - start)
        who: list[int] = []
        what: list[int] = []
        while len(what) < n:
            product = rng.choice(ids)
            if sold.get(product, 0) >= stock:
                continue
            sold[product] = sold.get(product, 0) + 1
            buyer = rng.randrange(buyers)
            who.append(buyer)
            what.append(product)
            per_buyer[store.buyers[buyer]] = per_buyer.get(store.buyers[buyer], 0) + 1
        pending.append(store.buy_many(who, what))
        if between_batches is not None:
            for tx in pending:
                rpc.wait(tx)
            pending = []
            between_batches()
        if progress and (start // buy_batch) % 20 == 0:
            progress(f"placed {start + n:,} orders")
    for tx in pending:
        rpc.wait(tx)
    return ids, per_buyer


def client_for(
    w3: Web3, deployment: Deployment, abi: list[dict[str, Any]], account: str, **kwargs: Any
) -> CatalogClient:
    return CatalogClient.from_deployment(w3, deployment, abi, account=account, **kwargs)
