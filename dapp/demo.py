"""The demo: a small sample merch catalog, with orders and reviews, on a fresh chain (`dapp up`).

Metadata and review documents are built (and their CIDs computed) locally, without a daemon; the demo
then adds them to a Kubo node so the CIDs on chain resolve.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from web3 import Web3

from dapp.accounts import use_account
from dapp.client import CatalogClient
from dapp.compile import Artifact
from dapp.deploy import DeployResult, deploy_catalog
from dapp.exceptions import CidMismatchError, DappValueError, IpfsError
from dapp.ipfs.cid import Cid
from dapp.ipfs.metadata import build_product_metadata, build_review_document, parse_product_metadata
from dapp.networks import Connection, NetworkChoice, connect
from dapp.registry import Registry
from dapp.types import Order, OrderRef, Product

Progress = Callable[[str], None]

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


def metadata_document(product: SampleProduct) -> tuple[bytes, Cid]:
    return build_product_metadata(product.name, product.description, [])


@dataclass(frozen=True)
class SeedResult:
    product_ids: list[int]
    documents: dict[Cid, bytes]  # the documents the CIDs on chain name, for whoever wants to pin them


def seed_catalog(w3: Web3, address: str, abi: list[dict[str, object]]) -> SeedResult:
    """List the sample products as account 1, then place, settle and review a few orders as accounts 2 and 3."""
    accounts: list[str] = [str(account) for account in w3.eth.accounts]
    seller, alice, bob = accounts[1:4]

    def client(account: str) -> CatalogClient:
        return CatalogClient(w3, address, abi, account=account)  # type: ignore[arg-type]

    shop, as_alice, as_bob = client(seller), client(alice), client(bob)
    documents: dict[Cid, bytes] = {}
    ids = []
    for sample in SAMPLE_PRODUCTS:
        doc, cid = metadata_document(sample)
        documents[cid] = doc
        ids.append(shop.list_product(sample.price, sample.stock, sample.escrow_window, cid).product_id)
    tee, pins, vinyl, poster, _tote = ids

    def review(who: CatalogClient, order: OrderRef, rating: int, text: str) -> None:
        doc, cid = build_review_document(rating, text)
        documents[cid] = doc
        who.review(order, rating, cid)

    pins_order = as_alice.buy(pins, 2).order
    review(as_alice, pins_order, 5, "Lovely pins, quick delivery.")
    tee_order = as_bob.buy(tee, 1).order
    as_bob.confirm(tee_order)
    review(as_bob, tee_order, 4, "Great print; runs a little small.")
    as_alice.buy(vinyl, 1)  # stays in escrow: shows an open order
    poster_order = as_bob.buy(poster, 1).order
    review(as_bob, poster_order, 5, "The colours are even better in person.")
    refunded = as_alice.buy(tee, 1).order
    shop.refund(refunded)
    return SeedResult(product_ids=ids, documents=documents)


@dataclass(frozen=True)
class Demo:
    """A seeded shop that stays up while the `run_demo` context is open."""

    connection: Connection
    deployed: DeployResult
    products: list[Product]
    orders: list[Order]
    names: dict[Cid, str]  # metadata CID -> product name, for the documents this demo seeded
    gateway: str | None  # the IPFS gateway serving the documents, if IPFS is up

    @property
    def where(self) -> str:
        """Where other processes reach the chain: the node's URL (or the network's label)."""
        return self.connection.node.url if self.connection.node else self.connection.choice.label


@contextlib.contextmanager
def run_demo(
    network: NetworkChoice,
    registry: Registry,
    artifact: Artifact,
    *,
    ipfs_api: str | None = None,
    with_ipfs: bool = True,
    progress: Progress = lambda message: None,
) -> Iterator[Demo]:
    """Start the network (a fresh node for anvil/ganache), deploy, seed the sample shop if it is empty,
    add its documents to IPFS (unless `with_ipfs` is False), and keep everything up until the context
    exits."""
    progress(f"starting {network.kind}" if network.kind in ("anvil", "ganache") else f"connecting to {network.label}")
    with contextlib.ExitStack() as stack:
        connection = stack.enter_context(connect(network, own_node=True, progress=progress))
        w3 = connection.w3
        if len(w3.eth.accounts) < 4:  # checked before anything is sent
            raise DappValueError("dapp up seeds a shop with 4 accounts: use a dev node (anvil, ganache, embedded)")
        deployer = use_account(w3)
        progress("deploying the Catalog")
        deployed = deploy_catalog(w3, deployer, registry, artifact=artifact)
        address = deployed.deployment.address
        client = CatalogClient(w3, address, artifact.abi)
        documents: dict[Cid, bytes] = {}
        if client.product_count() == 0:
            progress("seeding a sample merch catalog with orders and reviews")
            documents = seed_catalog(w3, address, artifact.abi).documents
        gateway = _serve_documents(stack, ipfs_api, documents, progress) if with_ipfs else None
        products = client.products()
        metadata_cids = {p.metadata_cid for p in products}
        names = {cid: parse_product_metadata(cid, doc).name for cid, doc in documents.items() if cid in metadata_cids}
        orders = [o for p in products for o in client.orders(p.id)]
        yield Demo(connection, deployed, products, orders, names, gateway)


def _serve_documents(
    stack: contextlib.ExitStack, ipfs_api: str | None, documents: dict[Cid, bytes], progress: Progress
) -> str | None:
    """Add the seeded documents to Kubo (ours unless an API is given) and keep it up; None if no Kubo."""
    from dapp.ipfs.kubo import open_kubo  # ipfshttpclient: only when IPFS is wanted

    try:
        progress("starting IPFS and adding the metadata and review documents")
        kubo = stack.enter_context(open_kubo(ipfs_api))
        for cid, document in documents.items():
            added = kubo.add_bytes(document, pin=True)
            if added != cid:
                raise CidMismatchError(str(cid), str(added), what="Kubo's import of a seeded document")
        return kubo.gateway_url()
    except IpfsError as exc:
        if isinstance(exc, CidMismatchError):
            raise
        progress(f"IPFS unavailable, documents not published ({exc}); the chain part still runs")
        return None
