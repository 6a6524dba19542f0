"""The shop page in real Chromium (Debian's, driven by pip's playwright), served by a real Kubo gateway,
talking to a real anvil with a freshly deployed Catalog v3 and Test USD per test.

The wallet is tests/page/wallet.js, injected with `add_init_script`: an EIP-1193 provider announced
through EIP-6963 that forwards to anvil, whose dev accounts sign. The contracts are deployed with web3
straight from the package's artifacts; the page is built once per session and published per test with
that test's config.json.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_sync
import pytest
from web3 import Web3
from web3.contract import Contract

from dapp.compile import REPO_ROOT
from dapp.demo import shipping_keypair
from dapp.ipfs.cid import Cid
from dapp.ipfs.daemon import KuboDaemon, Listen
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.metadata import PRODUCT_SCHEMA, build_profile_document, canonical_json, upload_product_metadata
from dapp.liveness import code_hash
from dapp.nodes import AnvilNode
from dapp.page import PageConfig, build_page, build_seller_document
from dapp.shipping import ShippingKeyPair
from tests.support.art import SHAPES, product_png
from tests.support.browser import CHROMIUM, LAUNCH_ARGS

ARTIFACTS = REPO_ROOT / "dapp" / "artifacts"
SCREENSHOTS = REPO_ROOT / "bench" / "results" / "screenshots"
WALLET_JS = (Path(__file__).parent / "wallet.js").read_text()
ZERO = "0x" + "00" * 20
DAY = 86400
GENESIS_TIME = 1780304400  # 2026-06-01 09:00 UTC
BLOCK_INTERVAL = 12  # seconds between blocks, as on mainnet
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _artifact(name: str) -> dict[str, Any]:
    data = json.loads((ARTIFACTS / f"{name}.json").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="session")
def kubo_daemon() -> Iterator[KuboDaemon]:
    # The page's review form publishes its document through the API, from gateways on several origins
    # (Kubo's own, the lying gateway of test_trust): any origin may call this throwaway node.
    daemon = KuboDaemon(listen=Listen(api_origins=("*",)))
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def kubo(kubo_daemon: KuboDaemon) -> Iterator[Kubo]:
    assert kubo_daemon.info is not None
    client = Kubo(kubo_daemon.info.api_multiaddr, gateway_url=kubo_daemon.info.gateway_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def page_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page built once for the session, without config.json."""
    return build_page(None, tmp_path_factory.mktemp("page") / "page").directory


# Every `expect` waits this long for its condition (Playwright's own default is 5 s, and
# page.set_default_timeout does not reach `expect`). A passing check returns as soon as it holds; the
# 5 s default failed in CI when a loaded 2-core machine took longer to fetch the documents from Kubo.
EXPECT_TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_sync.expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: `make setup` installs Debian's chromium (apt-get install chromium)")
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@dataclass
class Shop:
    """A Catalog v3 and Test USD on anvil, with helpers to act on chain as any dev account."""

    w3: Web3
    node: AnvilNode
    kubo: Kubo
    catalog: Contract
    token: Contract
    deploy_block: int
    tmp: Path
    accounts: list[str] = field(default_factory=list)

    @property
    def seller(self) -> str:
        return self.accounts[1]

    @property
    def buyer(self) -> str:
        return self.accounts[2]

    @property
    def arbiter(self) -> str:
        return self.accounts[3]

    def send(self, fn: Any, sender: str, value: int = 0) -> Any:
        tx_hash = fn.transact({"from": sender, "value": value})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)
        assert receipt["status"] == 1, f"transaction {fn.fn_name} reverted"
        return receipt

    def list_product(
        self,
        name: str,
        *,
        description: str = "",
        price: int = 2 * 10**16,
        stock: int = 10,
        token: bool = False,
        handling: int = 3 * DAY,
        escrow: int = 14 * DAY,
        arbiter: str | None = None,
        kind: str = "tshirt",
        hue: float = 0.0,
        seller: str | None = None,
        document: tuple[bytes, int] | None = None,
    ) -> int:
        """List a product with a real document and picture on Kubo; returns its id."""
        if document is None:
            image = self.tmp / f"{kind}-{hue:.3f}.png"
            image.write_bytes(product_png(kind, hue, int(hue * 100)))
            ref = upload_product_metadata(self.kubo, name, description, [image])
            digest, codec = ref.digest, int(ref.codec)
        else:
            digest, codec = document[0], document[1]
        currency = self.token.address if token else ZERO
        if escrow == 0:
            handling = 0
        fn = self.catalog.functions.listProduct(
            currency, price, stock, handling, escrow, arbiter or ZERO, digest, codec
        )
        self.send(fn, seller or self.seller)
        return int(self.catalog.functions.productCount().call())

    def product(self, product_id: int) -> Any:
        return self.catalog.functions.getProduct(product_id).call()

    def order(self, product_id: int, order_no: int) -> Any:
        return self.catalog.functions.getOrder(product_id, order_no).call()

    def buy(self, product_id: int, buyer: str | None = None, quantity: int = 1) -> int:
        p = self.catalog.functions.getProduct(product_id).call()
        price, terms, currency = p[3], p[9], p[2]
        value = price * quantity if currency == ZERO else 0
        if currency != ZERO:
            self.send(self.token.functions.approve(self.catalog.address, price * quantity), buyer or self.buyer)
        fn = self.catalog.functions.buy(product_id, quantity, currency, price, terms, b"")
        self.send(fn, buyer or self.buyer, value)
        return int(self.catalog.functions.getProduct(product_id).call()[8])

    def variant_document(
        self, name: str, variant: dict[str, Any], kind: str = "tshirt", hue: float = 0.0
    ) -> tuple[bytes, int]:
        """A product document with options (MERCH-SPEC §1) and a picture, added to Kubo: (digest, codec)."""
        image = self.tmp / f"{kind}-{hue:.3f}.png"
        image.write_bytes(product_png(kind, hue, int(hue * 100)))
        picture = self.kubo.add_path(image)[-1].cid
        document = canonical_json(
            {"schema": PRODUCT_SCHEMA, "name": name, "description": "", "images": [str(picture)], "variant": variant}
        )
        cid = self.kubo.add_bytes(document)
        return cid.digest, int(cid.codec)

    def shipping_keys(self, account: str) -> ShippingKeyPair:
        """`account`'s shipping key for this Catalog, from its signature as the page derives it."""
        keys = shipping_keypair(self.w3, account, self.catalog.address)
        assert keys is not None
        return keys

    def set_profile(
        self, name: str, description: str = "", seller: str | None = None, encryption_key: bytes | None = None
    ) -> Cid:
        """Publish a seller profile document on Kubo and point the seller's ProfileSet event at it."""
        if encryption_key is None:
            document, cid = build_seller_document(name, description)
        else:
            document, cid = build_profile_document(name, description, encryption_key=encryption_key)
        assert self.kubo.add_bytes(document) == cid
        self.send(self.catalog.functions.setProfile(cid.digest, int(cid.codec)), seller or self.seller)
        return cid

    def advance(self, seconds: int) -> None:
        """Mine a block `seconds` after the latest one (evm_increaseTime does nothing on a chain whose
        blocks are spaced by a fixed interval, see `anvil_node`)."""
        latest = int(self.w3.eth.get_block("latest")["timestamp"])
        self.w3.provider.make_request("evm_setNextBlockTimestamp", [latest + seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def page_config(self, **overrides: Any) -> PageConfig:
        code = bytes(self.w3.eth.get_code(self.catalog.address))
        values: dict[str, Any] = {
            "chain_id": int(self.w3.eth.chain_id),
            "address": self.catalog.address,
            "deployment_block": self.deploy_block,
            "code_hash": code_hash(code),
            "rpc_url": self.node.url,
            "chain_name": "Local anvil",
        }
        values.update(overrides)
        return PageConfig(**values)


@pytest.fixture
def anvil_node() -> Iterator[AnvilNode]:
    """A fresh anvil per test (up in ~0.05 s) on a clock of its own: genesis at GENESIS_TIME and every block
    BLOCK_INTERVAL seconds after the last, whatever the wall clock says. Addresses, order numbers and every
    date the page shows are then the same on every run, and so are the committed screenshots."""
    with AnvilNode(extra_args=["--timestamp", str(GENESIS_TIME)]) as node:
        rpc = Web3(Web3.HTTPProvider(node.url)).provider
        rpc.make_request("anvil_setBlockTimestampInterval", [BLOCK_INTERVAL])  # type: ignore[arg-type]
        yield node


def deploy(w3: Web3, name: str) -> tuple[Contract, int]:
    """A fresh instance of a shipped contract, deployed by dev account 0, and its deployment block."""
    art = _artifact(name)
    factory = w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": w3.eth.accounts[0]}))
    return w3.eth.contract(address=receipt["contractAddress"], abi=art["abi"]), int(receipt["blockNumber"])


def open_shop(node: AnvilNode, kubo: Kubo, tmp_path: Path) -> Shop:
    """A fresh Catalog and Test USD on `node` (so tests never see each other's products); buyers hold
    10,000 tUSD."""
    w3 = Web3(Web3.HTTPProvider(node.url))
    accounts = [str(a) for a in w3.eth.accounts]
    catalog, block = deploy(w3, "Catalog")
    token, _ = deploy(w3, "TestUSD")
    shop = Shop(w3, node, kubo, catalog, token, block, tmp_path, accounts)
    for holder in accounts[2:5]:
        shop.send(token.functions.mint(holder, 10_000 * 10**6), accounts[0])
    return shop


@pytest.fixture
def shop(anvil_node: AnvilNode, kubo: Kubo, tmp_path: Path) -> Shop:
    return open_shop(anvil_node, kubo, tmp_path)


@dataclass
class PublishedPage:
    cid: str
    gateway: str  # http://127.0.0.1:PORT

    @property
    def path_url(self) -> str:
        return f"{self.gateway}/ipfs/{self.cid}/"

    @property
    def subdomain_url(self) -> str:
        port = self.gateway.rsplit(":", 1)[1]
        return f"http://{self.cid}.ipfs.localhost:{port}/"


Publish = Callable[..., PublishedPage]


@pytest.fixture
def publish(page_template: Path, kubo: Kubo, shop: Shop, tmp_path: Path) -> Publish:
    """publish(**config overrides) -> the page with this shop's config.json, added to Kubo."""

    def run(config: PageConfig | None = None, **overrides: Any) -> PublishedPage:
        directory = tmp_path / f"page-{len(list(tmp_path.glob('page-*')))}"
        shutil.copytree(page_template, directory)
        (directory / "config.json").write_bytes((config or shop.page_config(**overrides)).to_json())
        cid = kubo.add_path(directory)[-1].cid
        gateway = kubo.gateway_url()
        assert gateway is not None
        return PublishedPage(cid, gateway.replace("localhost", "127.0.0.1"))

    return run


@pytest.fixture
def open_page(browser: Any, shop: Shop) -> Iterator[Callable[..., Any]]:
    """open_page(url, account=index or None, viewport=LAPTOP, **wallet) -> a Playwright page with the test
    wallet injected (none when account is None)."""
    contexts: list[Any] = []

    def run(url: str, account: int | None = 2, viewport: dict[str, int] = LAPTOP, **wallet: Any) -> Any:
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        contexts.append(context)
        if account is not None:
            config = {
                "account": shop.accounts[account],
                "rpcUrl": shop.node.url,
                "anvilChainId": int(shop.w3.eth.chain_id),
                "chainId": int(shop.w3.eth.chain_id),
                "announce": True,
                **wallet,
            }
            context.add_init_script(WALLET_JS.replace("__WALLET_CONFIG__", json.dumps(config)))
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(url)
        return page

    yield run
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save bench/results/screenshots/NAME.png (committed: they show what the shop looks like)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # A settled view (not one still re-reading the chain), with no transition caught half-way, so that
    # two runs give the same picture.
    playwright_sync.expect(page.locator("body[data-busy]")).to_have_count(0)
    page.screenshot(path=str(path), full_page=False, animations="disabled")
    return path


__all__ = ["DAY", "LAPTOP", "PHONE", "SHAPES", "ZERO", "PublishedPage", "Shop", "screenshot"]
