"""A small sample merch catalog, with orders and reviews, for `dapp up` and the tests.

Metadata and review documents are built (and their CIDs computed) locally, without a daemon; `dapp up`
then adds them to its Kubo node so the CIDs on chain resolve.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from dapp.client import CatalogClient
from dapp.ipfs.cid import parse_cid
from dapp.ipfs.metadata import build_product_metadata, build_review_document

ETHER = 10**18
DAY = 24 * 3600


@dataclass(frozen=True)
class SampleProduct:
    name: str
    description: str
    price: int
    stock: int
    escrow_window: int


SAMPLE_PRODUCTS = [
    SampleProduct(
        "Tour T-shirt, black", "Heavy cotton tee with the 2026 tour dates on the back.", 2 * ETHER // 100, 50, 7 * DAY
    ),
    SampleProduct("Enamel pin set", "Three hard-enamel pins: moon, wave, cassette.", 5 * ETHER // 1000, 200, 0),
    SampleProduct("Signed vinyl LP", "First pressing, signed on the sleeve.", 8 * ETHER // 100, 10, 14 * DAY),
    SampleProduct("Riso poster A2", "Two-colour risograph print, numbered edition of 40.", 12 * ETHER // 1000, 40, 0),
    SampleProduct("Canvas tote bag", "Natural canvas, screen-printed logo.", ETHER // 100, 100, 0),
]


def metadata_document(product: SampleProduct) -> tuple[bytes, str]:
    return build_product_metadata(product.name, product.description, [])


@dataclass(frozen=True)
class SeedResult:
    product_ids: list[int]
    documents: dict[str, bytes]  # CID -> bytes, for whoever wants to pin them


def seed_catalog(w3: Web3, address: str, abi: list[dict[str, object]], *, fixed_gas: bool = False) -> SeedResult:
    """List the sample products as account 1, then place, settle and review a few orders as accounts 2 and 3."""
    accounts: list[str] = [str(account) for account in w3.eth.accounts]
    seller, alice, bob = accounts[1:4]

    def client(account: str) -> CatalogClient:
        return CatalogClient(w3, address, abi, account=account, fixed_gas=fixed_gas)  # type: ignore[arg-type]

    shop, as_alice, as_bob = client(seller), client(alice), client(bob)
    documents: dict[str, bytes] = {}
    ids = []
    for sample in SAMPLE_PRODUCTS:
        doc, cid = metadata_document(sample)
        documents[cid] = doc
        codec, digest = parse_cid(cid)
        ids.append(shop.list_product(sample.price, sample.stock, sample.escrow_window, digest, codec).product_id)
    tee, pins, vinyl, poster, _tote = ids

    def review(who: CatalogClient, order: tuple[int, int], rating: int, text: str) -> None:
        doc, cid = build_review_document(rating, text)
        documents[cid] = doc
        codec, digest = parse_cid(cid)
        who.review(order[0], order[1], rating, digest, codec)

    pins_order = as_alice.buy(pins, 2).order
    review(as_alice, (pins_order.product_id, pins_order.order_no), 5, "Lovely pins, quick delivery.")
    tee_order = as_bob.buy(tee, 1).order
    as_bob.confirm(tee_order.product_id, tee_order.order_no)
    review(as_bob, (tee_order.product_id, tee_order.order_no), 4, "Great print; runs a little small.")
    as_alice.buy(vinyl, 1)  # stays in escrow: shows an open order
    poster_order = as_bob.buy(poster, 1).order
    review(as_bob, (poster_order.product_id, poster_order.order_no), 5, "The colours are even better in person.")
    refunded = as_alice.buy(tee, 1).order
    shop.refund(refunded.product_id, refunded.order_no)
    return SeedResult(product_ids=ids, documents=documents)
