"""The demo: a small sample merch catalog, with orders and reviews, on a fresh chain (`dapp up`).

Metadata and review documents and the product pictures (SVG drawn by dapp._utils.art) are built, and
their CIDs computed, locally without a daemon; the demo then adds them to a Kubo node so the CIDs on chain
resolve. Beside the Catalog it deploys the demo stablecoin TestUSD ("Test USD", tUSD, 6 decimals, EIP-2612
permit), records it in the same registry file under its own name, and funds the sample buyers with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from web3 import Web3
from web3.types import RPCEndpoint

from dapp._utils.abi import AbiFunction
from dapp._utils.art import draw
from dapp.accounts import use_account
from dapp.client import CatalogClient
from dapp.compile import Artifact, load_artifact
from dapp.deploy import DEMO_TOKEN, DeployResult, deploy_catalog, deploy_contract
from dapp.exceptions import CidMismatchError, DappValueError, IpfsError, NetworkError
from dapp.ipfs.cid import Cid
from dapp.ipfs.metadata import build_product_metadata, build_review_document, parse_product_metadata
from dapp.ipfs.unixfs import data_cid
from dapp.networks import Connection, NetworkChoice, connect
from dapp.registry import Deployment, Registry
from dapp.tokens import Token
from dapp.transactions import TransactionPipeline, TxRequest
from dapp.types import ETH, Order, OrderRef, Product

Progress = Callable[[str], None]

ETHER = 10**18
USD = 10**6  # TestUSD has 6 decimals
DAY = 24 * 3600
BUYER_FUNDS = 1_000 * USD  # TestUSD minted to each sample buyer


@dataclass(frozen=True)
class SampleProduct:
    name: str
    description: str
    price: int  # base units of `currency`
    currency: str  # "ETH" or "tUSD" (the demo stablecoin)
    stock: int
    escrow_window: int
    handling_time: int
    with_arbiter: bool  # the sample arbiter (dev account 4) splits its disputes
    image: str  # which drawing (dapp._utils.art)


SAMPLE_PRODUCTS = [
    SampleProduct("Tour T-shirt, black", "Heavy cotton tee with the 2026 tour dates on the back.", 2 * ETHER // 100,
                  "ETH", 50, 7 * DAY, 3 * DAY, False, "tshirt"),
    SampleProduct("Enamel pin set", "Three hard-enamel pins: moon, wave, cassette.", 5 * ETHER // 1000, "ETH", 200,
                  0, 0, False, "pins"),
    SampleProduct("Signed vinyl LP", "First pressing, signed on the sleeve.", 8 * ETHER // 100, "ETH", 10, 14 * DAY,
                  5 * DAY, True, "vinyl"),
    SampleProduct("Riso poster A2", "Two-colour risograph print, numbered edition of 40.", 12 * USD, "tUSD", 40, 0, 0,
                  False, "poster"),
    SampleProduct("Canvas tote bag", "Natural canvas, screen-printed logo.", 9 * USD + USD // 2, "tUSD", 100, 7 * DAY,
                  2 * DAY, True, "tote"),
    SampleProduct("Hoodie, heather grey", "Brushed fleece, embroidered logo, unisex cut.", 45 * USD, "tUSD", 30,
                  7 * DAY, 3 * DAY, False, "hoodie"),
]  # fmt: skip


def image_document(product: SampleProduct) -> tuple[bytes, Cid]:
    picture = draw(product.image)
    return picture, data_cid(picture)


def metadata_document(product: SampleProduct) -> tuple[bytes, Cid]:
    _, image = image_document(product)
    return build_product_metadata(product.name, product.description, [image])


def sample_documents() -> dict[Cid, bytes]:
    """Every sample product's metadata document and picture, by CID."""
    documents: dict[Cid, bytes] = {}
    for sample in SAMPLE_PRODUCTS:
        for document, cid in (image_document(sample), metadata_document(sample)):
            documents[cid] = document
    return documents


@dataclass(frozen=True)
class SeedResult:
    product_ids: list[int]
    documents: dict[Cid, bytes]  # the documents the CIDs on chain name, for whoever wants to pin them


def mint_request(token: str, to: str, amount: int) -> TxRequest:
    """TestUSD's open faucet: mint `amount` base units to `to`."""
    data = AbiFunction.from_abi(load_artifact(DEMO_TOKEN).abi, "mint").encode([to, amount])
    return TxRequest(label=f"mint {DEMO_TOKEN}", to=token, data=data)


def advance_time(w3: Web3, seconds: int) -> None:
    """Move the dev chain's clock forward and mine a block (anvil, Ganache: evm_increaseTime; eth-tester)."""
    tester = getattr(w3.provider, "ethereum_tester", None)
    if tester is not None:
        tester.time_travel(int(w3.eth.get_block("latest")["timestamp"]) + seconds)
        tester.mine_blocks()
        return
    for method, params in (("evm_increaseTime", [seconds]), ("evm_mine", [])):
        answer = w3.provider.make_request(RPCEndpoint(method), params)
        if "error" in answer:
            raise NetworkError(f"{method} failed: {answer['error']}")


def seed_catalog(w3: Web3, address: str, abi: list[dict[str, object]], token: str) -> SeedResult:
    """List the sample products as account 1 (with account 4 as the arbiter where named), fund accounts 2
    and 3 with TestUSD, and leave orders in every state: paid, shipped, disputed, completed (confirmed and
    released), refunded, cancelled, resolved, reviewed."""
    accounts: list[str] = [str(account) for account in w3.eth.accounts]
    funder, seller, alice, bob, arbiter = accounts[:5]

    def client(account: str) -> CatalogClient:
        return CatalogClient(w3, address, abi, account=account)  # type: ignore[arg-type]

    shop, as_alice, as_bob, judge = client(seller), client(alice), client(bob), client(arbiter)
    faucet = TransactionPipeline(w3, funder)
    for buyer in (alice, bob):
        faucet.execute(mint_request(token, buyer, BUYER_FUNDS))
    documents = sample_documents()
    ids = []
    for sample in SAMPLE_PRODUCTS:
        ids.append(
            shop.list_product(
                sample.price,
                sample.stock,
                metadata_document(sample)[1],
                currency=ETH if sample.currency == "ETH" else token,
                escrow_window=sample.escrow_window,
                handling_time=sample.handling_time,
                arbiter=arbiter if sample.with_arbiter else None,
            ).product_id
        )
    tee, pins, vinyl, poster, tote, hoodie = ids

    def review(who: CatalogClient, order: OrderRef, rating: int, text: str) -> None:
        doc, cid = build_review_document(rating, text)
        documents[cid] = doc
        who.review(order, rating, cid)

    # Orders that need the clock: one the seller never ships (cancelled), one released after its window.
    unshipped = as_alice.buy(hoodie, 1).order
    released = as_bob.buy(tee, 1).order
    shop.ship(released)
    advance_time(w3, 8 * DAY)
    as_alice.cancel(unshipped)  # cancelled: not shipped within 3 days
    judge.release(released)  # completed: anyone may release once the window has passed
    # The rest, from here on the clock.
    pins_order = as_alice.buy(pins, 2).order
    review(as_alice, pins_order, 5, "Lovely pins, quick delivery.")  # reviewed (immediate, ETH)
    tee_order = as_bob.buy(tee, 1).order
    shop.ship(tee_order)
    as_bob.confirm(tee_order)
    review(as_bob, tee_order, 4, "Great print; runs a little small.")  # reviewed (escrowed, ETH)
    poster_order = as_bob.buy(poster, 1).order  # tUSD: a permit where the node signs one, else an approve
    review(as_bob, poster_order, 5, "The colours are even better in person.")
    as_alice.buy(vinyl, 1)  # paid: waiting for the seller to ship
    shipped = as_bob.buy(tote, 1).order
    shop.ship(shipped)  # shipped: the escrow window runs
    disputed = as_alice.buy(tote, 2).order
    shop.ship(disputed)
    as_alice.dispute(disputed)  # disputed, with an arbiter to rule
    resolved = as_bob.buy(vinyl, 1).order
    shop.ship(resolved)
    as_bob.dispute(resolved)
    judge.resolve(resolved, as_bob.order(resolved).amount // 2)  # resolved: split half and half
    refunded = as_alice.buy(tee, 1).order
    shop.refund(refunded)  # refunded by the seller
    return SeedResult(product_ids=ids, documents=documents)


@dataclass(frozen=True)
class Demo:
    """A seeded shop that stays up while the `run_demo` context is open."""

    connection: Connection
    deployed: DeployResult
    token: Deployment  # the demo stablecoin (TestUSD), registered beside the Catalog
    products: list[Product]
    orders: list[Order]
    tokens: dict[str, Token]  # currency -> its symbol and decimals, for every product's currency
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
        if len(w3.eth.accounts) < 5:  # checked before anything is sent
            raise DappValueError("dapp up seeds a shop with 5 accounts: use a dev node (anvil, ganache, embedded)")
        deployer = use_account(w3)
        progress("deploying the Catalog")
        deployed = deploy_catalog(w3, deployer, registry, artifact=artifact)
        progress(f"deploying the demo stablecoin {DEMO_TOKEN} (tUSD, 6 decimals, permit)")
        token = deploy_contract(w3, deployer, registry, load_artifact(DEMO_TOKEN)).deployment
        address = deployed.deployment.address
        client = CatalogClient(w3, address, artifact.abi)
        documents: dict[Cid, bytes] = {}
        if client.product_count() == 0:
            progress("seeding a sample merch shop: products in ETH and tUSD, an order in every state, reviews")
            documents = seed_catalog(w3, address, artifact.abi, token.address).documents
        gateway = _serve_documents(stack, ipfs_api, documents, progress) if with_ipfs else None
        products = client.products()
        metadata_cids = {p.metadata_cid for p in products}
        names = {cid: parse_product_metadata(cid, doc).name for cid, doc in documents.items() if cid in metadata_cids}
        orders = [o for p in products for o in client.orders(p.id)]
        tokens = {p.currency: client.token(p.currency) for p in products}
        yield Demo(connection, deployed, token, products, orders, tokens, names, gateway)


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
