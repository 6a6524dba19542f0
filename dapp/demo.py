"""The demo: a small sample merch catalog, with orders and reviews, on a fresh chain (`dapp up`).

Metadata and review documents and the product pictures (SVG drawn by dapp._utils.art) are built, and
their CIDs computed, locally without a daemon; the demo then adds them to a Kubo node so the CIDs on chain
resolve. Beside the Catalog it deploys the demo stablecoin TestUSD ("Test USD", tUSD, 6 decimals, EIP-2612
permit), records it in the same registry file under its own name, and funds the sample buyers with it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from web3 import Web3
from web3.exceptions import MethodUnavailable
from web3.types import RPCEndpoint

from dapp._utils.abi import AbiFunction
from dapp._utils.art import banner as draw_banner, draw
from dapp._utils.ports import PortChoice, choose_port
from dapp._utils.validate import check_address
from dapp.accounts import use_account
from dapp.client import CatalogClient
from dapp.compile import Artifact, load_artifact
from dapp.deploy import DeployResult, deploy_catalog, deploy_contract
from dapp.exceptions import (
    CidMismatchError,
    DappValueError,
    IndexerError,
    IpfsError,
    KuboPortInUseError,
    NetworkError,
    PageBuildError,
)
from dapp.ipfs.cid import Cid
from dapp.ipfs.daemon import Listen
from dapp.ipfs.metadata import (
    Variant,
    build_product_metadata,
    build_profile_document,
    build_review_document,
    make_variant,
    parse_product_metadata,
)
from dapp.ipfs.unixfs import data_cid
from dapp.liveness import DEMO_TOKEN
from dapp.networks import Connection, NetworkChoice, connect, http_web3
from dapp.nodes import NODE_KINDS
from dapp.registry import Deployment, Registry
from dapp.settings import DEFAULT_HOME
from dapp.shipping import OrderContext, ShippingDetails, ShippingKeyPair, derive_keypair_checked, seal
from dapp.tokens import Token
from dapp.transactions import TransactionPipeline, TxRequest
from dapp.types import ETH, ListingTerms, Order, OrderRef, Product

if TYPE_CHECKING:  # dapp.page and dapp.ipfs.kubo load ipfshttpclient: imported where IPFS is used
    from dapp.ipfs.kubo import Kubo
    from dapp.page import PageBuild, PageConfig, PageUrls

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
    size: str = ""  # this listing's size, for a product sold in sizes (each size its own product and stock)
    other_sizes: tuple[tuple[str, int], ...] = ()  # the group's other sizes and their stock, listed after the six
    group: str = ""  # the group id of its sizes (MERCH-SPEC §1)

    def variant(self, size: str | None = None) -> Variant | None:
        """The variant of this product in `size` (default: its own), or None if it has no sizes."""
        if not self.size:
            return None
        sizes = {self.size, *(s for s, _ in self.other_sizes)}
        choices = [s for s in SIZES if s in sizes]
        return make_variant(self.group, {"size": size or self.size}, {"size": choices})


SIZES = ("XS", "S", "M", "L", "XL", "XXL")  # display order

SAMPLE_PRODUCTS = [
    SampleProduct("Tour T-shirt, black", "Heavy cotton tee with the 2026 tour dates on the back.", 2 * ETHER // 100,
                  "ETH", 50, 7 * DAY, 3 * DAY, False, "tshirt", "M", (("S", 12), ("L", 20), ("XL", 2)),
                  "tour-tee-2026"),
    SampleProduct("Enamel pin set", "Three hard-enamel pins: moon, wave, cassette.", 5 * ETHER // 1000, "ETH", 200,
                  0, 0, False, "pins"),
    SampleProduct("Signed vinyl LP", "First pressing, signed on the sleeve.", 8 * ETHER // 100, "ETH", 10, 14 * DAY,
                  5 * DAY, True, "vinyl"),
    SampleProduct("Riso poster A2", "Two-colour risograph print, numbered edition of 40.", 12 * USD, "tUSD", 40, 0, 0,
                  False, "poster"),
    SampleProduct("Canvas tote bag", "Natural canvas, screen-printed logo.", 9 * USD + USD // 2, "tUSD", 100, 7 * DAY,
                  2 * DAY, True, "tote"),
    SampleProduct("Hoodie, heather grey", "Brushed fleece, embroidered logo, unisex cut.", 45 * USD, "tUSD", 30,
                  7 * DAY, 3 * DAY, False, "hoodie", "M", (("S", 6), ("L", 10), ("XL", 0)), "hoodie-grey-2026"),
]  # fmt: skip


def image_document(product: SampleProduct) -> tuple[bytes, Cid]:
    picture = draw(product.image)
    return picture, data_cid(picture)


def metadata_document(product: SampleProduct, size: str | None = None) -> tuple[bytes, Cid]:
    """The product's metadata document (in `size`, for one sold in sizes; default: its own size)."""
    _, image = image_document(product)
    return build_product_metadata(product.name, product.description, [image], product.variant(size))


def sample_documents() -> dict[Cid, bytes]:
    """Every sample product's metadata document (each size's) and picture, by CID."""
    documents: dict[Cid, bytes] = {}
    for sample in SAMPLE_PRODUCTS:
        for document, cid in (image_document(sample), metadata_document(sample)):
            documents[cid] = document
        for size, _ in sample.other_sizes:
            document, cid = metadata_document(sample, size)
            documents[cid] = document
    return documents


@dataclass(frozen=True)
class SeedResult:
    product_ids: list[int]
    documents: dict[Cid, bytes]  # the documents the CIDs on chain name, for whoever wants to pin them
    profile: Cid | None = None  # the sample seller's profile document


# The seeded shop as a one-seller storefront (`dapp up --seller ADDRESS` with the sample seller), and the
# sample seller's on-chain profile.
SHOP_NAME = "Moonwave Merch"
SHOP_DESCRIPTION = "Official merch of the Moonwave 2026 tour: tees, pins, prints and records, shipped from Lisbon."
# The sample buyers' addresses; each sealed copy also carries the options of the product bought (its size).
SAMPLE_ADDRESSES = {
    "alice": ShippingDetails(
        name="Alice Moreau", lines=("12 Rue des Lilas",), city="Lyon", postcode="69003", country="FR",
        email="alice@example.org",
    ),
    "bob": ShippingDetails(name="Bob Tanaka", lines=("4-2-8 Shibakoen",), city="Tokyo", postcode="105-0011",
                           country="JP", note="Leave it with the concierge, please."),
}  # fmt: skip


def shipping_keypair(w3: Web3, account: str, catalog: str) -> ShippingKeyPair | None:
    """`account`'s shipping key for `catalog`, from its signature of the key message, as the page derives it
    from a wallet; None where the node signs no messages (the in-process chain)."""
    from dapp.transactions.signers import sign_text

    try:
        return derive_keypair_checked(lambda text: sign_text(w3, account, text), int(w3.eth.chain_id), catalog)
    except MethodUnavailable:  # eth-tester has no eth_sign
        return None


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
    """List the sample products as account 1 (with account 4 as the arbiter where named), publish its
    profile (name, description, banner, shipping key), fund accounts 2 and 3 with TestUSD, and leave orders
    in every state: paid, shipped, disputed, completed (confirmed and released), refunded, cancelled,
    resolved, reviewed, settled, and a shipped order with an open settlement offer. The T-shirt and the
    hoodie come in sizes (products 1 and 6 in M, their other sizes listed after the six). Four orders carry
    sealed shipping details (orderData) the seller's key opens, with the size bought, where the node signs
    the key messages."""
    accounts: list[str] = [str(account) for account in w3.eth.accounts]
    funder, seller, alice, bob, arbiter = accounts[:5]

    def client(account: str) -> CatalogClient:
        return CatalogClient(w3, address, abi, account=account)  # type: ignore[arg-type]

    shop, as_alice, as_bob, judge = client(seller), client(alice), client(bob), client(arbiter)
    faucet = TransactionPipeline(w3, funder)
    for buyer in (alice, bob):
        faucet.execute(mint_request(token, buyer, BUYER_FUNDS))
    documents = sample_documents()

    def listing(sample: SampleProduct, stock: int, size: str | None = None) -> int:
        return shop.list_product(
            ListingTerms(
                sample.price,
                stock,
                metadata_document(sample, size)[1],
                currency=ETH if sample.currency == "ETH" else token,
                escrow_window=sample.escrow_window,
                handling_time=sample.handling_time,
                arbiter=arbiter if sample.with_arbiter else None,
            )
        ).product_id

    ids = [listing(sample, sample.stock) for sample in SAMPLE_PRODUCTS]
    tee, pins, vinyl, poster, tote, hoodie = ids
    # The other sizes of the tee and the hoodie, after the six (whose ids the tests and the docs know).
    sized = {(sample.image, sample.size): pid for sample, pid in zip(SAMPLE_PRODUCTS, ids, strict=True) if sample.size}
    for sample in SAMPLE_PRODUCTS:
        for size, stock in sample.other_sizes:
            sized[(sample.image, size)] = pid = listing(sample, stock, size)
            ids.append(pid)
    options = {pid: {"size": size} for (_, size), pid in sized.items()}

    picture = draw_banner()
    banner = data_cid(picture)
    seller_keys = shipping_keypair(w3, seller, address)
    profile_doc, profile = build_profile_document(
        SHOP_NAME, SHOP_DESCRIPTION, banner, seller_keys.public_key if seller_keys else None
    )
    documents.update({banner: picture, profile: profile_doc})
    shop.set_profile(profile)
    chain_id = int(w3.eth.chain_id)

    def sealed(buyer: str, who: str, product_id: int) -> bytes:
        """`who`'s sample address sealed to the seller and the buyer, or none without keys."""
        buyer_keys = shipping_keypair(w3, buyer, address) if seller_keys else None
        if seller_keys is None or buyer_keys is None:
            return b""
        context = OrderContext(chain_id, address, product_id, buyer)
        details = dataclasses.replace(SAMPLE_ADDRESSES[who], options=options.get(product_id, {}))
        return seal(details, seller_keys.public_key, buyer_keys.public_key, context)

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
    as_alice.buy(vinyl, 1, order_data=sealed(alice, "alice", vinyl))  # paid: waiting for the seller to ship
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
    settled = as_bob.buy(hoodie, 1).order
    shop.ship(settled)
    as_bob.dispute(settled)  # no arbiter: without an agreement this dispute would stay frozen
    half = shop.offer_settlement(settled, as_bob.order(settled).amount // 2).buyer_amount
    as_bob.accept_settlement(settled, half)  # settled: half back to the buyer
    offered = as_bob.buy(tee, 1, order_data=sealed(bob, "bob", tee)).order
    shop.ship(offered)
    as_bob.offer_settlement(offered, as_bob.order(offered).amount // 4)  # open: the seller has yet to answer
    # The inbox: paid orders of sizes with sealed addresses, for the seller to ship.
    as_alice.buy(sized[("tshirt", "L")], 1, order_data=sealed(alice, "alice", sized[("tshirt", "L")]))
    as_bob.buy(sized[("hoodie", "S")], 1, order_data=sealed(bob, "bob", sized[("hoodie", "S")]))
    return SeedResult(product_ids=ids, documents=documents, profile=profile)


@dataclass(frozen=True)
class Ports:
    """The 127.0.0.1 ports `dapp up` asks for (0: any free one). Stable by default, so a wallet adds the local
    network once and URLs stay the same from run to run: the page's CID covers its config.json (RPC and
    API URLs, a deterministic first deployment), so the page URL is the same too. A port someone else
    holds is never shared: the tool gets a free one instead, and `dapp up` says so."""

    rpc: int = 8545  # anvil or Ganache started here
    gateway: int = 8080  # Kubo's HTTP gateway: the page and its documents
    api: int = 5001  # Kubo's RPC API: the page publishes review documents through it
    indexer: int = 42069  # our Ponder indexer (Ponder's own default port)


PORT_ATTEMPTS = 3  # Kubo restarted on other ports when a chosen port is taken before it binds


@dataclass(frozen=True)
class ShopPage:
    """The shop page as published for this demo."""

    urls: PageUrls
    config: PageConfig
    notes: tuple[str, ...]  # ports that fell back, CORS left to the user: said once the shop is up


@dataclass(frozen=True)
class DemoIndexer:
    """Our Ponder indexer of the demo's Catalog, started in the background: the URL is printed (and in the
    page's config.json) before it answers; the catalog reads the chain until it has caught up."""

    url: str
    pid: int
    log: Path


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
    seller: str  # the sample seller (dev account 1)
    rpc_url: str | None  # where wallets and the page reach the chain; None on the in-process chain
    page: ShopPage | None  # None without IPFS, without an RPC URL, or without the page's build tools
    indexer: DemoIndexer | None = None  # None when not asked for, or without an RPC URL or Ponder
    notes: tuple[str, ...] = ()  # what changed from what was asked (a port taken), for the summary
    variants: dict[Cid, Variant] = dataclasses.field(default_factory=dict)  # metadata CID -> its options

    @property
    def where(self) -> str:
        """Where other processes reach the chain: the node's URL (or the network's label)."""
        return self.rpc_url or self.connection.choice.label


@contextlib.contextmanager
def run_demo(
    network: NetworkChoice,
    registry: Registry,
    artifact: Artifact,
    *,
    ipfs_api: str | None = None,
    with_ipfs: bool = True,
    ports: Ports = Ports(),
    seller: str | None = None,
    with_indexer: bool = False,
    state_home: Path = DEFAULT_HOME,
    node_binary: str | None = None,
    progress: Progress = lambda message: None,
) -> Iterator[Demo]:
    """Start the network (a fresh node for anvil/ganache on `ports.rpc`, from `node_binary` if given),
    deploy, seed the sample shop if it is empty, add its documents to IPFS and publish the shop page there
    (unless `with_ipfs` is False), and keep everything up until the context exits. `seller`: build the
    page as that seller's storefront. `with_indexer`: start our Ponder indexer on `ports.indexer` too,
    without waiting for it, and name it in the page's config.json; its database lives under
    `state_home` unless the chain is a node started here."""
    storefront = check_address("seller", seller) if seller is not None else None
    with contextlib.ExitStack() as stack:
        # esbuild runs while the chain is seeded: the bundle needs nothing from the deployment.
        template = _build_template(stack, progress) if with_ipfs and network.kind != "embedded" else None
        connection, notes = _start_chain(stack, network, ports.rpc, node_binary, progress)
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
            progress(
                "seeding a sample merch shop: products in ETH and tUSD, a seller profile, an order in every "
                "state (an open settlement offer too), reviews"
            )
            documents = seed_catalog(w3, address, artifact.abi, token.address).documents
        sample_seller = str(w3.eth.accounts[1])
        found = client.profile(sample_seller)
        sample_profile = found.document if found is not None and found.document in documents else None
        rpc_url = connection.node.url if connection.node else connection.choice.url
        gateway, page = None, None
        if with_ipfs and rpc_url is None:
            notes += ("no shop page: a browser cannot reach the in-process chain (use --network anvil)",)
        indexer_port: PortChoice | None = None
        if with_indexer:
            indexer_port, note = _indexer_port(ports, connection, rpc_url)
            notes += (note,) if note else ()
        indexer_url = f"http://127.0.0.1:{indexer_port.port}" if indexer_port else None
        if with_ipfs:
            page_plan = None
            if template is not None and rpc_url is not None:
                page_plan = _PagePlan(
                    template, deployed.deployment, rpc_url, storefront, sample_seller, sample_profile, indexer_url
                )
            taken = frozenset({indexer_port.port} if indexer_port else ())
            gateway, page = _serve_ipfs(stack, ipfs_api, documents, ports, connection, page_plan, taken, progress)
        indexer = None
        if indexer_port is not None and rpc_url is not None:
            indexer = _start_indexer(
                stack, connection, registry, rpc_url, gateway, indexer_port.port, state_home, progress
            )
        products = client.products()
        metadata_cids = {p.metadata_cid for p in products}
        metadata = {cid: parse_product_metadata(cid, doc) for cid, doc in documents.items() if cid in metadata_cids}
        names = {cid: m.name for cid, m in metadata.items()}
        variants = {cid: m.variant for cid, m in metadata.items() if m.variant is not None}
        orders = [o for p in products for o in client.orders(p.id)]
        tokens = {p.currency: client.token(p.currency) for p in products}
        all_notes = notes + (page.notes if page else ())
        yield Demo(
            connection, deployed, token, products, orders, tokens, names, gateway, sample_seller, rpc_url, page,
            indexer, all_notes, variants,
        )  # fmt: skip


def _start_chain(
    stack: contextlib.ExitStack, network: NetworkChoice, port: int, binary: str | None, progress: Progress
) -> tuple[Connection, tuple[str, ...]]:
    """A fresh anvil or Ganache on `port` (a free one if it is taken), or the network as given."""
    if network.kind not in NODE_KINDS:
        progress(f"connecting to {network.label}")
        return stack.enter_context(connect(network, own_node=True, progress=progress)), ()
    progress(f"starting {network.kind}")
    node = stack.enter_context(NODE_KINDS[network.kind](port=port, fallback=True, binary=binary))
    notes: tuple[str, ...] = ()
    if node.fell_back:
        notes = (f"port {port} is taken, so {network.kind} listens on {node.port}",)
        progress(notes[0])
    return stack.enter_context(Connection(http_web3(node.url), network, node)), notes


def _indexer_port(ports: Ports, connection: Connection, rpc_url: str | None) -> tuple[PortChoice | None, str | None]:
    """The indexer's port (a free one if `ports.indexer` is taken), or None and why there is no indexer."""
    from dapp.indexer.process import find_ponder

    if rpc_url is None:
        return None, "no indexer: it reads the chain over HTTP, and the in-process chain has no URL"
    try:
        find_ponder()
    except IndexerError as exc:
        return None, f"no indexer: {exc}"
    taken = frozenset({connection.node.port} if connection.node else ())
    choice = choose_port(ports.indexer, avoid=taken | {ports.gateway, ports.api})
    note = f"port {choice.wanted} is taken, so the indexer listens on {choice.port}" if choice.fell_back else None
    return choice, note


def _start_indexer(
    stack: contextlib.ExitStack,
    connection: Connection,
    registry: Registry,
    rpc_url: str,
    gateway: str | None,
    port: int,
    state_home: Path,
    progress: Progress,
) -> DemoIndexer:
    """`ponder start` in the background, stopped with the stack. Its database lives in a temporary folder
    when the chain is our own node (a new chain each run), else in the state folder, where the next
    `dapp up` against the same chain resumes from it."""
    from dapp.indexer.service import indexer_for

    if connection.node is not None:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dapp-up-indexer-")))
    else:
        home = state_home
    process = indexer_for(connection.w3, registry, rpc_url, home, gateway_url=gateway, polling_interval_ms=500)
    progress(f"starting the indexer on port {port} in the background (it answers in ~10-20 s, then catches up)")
    child = process.launch(port)
    stack.callback(child.stop)
    assert child.pid is not None
    return DemoIndexer(f"http://127.0.0.1:{port}", child.pid, process.log_path)


def _build_template(stack: contextlib.ExitStack, progress: Progress) -> Future[PageBuild | None]:
    """The page's bundle (no config.json yet), built in a thread into a folder the stack removes."""
    from dapp.page import build_page

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dapp-up-page-")))
    pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))

    def build() -> PageBuild | None:
        try:
            return build_page(None, folder / "page")
        except PageBuildError as exc:
            progress(f"no shop page: {exc}")
            return None

    return pool.submit(build)


@dataclass(frozen=True)
class _PagePlan:
    """What the page is built from, once the chain is seeded."""

    template: Future[PageBuild | None]
    deployment: Deployment
    rpc_url: str
    storefront: str | None
    sample_seller: str
    sample_profile: Cid | None  # the sample seller's profile document, when this run seeded it
    indexer: str | None = None

    def config(self, ipfs_api: str, seller_document: Cid | None) -> PageConfig:
        from dapp.page import PageConfig

        return PageConfig.for_deployment(
            self.deployment, self.rpc_url, seller=self.storefront, seller_document=seller_document, ipfs_api=ipfs_api,
            indexer=self.indexer,
        )  # fmt: skip


def _serve_ipfs(
    stack: contextlib.ExitStack,
    ipfs_api: str | None,
    documents: dict[Cid, bytes],
    ports: Ports,
    connection: Connection,
    plan: _PagePlan | None,
    promised: frozenset[int],
    progress: Progress,
) -> tuple[str | None, ShopPage | None]:
    """Start Kubo (ours unless an API is given), add the seeded documents and the shop page, keep it up.
    Returns the gateway and the page; (None, None) if Kubo is unavailable: the chain part still runs."""
    from dapp.page import PageConfig, PageUrls, build_seller_document, configure_page, publish_page

    build = plan.template.result() if plan is not None else None
    document: Cid | None = None
    if plan is not None and plan.storefront is not None:
        if plan.storefront == plan.sample_seller and plan.sample_profile is not None:
            document = plan.sample_profile  # its on-chain profile serves as the storefront document too
        elif plan.storefront == plan.sample_seller:
            picture = draw_banner()
            banner = data_cid(picture)
            seller_doc, document = build_seller_document(SHOP_NAME, SHOP_DESCRIPTION, banner)
            documents = {**documents, banner: picture, document: seller_doc}
        else:
            progress(f"no seller document for {plan.storefront}: the storefront is named by its address")

    def configure(api_url: str) -> PageBuild | None:
        return configure_page(build, plan.config(api_url, document)) if plan is not None and build else None

    try:
        progress("starting IPFS, adding the metadata and review documents and the shop page")
        taken = frozenset({connection.node.port} if connection.node else ()) | promised
        kubo, page, urls, notes = _start_kubo(stack, ipfs_api, ports, taken, configure, progress)
        for cid, data in documents.items():
            added = kubo.add_bytes(data, pin=True)
            if added != cid:
                raise CidMismatchError(str(cid), str(added), what="Kubo's import of a seeded document")
        gateway = urls.gateway if urls is not None else kubo.gateway_url()
        if page is None or gateway is None:
            return gateway, None
        publish_page(kubo, page)
        urls = PageUrls(page.cid, gateway)
        if not kubo.ephemeral:
            origins = json.dumps(list(urls.origins))
            notes += (
                "reviews written on the page go through this node's API: allow the page there with "
                f"`ipfs config --json API.HTTPHeaders.Access-Control-Allow-Origin '{origins}'` and restart it",
            )
        config = PageConfig.from_json((page.directory / "config.json").read_bytes())
        return gateway, ShopPage(urls, config, notes)
    except IpfsError as exc:
        if isinstance(exc, CidMismatchError):
            raise
        progress(f"IPFS unavailable, documents and page not published ({exc}); the chain part still runs")
        return None, None


def _start_kubo(
    stack: contextlib.ExitStack,
    ipfs_api: str | None,
    ports: Ports,
    taken: frozenset[int],
    configure: Callable[[str], PageBuild | None],
    progress: Progress,
) -> tuple[Kubo, PageBuild | None, PageUrls | None, tuple[str, ...]]:
    """Kubo with the page configured for it: (client, page, URLs on our gateway, notes).

    Our Kubo's API must accept the page's browser origins, one of which names the page's CID; the CID
    covers config.json, which names the API's port. So the ports come first, then the page's config and
    CID, then Kubo starts with those ports and origins; if a port was taken meanwhile, again on others.
    A node given to us (or one already serving our repo) keeps its own ports: the page is configured for
    its API instead, and its CORS settings are the user's to change."""
    from dapp.ipfs.kubo import open_kubo  # ipfshttpclient: only when IPFS is wanted
    from dapp.page import PageUrls

    for attempt in range(1, PORT_ATTEMPTS + 1):
        gateway = choose_port(ports.gateway, avoid=taken)
        api = choose_port(ports.api, avoid=taken | {gateway.port})
        page = configure(f"http://127.0.0.1:{api.port}")
        urls = PageUrls(page.cid, f"http://127.0.0.1:{gateway.port}") if page is not None else None
        listen = Listen(api.port, gateway.port, urls.origins if urls is not None else ())
        try:
            kubo = stack.enter_context(open_kubo(ipfs_api, listen=listen))
        except KuboPortInUseError:
            if attempt == PORT_ATTEMPTS:
                raise
            progress("a port was taken while IPFS started: trying others")
            continue
        if not kubo.ephemeral:
            return kubo, configure(kubo.api_url), None, ()
        notes = tuple(
            f"port {choice.wanted} is taken, so the IPFS {what} listens on {choice.port}"
            for choice, what in ((gateway, "gateway"), (api, "API"))
            if choice.fell_back
        )
        for note in notes:
            progress(note)
        return kubo, page, urls, notes
    raise AssertionError("unreachable: the last attempt returns or raises")
