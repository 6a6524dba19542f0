"""The bad-input table through the shop page (issue 11): real Chromium, the test wallet, one anvil and one
Catalog for the whole table, the page published on Kubo and served through a gateway that also serves the
bad product documents.

Every row must show a visible message naming the problem; the wallet must have been asked for no
eth_sendTransaction, and the chain must not have moved (no block mined: nothing sent, nothing lost).
Each row counts as a `bad_input` in the reliability tally.

Catalog v3 adds: a settlement offer's amount (negative, fractional, more than the order), an offer that
changed between the view and the click on Accept, and seller profiles whose document fails verification.

Issue 17 adds the checkout's shipping address: an incomplete address, a wallet that refuses to sign (no
shipping key), a wallet whose signatures change every time (its key would too), a seller with no key (the
page says so before anything is sent), and details whose sealed envelope would exceed the contract's cap on
orderData (said in the form, before any signature).

The seller's workspace (issue 17) adds: an unreachable IPFS API, an IPFS API that reports another CID than
the page computed (both when shipping with an encrypted note: the order stays Paid), a wallet that refuses
to sign the key message, a wallet that does not sign deterministically, a tampered sealed address, and, in
the listing form, a 30 MB photo, a file that is not an image and one that only claims to be, and options
(sizes) with a value twice, an empty value, more than 20 values or a bad option name; with a second option
(colours), a name given twice, values without a name, a value twice, or more combinations than the page
lists at once; editing a listed product's description and photos: an empty title, a file that is not an
image, and a document unchanged (nothing to send). On the buyer's card, a tracking note whose block from the
gateway is not the one the OrderShipped event names. A listing
with a pinning service (a real IPFS Cluster Pinning Service API open to the page's origin): a wrong token,
an endpoint that is down, an endpoint that is not http(s), an endpoint without its token.

Cells left out, because the page takes no such input: a keystore and its password (the page signs
through the browser wallet; the burner keeps its key in the browser), and a currency address typed by a
seller (the listing form offers ETH and the tokens the shop already prices in). A token address that is
not a token reaches the page as a product's currency; the registry file reaches it as the page's
config.json; CIDs as config.json's sellerDocument.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.daemon import KuboDaemon
from dapp.ipfs.kubo import Kubo
from dapp.nodes import AnvilNode
from dapp.page import build_seller_document
from tests.page.conftest import WALLET_JS, ZERO, Shop, deploy, open_shop
from tests.page.test_workspace import ALICE, buy_sealed, node_keys
from tests.support.bad_input import CIDV0, SCRIPT_NAME, SENDS, Doc, FakeServer, bad_documents, wrong_checksum
from tests.support.ipfs_nodes import ClusterNode, run_cluster

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]

HOSTILE_TEXT = '<a href="javascript:window.__pwned=3">click</a><iframe src="/"></iframe>'


@dataclass
class World:
    shop: Shop
    gateway: FakeServer
    html: FakeServer
    json_api: FakeServer
    liar: FakeServer  # a Kubo API that reports another CID than the one it was given
    tmp: Path
    ids: dict[str, int]  # product ids by role
    publish: Callable[..., str]  # publish(config bytes | None) -> the page's URL
    profiles: dict[str, str]  # seller addresses by what is wrong with their profile
    kubo_api: str  # the session Kubo's RPC API, open to any origin
    pinning: ClusterNode  # IPFS Cluster's Pinning Service API, pinning onto that Kubo, open to the gateway
    baseline: int = 0  # the block the chain must still be at when a row ends

    def elsewhere(self, fn: Any, sender: str) -> None:
        """Another party acts on chain while the page is open (not the page: the baseline moves along)."""
        self.shop.send(fn, sender)
        self.baseline = self.shop.w3.eth.block_number

    @property
    def url(self) -> str:
        return self.publish(self.shop.page_config().to_json())

    def config(self, **changes: Any) -> bytes:
        data = json.loads(self.shop.page_config().to_json())
        data.update(changes)
        return json.dumps(data).encode()


@pytest.fixture(scope="module")
def world(
    kubo: Kubo, kubo_daemon: KuboDaemon, page_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("bad-input-page")
    with AnvilNode() as node:
        shop = open_shop(node, kubo, tmp)
        catalog = shop.catalog
        not_a_token, _ = deploy(shop.w3, "Catalog")  # a contract, with code, that is no ERC-20

        ids = {"mug": shop.list_product("Enamel Mug", price=2 * 10**16, stock=3, kind="mug")}
        ids["tote"] = shop.list_product("Canvas Tote", price=10 * 10**6, stock=5, token=True, arbiter=shop.arbiter)
        shop.buy(ids["tote"])
        shop.send(catalog.functions.ship(ids["tote"], 1, b"\0" * 32, 0), shop.seller)
        shop.send(catalog.functions.dispute(ids["tote"], 1), shop.buyer)
        ids["script"] = shop.list_product(SCRIPT_NAME, description=HOSTILE_TEXT)
        docs = bad_documents()
        for name, doc in docs.items():
            ids[f"doc_{name}"] = shop.list_product(name, document=(doc.cid.digest, int(doc.cid.codec)))
        fn = catalog.functions.listProduct(not_a_token.address, 5, 1, 0, 0, ZERO, docs["invalid"].cid.digest, 0)
        shop.send(fn, shop.seller)
        ids["not_a_token"] = int(catalog.functions.productCount().call())
        # A seller that published a shipping key: its products get the checkout's address form.
        keyed = shop.accounts[7]
        shop.set_profile("Keyed Shop", seller=keyed, encryption_key=shop.shipping_keys(keyed).public_key)
        ids["keyed"] = shop.list_product("Tour Hoodie", price=3 * 10**16, kind="hoodie", seller=keyed)
        ids["offered"] = shop.list_product("Signed Poster", price=10**17, kind="poster")
        shop.buy(ids["offered"])
        shop.send(catalog.functions.ship(ids["offered"], 1, b"\0" * 32, 0), shop.seller)
        shop.send(catalog.functions.offerSettlement(ids["offered"], 1, 3 * 10**16), shop.seller)
        shop.buy(ids["offered"])
        shop.send(catalog.functions.offerSettlement(ids["offered"], 2, 2 * 10**16), shop.seller)
        # Two orders with sealed addresses: 1 as the buyer sealed it, 2 with its encrypted details altered.
        ids["parcel"] = shop.list_product("Tour Sweatshirt", kind="hoodie", hue=0.6)
        seller_key = node_keys(shop, shop.seller).public_key
        buy_sealed(shop, ids["parcel"], shop.buyer, ALICE, seller_key)
        buy_sealed(shop, ids["parcel"], shop.buyer, ALICE, seller_key, tamper=True)
        # An order with a sealed address, shipped naming a note block the gateway swaps for other bytes.
        ids["noted"] = shop.list_product("Tour Cap", kind="hoodie", hue=0.3)
        noted_no, _ = buy_sealed(shop, ids["noted"], shop.buyer, ALICE, seller_key)
        named = Cid.of_block(Codec.RAW, b"\x01" + bytes(40))
        shop.send(catalog.functions.ship(ids["noted"], noted_no, named.digest, 0), shop.seller)

        # Profiles: one whose gateway serves other bytes than the digest names, one that is no profile.
        liar, not_a_profile = shop.accounts[5], shop.accounts[6]
        honest, honest_cid = build_seller_document("Honest Shop")
        files = {str(honest_cid): honest.replace(b"Honest", b"Evil"), str(named): b"\x01" + bytes(39) + b"\x07"}
        shop.send(catalog.functions.setProfile(honest_cid.digest, int(honest_cid.codec)), liar)
        product_doc = docs["wrong_schema"].body.replace(b"review@1", b"product@1")
        files[str(Doc(product_doc).cid)] = product_doc
        shop.send(catalog.functions.setProfile(Doc(product_doc).cid.digest, 0), not_a_profile)
        profiles = {"unverified": liar, "wrong_schema": not_a_profile}

        upstream = str(kubo.gateway_url()).replace("localhost", "127.0.0.1")
        files.update({str(doc.cid): doc.body for doc in docs.values()})
        with (
            FakeServer.gateway(files, upstream) as gateway,
            FakeServer.html() as html,
            FakeServer.not_json_rpc() as json_api,
            FakeServer.lying_kubo(str(honest_cid)) as lying_kubo,
            run_cluster(
                kubo_daemon.info.api_multiaddr, tmp / "cluster", cors_origins=[gateway.url.rstrip("/")]
            ) as pinning,
        ):
            published: dict[bytes | None, str] = {}

            def publish(config: bytes | None) -> str:
                """The page with this config.json (none at all for None) on Kubo, its URL on our gateway."""
                if config not in published:
                    directory = tmp / f"page-{len(published)}"
                    shutil.copytree(page_template, directory)
                    if config is not None:
                        (directory / "config.json").write_bytes(config)
                    cid = kubo.add_path(directory)[-1].cid
                    published[config] = f"{gateway.url}/ipfs/{cid}/"
                return published[config]

            assert kubo_daemon.info is not None
            yield World(
                shop,
                gateway,
                html,
                json_api,
                lying_kubo,
                tmp,
                ids,
                publish,
                profiles,
                kubo_daemon.info.api_url,
                pinning,
            )


def connect(page: Any) -> None:
    page.locator("#wallet-slot").get_by_role("button", name="Connect wallet").click()
    page.get_by_role("button", name="Test Wallet").click()
    expect(page.locator(".wallet-chip")).to_be_visible()
    expect(page.locator("body[data-busy]")).to_have_count(0)


Steps = Callable[[Any, World], None]


@dataclass(frozen=True)
class Row:
    route: Callable[[World], str]  # the URL to open
    steps: Steps  # act as the user, then expect the message
    account: int = 2  # the wallet's dev account


def row(id: str, route: Callable[[World], str], steps: Steps, account: int = 2) -> Any:
    return pytest.param(Row(route, steps, account), id=id, marks=pytest.mark.reliability("bad_input"))


# --- what the rows do -------------------------------------------------------------------------------


def view_says(text: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        expect(page.locator("#view .empty")).to_contain_text(text)

    return steps


def banner_says(kind: str, *texts: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        banner = page.locator(f".banner[data-kind='{kind}']")
        for text in texts:
            expect(banner).to_contain_text(text)

    return steps


def product(role: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"{w.url}{suffix}#/product/{w.ids[role]}"


HTML_URL = "http://127.0.0.1"  # the web page server's URL starts so (its port is the test's)


def indexer_refused(*texts: str) -> Steps:
    """The indexer banner names the problem, and the catalog is read from the chain."""

    def steps(page: Any, w: World) -> None:
        banner = page.locator(".banner[data-kind='indexer']")
        for text in ("The indexer is not used", *texts, "Products and orders are read from the chain instead"):
            expect(banner).to_contain_text(text)
        expect(page.locator(".grid")).to_have_attribute("data-source", "chain")

    return steps


def config_page(**changes: Any) -> Callable[[World], str]:
    return lambda w: w.publish(w.config(**{k: v(w) if callable(v) else v for k, v in changes.items()}))


def buy_quantity(typed: str, message: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        connect(page)
        page.get_by_label("Quantity").fill(typed)
        expect(page.locator(".qty-error")).to_have_text(message)
        page.get_by_role("button", name="Buy now").click()
        expect(page.locator(".qty-error")).to_have_text(message)
        expect(page.locator(".tx-card")).to_have_count(0)

    return steps


def seller_edit(field: str, action: str, typed: str, message: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        connect(page)
        row = page.locator(f"article.seller-product[data-product='{w.ids['mug']}']")
        row.get_by_label(field).fill(typed)
        row.locator(f"button[data-action='{action}']").click()
        expect(row.locator(".warn-text")).to_have_text(message)
        expect(page.locator(".tx-card")).to_have_count(0)

    return steps


def split(typed: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        connect(page)
        order = page.locator(f"article.order[data-order='{w.ids['tote']}-1']")
        order.locator("button[data-action='resolve']").click()
        order.get_by_label("Buyer amount in tUSD").fill(typed)
        order.get_by_role("button", name="Settle", exact=True).click()
        expect(order.locator(".split > p.small")).to_have_text("Enter an amount from 0 to 10.00 tUSD.")
        expect(page.locator(".tx-card")).to_have_count(0)

    return steps


def offer(typed: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        connect(page)
        order = page.locator(f"article.order[data-order='{w.ids['tote']}-1']")
        order.locator("button[data-action='offer']").click()
        order.get_by_label("Buyer amount in tUSD").fill(typed)
        order.get_by_role("button", name="Send offer").click()
        expect(order.locator(".split > p.small")).to_have_text("Enter an amount from 0 to 10.00 tUSD.")
        expect(page.locator(".tx-card")).to_have_count(0)

    return steps


def accept_changed_offer(page: Any, w: World) -> None:
    connect(page)
    pid = w.ids["offered"]
    order = page.locator(f"article.order[data-order='{pid}-1']")
    expect(order.locator(".offer[data-offer='theirs']")).to_contain_text("you get 0.03 ETH back")
    # The seller changes its offer after the buyer read it: accepting what was shown must not accept this.
    w.elsewhere(w.shop.catalog.functions.offerSettlement(pid, 1, 4 * 10**16), w.shop.seller)
    order.locator("button[data-action='accept']").click()
    card = page.locator(".tx-card").last
    expect(card).to_have_attribute("data-error", "CatalogOfferMismatch")
    expect(card.locator(".tx-message")).to_have_text(
        "The offer on the table gives the buyer 0.04 ETH, not the 0.03 ETH you accepted: it changed since you "
        "looked. Nothing changed hands; read the new offer first."
    )
    expect(order.locator(".offer[data-offer='theirs']")).to_contain_text("you get 0.04 ETH back")
    assert w.shop.order(pid, 1)[8] == 2  # still Shipped


def accept_withdrawn_offer(page: Any, w: World) -> None:
    connect(page)
    pid = w.ids["offered"]
    order = page.locator(f"article.order[data-order='{pid}-2']")
    expect(order.locator(".offer[data-offer='theirs']")).to_contain_text("you get 0.02 ETH back")
    w.elsewhere(w.shop.catalog.functions.withdrawSettlement(pid, 2), w.shop.seller)
    order.locator("button[data-action='accept']").click()
    card = page.locator(".tx-card").last
    expect(card).to_have_attribute("data-error", "CatalogNoOffer")
    expect(card.locator(".tx-message")).to_contain_text(f"There is no open settlement offer on order {pid}-2")
    expect(order.locator(".offer")).to_have_count(0)
    assert w.shop.order(pid, 2)[8] == 1  # still Paid


ADDRESS = {
    "Full name": "Zoë Müller",
    "Address": "12 Rose Street",
    "Town or city": "London",
    "Postcode or ZIP": "N1 9GU",
}


def start_checkout(page: Any, fields: dict[str, str], country: str = "GB") -> Any:
    """Connect, start checkout and fill the form; returns the checkout section."""
    connect(page)
    page.get_by_role("button", name="Buy now").click()
    checkout = page.locator("section.checkout")
    expect(checkout).to_be_visible()
    for label, value in fields.items():
        checkout.get_by_label(label, exact=True).fill(value)
    if country:
        checkout.get_by_label("Country").select_option(country)
    return checkout


def pay_refused(checkout: Any, message: str) -> None:
    checkout.get_by_role("button", name="Pay").click()
    expect(checkout.locator(".form-error")).to_have_text(message)
    expect(checkout.page.locator(".tx-card")).to_have_count(0)


def incomplete_address(page: Any, w: World) -> None:
    checkout = start_checkout(page, {"Full name": "Zoë Müller"}, country="")
    pay_refused(checkout, "Some details need your attention: see the fields marked above.")
    errors = {
        "line1": "Address is missing.",
        "city": "Town or city is missing.",
        "postcode": "Postcode is missing.",
        "country": "Country is missing.",
    }
    for field, message in errors.items():
        expect(checkout.locator(f".field[data-field='{field}'] .field-error")).to_have_text(message)
    expect(checkout.locator(".field-error")).to_have_count(len(errors))
    expect(checkout.get_by_label("Address", exact=True)).to_be_focused()
    assert "personal_sign" not in page.evaluate("window.__testWallet.requests")


def refuses_to_sign(page: Any, w: World) -> None:
    checkout = start_checkout(page, ADDRESS)
    page.evaluate("window.__testWallet.rejectNext = true")
    pay_refused(
        checkout, "You declined to sign in your wallet, so no key could encrypt your address. Nothing was sent."
    )


def nondeterministic_signer(page: Any, w: World) -> None:
    checkout = start_checkout(page, ADDRESS)
    page.evaluate("window.__testWallet.nondeterministic = true")
    pay_refused(
        checkout,
        "this wallet does not sign deterministically (two signatures of the same message differ), so it cannot "
        "hold a shipping key: use a wallet whose signatures are deterministic (RFC 6979), as most are, or the dapp "
        "CLI. Nothing was sent.",
    )
    assert page.evaluate("window.__testWallet.requests").count("personal_sign") == 2


def seller_without_key(page: Any, w: World) -> None:
    connect(page)
    expect(page.locator(".no-key")).to_have_text(
        "This seller has published no shipping key, so this page cannot send it your address: buying sends none. "
        "If the item needs shipping, arrange delivery with the seller yourself, or do not buy."
    )
    expect(page.locator("section.checkout")).to_have_count(0)


def order_data_too_large(page: Any, w: World) -> None:
    # Every field at its limit: the details pass their own checks, but sealed they exceed MAX_ORDER_DATA.
    long = {
        **ADDRESS,
        "Full name": "N" * 100,
        "Address": "A" * 100,
        "Address line 2 (optional)": "B" * 100,
        "State or county (optional)": "R" * 64,
        "Email": "e" * 200 + "@example.org",
        "Note to the seller": "n" * 280,
    }
    checkout = start_checkout(page, long)
    expect(checkout.locator(".onchain")).to_contain_text("bytes on chain")
    size = int(checkout.locator(".onchain").get_attribute("data-bytes"))
    assert size > 1024
    pay_refused(
        checkout,
        f"Encrypted, these details come to {size} bytes; the store takes at most 1024. "
        "Shorten the note or the address lines. Nothing was sent.",
    )
    assert "personal_sign" not in page.evaluate("window.__testWallet.requests")


def profile_unavailable(reason: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        expect(page.locator(".profile-warning")).to_have_text(f"This seller's profile is unavailable: {reason}.")
        expect(page.locator("section.hero h1")).to_contain_text("Shop of 0x")

    return steps


def profile(problem: str) -> Callable[[World], str]:
    return lambda w: f"{w.url}#/seller/{w.profiles[problem]}"


def document_unavailable(reason: str) -> Steps:
    def steps(page: Any, w: World) -> None:
        expect(page.locator(".doc-warning")).to_have_text(f"The description of this product is unavailable: {reason}.")
        expect(page.locator("article.product h1")).to_have_text(f"Product #{page.url.rsplit('/', 1)[1]}")

    return steps


def script_is_text(page: Any, w: World) -> None:
    expect(page.locator("article.product h1")).to_have_text(SCRIPT_NAME)
    expect(page.locator(".description .prose")).to_have_text(HOSTILE_TEXT)
    assert page.locator("#view script, #view iframe, #view img[src='x'], #view a[href^='javascript']").count() == 0
    assert page.evaluate("window.__pwned") is None


def not_a_token(page: Any, w: World) -> None:
    expect(page.locator(".currency-error")).to_contain_text("which is not a token this page can read")
    expect(page.get_by_role("button", name="Buy now")).to_be_disabled()


def sell_page(w: World) -> str:
    return f"{w.url}#/sell"


def sell_with(**changes: Any) -> Callable[[World], str]:
    """The seller's page, with these config.json changes."""
    return lambda w: config_page(**changes)(w) + "#/sell"


def parcel(page: Any, w: World, order_no: int) -> Any:
    return page.locator(f"article.order[data-order='{w.ids['parcel']}-{order_no}']")


def show_addresses(page: Any, w: World) -> None:
    connect(page)
    page.locator("button[data-action='unlock']").click()
    expect(parcel(page, w, 1).locator("[data-address='ok']")).to_contain_text("Alice Moreau")


def ship_with_note(*texts: str) -> Steps:
    """Ship order 1 with an encrypted note: refused with these words, before anything is sent."""

    def steps(page: Any, w: World) -> None:
        show_addresses(page, w)
        order = parcel(page, w, 1)
        order.locator("button[data-action='ship']").click()
        order.get_by_label("Tracking note").fill("DHL 00340434161094042557")
        order.locator("button[data-action='ship-send']").click()
        card = page.locator(".tx-card").last
        expect(card).to_have_attribute("data-status", "error")
        for text in texts:
            expect(card.locator(".tx-message")).to_contain_text(text)
        assert w.shop.order(w.ids["parcel"], 1)[8] == 1  # still Paid

    return steps


def signer(problem: str, message: str) -> Steps:
    """Show addresses with a wallet that `problem`s (a script run in the page): said, addresses locked."""

    def steps(page: Any, w: World) -> None:
        connect(page)
        page.evaluate(problem)
        page.locator("button[data-action='unlock']").click()
        expect(page.locator("[data-problem='inbox']")).to_contain_text(message)
        expect(parcel(page, w, 1).locator("[data-address='locked']")).to_be_visible()

    return steps


def photo(name: str, size: int, message: str) -> Steps:
    """Choose `name` (`size` bytes of text) as a photo in the listing form: refused, nothing uploaded."""

    def steps(page: Any, w: World) -> None:
        path = w.tmp / name
        if not path.exists():
            with path.open("wb") as out:
                out.truncate(size)  # sparse: no 30 MB written to disk
        connect(page)
        panel = page.locator("section.listing-panel")
        panel.get_by_label("Photos").set_input_files(str(path))
        expect(panel.locator("[data-problem='listing']")).to_have_text(message)
        expect(panel.locator(".photo-strip figure")).to_have_count(0)

    return steps


def refused_listing(title: str, fill: Callable[[Any, World], None], message: str) -> Steps:
    """Fill the listing form's title and price, then `fill(panel, world)` the rest, and list: refused in the
    form, in words, before any upload or wallet prompt; no transaction card, nothing listed."""

    def steps(page: Any, w: World) -> None:
        connect(page)
        listed = w.shop.catalog.functions.productCount().call()
        panel = page.locator("section.listing-panel")
        panel.get_by_label("Title").fill(title)
        panel.get_by_label("Price").fill("0.02")
        fill(panel, w)
        panel.locator("button[data-action='list-product']").click()
        expect(panel.locator("[data-problem='listing']")).to_have_text(message)
        expect(page.locator(".tx-card")).to_have_count(0)
        assert w.shop.catalog.functions.productCount().call() == listed

    return steps


def listing_options(option: str, values: str, message: str, *more: tuple[str, str]) -> Steps:
    """A group with these option fields (and `more` options, each added with its own row): refused."""

    def fill(panel: Any, w: World) -> None:
        panel.get_by_label("Option", exact=True).fill(option)
        panel.get_by_label("Values (comma-separated)").fill(values)
        for n, (name, texts) in enumerate(more, start=2):
            panel.locator("button[data-action='add-option']").click()
            panel.get_by_label(f"Option {n}", exact=True).fill(name)
            panel.get_by_label(f"Values of option {n}").fill(texts)

    return refused_listing("Tour Tee", fill, message)


def listing_terms(escrow: str, handling: str, arbiter: Text, message: str) -> Steps:
    """A product with this escrow window and handling time (days, as typed) and arbiter: refused."""

    def fill(panel: Any, w: World) -> None:
        panel.get_by_label("Escrow window (days; 0: paid at once)").fill(escrow)
        if handling:
            panel.get_by_label("Handling time (days to ship)").fill(handling)
        panel.get_by_label("Arbiter (optional)").fill(arbiter(w) if callable(arbiter) else arbiter)

    return refused_listing("Tour Poster", fill, message)


def edit_document(title: str | None, file: tuple[str, int] | None, message: str) -> Steps:
    """Open the mug's "Edit description and photos" form, then choose `file` (name, bytes of text) as a photo,
    or type `title` (None: leave it) and save: refused in words, nothing uploaded or sent."""

    def steps(page: Any, w: World) -> None:
        connect(page)
        row = page.locator(f"article.seller-product[data-product='{w.ids['mug']}']")
        row.locator("button[data-action='edit-document']").click()
        form = row.locator("section.edit-document")
        expect(form.get_by_label("Title")).to_have_value("Enamel Mug")
        if title is not None:
            form.get_by_label("Title").fill(title)
        if file is not None:
            path = w.tmp / file[0]
            path.write_bytes(b"x" * file[1])
            form.get_by_label("Photos").set_input_files(str(path))
            expect(form.locator("[data-problem='edit']")).to_have_text(message)
            expect(form.locator(".photo-strip figure")).to_have_count(1)  # the mug's own photo only
            return
        form.locator("button[data-action='save-document']").click()
        expect(form.locator("[data-problem='edit']")).to_have_text(message)
        expect(page.locator(".tx-card")).to_have_count(0)

    return steps


def pins_on(service: ClusterNode) -> int:
    """How many pins the service holds in any state (asked with the right token)."""
    query = "/pins?status=queued,pinning,pinned,failed"
    request = urllib.request.Request(service.pinning_url + query, headers={"Authorization": f"Bearer {service.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.load(response)["count"])


Text = str | Callable[[World], str]


def list_pinned(endpoint: Text, token: str, *texts: Text, in_form: bool = False) -> Steps:
    """List a product with this pinning service's endpoint and token: refused with these words (in the form
    with `in_form`, else on the transaction card, before anything goes on chain), the token never shown,
    nothing listed, nothing pinned."""

    def steps(page: Any, w: World) -> None:
        said = [text(w) if callable(text) else text for text in texts]
        connect(page)
        listed, pinned = w.shop.catalog.functions.productCount().call(), pins_on(w.pinning)
        panel = page.locator("section.listing-panel")
        panel.get_by_label("Title").fill("Tour Poster")
        panel.get_by_label("Price").fill("0.02")
        panel.get_by_label("Pinning service endpoint").fill(endpoint(w) if callable(endpoint) else endpoint)
        panel.get_by_label("Access token").fill(token)
        panel.locator("button[data-action='list-product']").click()
        if in_form:
            message = panel.locator("[data-problem='listing']")
            expect(page.locator(".tx-card")).to_have_count(0)
        else:
            card = page.locator(".tx-card").last
            expect(card).to_have_attribute("data-status", "error")
            message = card.locator(".tx-message")
        for text in said:
            expect(message).to_contain_text(text)
        assert not token or token not in page.locator("body").inner_text()
        expect(panel.locator("[data-pins]")).to_have_count(0)
        assert w.shop.catalog.functions.productCount().call() == listed
        assert pins_on(w.pinning) == pinned

    return steps


def tampered_address(page: Any, w: World) -> None:
    show_addresses(page, w)
    failed = parcel(page, w, 2).locator("[data-address='failed']")
    expect(failed).to_have_text("Cannot decrypt this address: its encrypted details were altered.")


def swapped_note(page: Any, w: World) -> None:
    connect(page)
    order = page.locator(f"article.order[data-order='{w.ids['noted']}-1']")
    order.locator("button[data-action='show-note']").click()
    expect(order.locator("[data-note='error']")).to_have_text(
        "The seller's note cannot be read: the gateway sent a block that is not the one named on chain."
    )
    expect(order.locator("[data-note='open']")).to_have_count(0)


def rpc(server: str) -> Callable[[World], str]:
    return lambda w: f"{w.url}?rpc={getattr(w, server).url}#/"


UNREACHABLE = ("The store is unreachable",)

# fmt: off
ROWS = [
    # --- addresses -------------------------------------------------------------------------------
    row("address-malformed-route", lambda w: f"{w.url}#/seller/0xZZ", view_says("“0xZZ” is not a seller address")),
    row("address-wrong-checksum-route", lambda w: f"{w.url}#/seller/{wrong_checksum(w.shop.seller)}",
        view_says("fails its checksum")),
    row("address-malformed-config", config_page(address="0x1234"),
        banner_says("config", "config.json: address must be a 0x address")),
    row("address-wrong-checksum-config", config_page(address=lambda w: wrong_checksum(w.shop.catalog.address)),
        banner_says("config", "config.json: address", "fails its checksum")),
    row("address-wrong-checksum-seller", config_page(seller=lambda w: wrong_checksum(w.shop.seller)),
        banner_says("config", "config.json: seller", "fails its checksum")),
    # --- quantities ------------------------------------------------------------------------------
    row("quantity-zero", product("mug"), buy_quantity("0", "Quantity: enter at least 1.")),
    row("quantity-negative", product("mug"), buy_quantity("-2", "Quantity: enter a whole number of at least 1.")),
    row("quantity-fractional", product("mug"), buy_quantity("1.5", "Quantity: enter a whole number of at least 1.")),
    row("quantity-huge", product("mug"), buy_quantity("99999999999", "Quantity: only 3 in stock.")),
    row("quantity-exponent", product("mug"), buy_quantity("1e3", "Quantity: enter a whole number of at least 1.")),
    row("stock-negative", sell_page, seller_edit("New stock", "set-stock", "-1", "Stock: a whole number"),
        account=1),
    row("stock-fractional", sell_page, seller_edit("New stock", "set-stock", "2.5", "Stock: a whole number"),
        account=1),
    row("stock-huge", sell_page,
        seller_edit("New stock", "set-stock", "4294967296", "Stock: at most 4294967295"), account=1),
    # --- prices ----------------------------------------------------------------------------------
    row("price-zero", sell_page, seller_edit("New price", "set-price", "0", "Price: must be more than 0"),
        account=1),
    row("price-negative", sell_page,
        seller_edit("New price", "set-price", "-1", "Price: not an amount: -1"), account=1),
    row("price-fractional", sell_page,
        seller_edit("New price", "set-price", "0.0000000000000000001", "Price: at most 18 decimals"), account=1),
    row("price-huge", sell_page,
        seller_edit("New price", "set-price", "100000000000", "Price: at most 79,228,162,514.264337593543950335 ETH"),
        account=1),
    row("split-negative", lambda w: f"{w.url}#/arbiter", split("-1"), account=3),
    row("split-fractional", lambda w: f"{w.url}#/arbiter", split("0.0000001"), account=3),
    row("split-huge", lambda w: f"{w.url}#/arbiter", split("1000000"), account=3),
    row("offer-negative", lambda w: f"{w.url}#/orders", offer("-1")),
    row("offer-fractional", lambda w: f"{w.url}#/orders", offer("0.0000001")),
    row("offer-huge", lambda w: f"{w.url}#/orders", offer("11")),
    row("accept-changed-offer", lambda w: f"{w.url}#/orders", accept_changed_offer),
    row("accept-withdrawn-offer", lambda w: f"{w.url}#/orders", accept_withdrawn_offer),
    # --- the shipping address (issue 17) ----------------------------------------------------------
    row("checkout-incomplete-address", product("keyed"), incomplete_address),
    row("checkout-wallet-refuses-to-sign", product("keyed"), refuses_to_sign),
    row("checkout-nondeterministic-signer", product("keyed"), nondeterministic_signer),
    row("checkout-seller-without-key", product("mug"), seller_without_key),
    row("order-data-too-large", product("keyed"), order_data_too_large),
    # --- the seller's workspace: IPFS writes, the shop key, sealed addresses ----------------------
    row("ipfs-unreachable", sell_with(ipfsApi="http://127.0.0.1:9"),
        ship_with_note("the IPFS node at http://127.0.0.1:9 does not answer", "Nothing was sent on chain."),
        account=1),
    row("ipfs-cid-mismatch", sell_with(ipfsApi=lambda w: w.liar.url),
        ship_with_note("(the CID this page computed)", "Nothing was sent on chain."), account=1),
    row("wallet-refuses-to-sign", sell_page, signer("window.__testWallet.rejectNext = true",
        "You declined the signature in your wallet, so the addresses stay encrypted."), account=1),
    row("signer-nondeterministic", sell_page, signer("window.__testWallet.nondeterministic = true",
        "this wallet does not sign deterministically"), account=1),
    row("ciphertext-tampered", sell_page, tampered_address, account=1),
    row("pinning-wrong-token", sell_with(ipfsApi=lambda w: w.kubo_api), list_pinned(
        lambda w: w.pinning.pinning_url, "not-the-token",
        lambda w: f"the pinning service at {w.pinning.pinning_url} answered the token check without CORS headers",
        "most likely the access token was refused (IPFS Cluster sends its HTTP 401 so)",
        "Nothing was sent on chain."), account=1),
    row("pinning-endpoint-down", sell_with(ipfsApi=lambda w: w.kubo_api), list_pinned(
        "http://127.0.0.1:9/psa", "a-token",
        "the pinning service at http://127.0.0.1:9/psa does not answer (TypeError): is it running, and is the "
        "endpoint right? Nothing was sent on chain."), account=1),
    row("pinning-endpoint-not-http", sell_with(ipfsApi=lambda w: w.kubo_api), list_pinned(
        "ftp://pins.example/psa", "a-token", "Pinning service: the endpoint must be http or https, not ftp:",
        in_form=True), account=1),
    row("pinning-endpoint-without-token", sell_with(ipfsApi=lambda w: w.kubo_api), list_pinned(
        "https://pins.example/psa", "", "Pinning service: enter the access token of https://pins.example",
        in_form=True), account=1),
    row("note-block-swapped", lambda w: f"{w.url}#/orders", swapped_note),
    row("photo-30mb", sell_page, photo("IMG_0001.jpg", 30 * 1024 * 1024,
        "Photo refused: IMG_0001.jpg is 30.0 MB; a photo can be at most 20.0 MB."), account=1),
    row("photo-not-an-image", sell_page, photo("notes.txt", 200,
        "Photo refused: notes.txt is not an image (text/plain): choose a JPEG, PNG or WebP photo."), account=1),
    row("photo-undecodable", sell_page, photo("broken.png", 200,
        "Photo refused: broken.png is not an image this browser can read."), account=1),
    row("escrow-window-too-short", sell_page, listing_terms("0.5", "1", "", "Escrow window: 1 to 365 days, or 0")),
    row("escrow-window-too-long", sell_page, listing_terms("366", "1", "", "Escrow window: 1 to 365 days, or 0")),
    row("handling-time-too-short", sell_page, listing_terms("7", "0.01", "",
        "Handling time: 1 hour (0.05 days) to 365 days to ship an order")),
    row("handling-time-too-long", sell_page, listing_terms("7", "366", "",
        "Handling time: 1 hour (0.05 days) to 365 days to ship an order")),
    row("arbiter-without-escrow", sell_page, listing_terms("0", "", lambda w: w.shop.accounts[4],
        "Arbiter: only an escrowed product (escrow window above 0) has disputes to settle")),
    row("arbiter-is-seller", sell_page, listing_terms("7", "2", lambda w: w.shop.buyer,
        "Arbiter: you cannot arbitrate your own sales")),
    row("arbiter-is-catalog", sell_page, listing_terms("7", "2", lambda w: w.shop.catalog.address,
        "Arbiter: the Catalog contract itself can never rule; name a person or a service")),
    row("options-duplicate-value", sell_page, listing_options("size", "S, M, S",
        "Values of size: “S” is given twice"), account=1),
    row("options-empty-value", sell_page, listing_options("size", "S, , L",
        "Values of size: value 2 is empty (two commas in a row, or one at the end)"), account=1),
    row("options-too-many-values", sell_page, listing_options("size", ",".join(f"V{n}" for n in range(21)),
        "Values of size: 21 values; at most 20"), account=1),
    row("options-bad-name", sell_page, listing_options("Size", "S, M",
        "Option: “Size” must be a lower-case letter, then up to 19 of a-z, 0-9 and - (such as size, colour)"),
        account=1),
    row("options-name-twice", sell_page, listing_options("size", "S, M",
        "Option 2: “size” is given twice; give each option once, with all its values", ("size", "L, XL")),
        account=1),
    row("options-second-without-name", sell_page, listing_options("size", "S, M",
        "Option 2: give its name (such as colour) for the values", ("", "Black, White")), account=1),
    row("options-second-bad-value", sell_page, listing_options("size", "S, M",
        "Values of colour: “Black” is given twice", ("colour", "Black, White, Black")), account=1),
    row("options-too-many-combinations", sell_page, listing_options("size", ",".join(f"S{n}" for n in range(20)),
        "Options: 20 values of size and 20 of colour make 400 products; the page lists at most 100 at once "
        "(each is its own transaction)", ("colour", ",".join(f"C{n}" for n in range(20)))), account=1),
    row("edit-empty-title", sell_page, edit_document(" ", None, "Title: must not be empty"), account=1),
    row("edit-photo-not-an-image", sell_page, edit_document(None, ("notes.txt", 200),
        "Photo refused: notes.txt is not an image (text/plain): choose a JPEG, PNG or WebP photo."), account=1),
    row("edit-unchanged", sell_page, edit_document(None, None,
        "Nothing changed: this title, description and these photos are already on chain. Nothing was sent."),
        account=1),
    # --- a token address that is not a token -----------------------------------------------------
    row("token-not-a-token", product("not_a_token"), not_a_token),
    # --- ids -------------------------------------------------------------------------------------
    row("id-non-numeric", lambda w: f"{w.url}#/product/abc", view_says("“abc” is not a product number")),
    row("id-unknown", lambda w: f"{w.url}#/product/999", view_says("There is no product #999.")),
    row("id-zero", lambda w: f"{w.url}#/product/0", view_says("There is no product #0.")),
    row("id-huge", lambda w: f"{w.url}#/product/{2**256}", view_says(f"There is no product #{2**256}.")),
    # --- CIDs ------------------------------------------------------------------------------------
    row("cid-malformed-config", config_page(sellerDocument="bafy-nope"),
        banner_says("config", "config.json: sellerDocument must be a CID")),
    row("cid-v0-config", config_page(sellerDocument=CIDV0), banner_says("config", "sellerDocument is a CIDv0")),
    # --- metadata documents ----------------------------------------------------------------------
    row("metadata-invalid-json", product("doc_invalid"),
        document_unavailable("the document the seller published is not valid JSON")),
    row("metadata-oversized", product("doc_oversized"),
        document_unavailable("the document the seller published is larger than 1 MiB")),
    row("metadata-wrong-schema", product("doc_wrong_schema"),
        document_unavailable("the document the seller published is not a product description")),
    row("metadata-wrong-types", product("doc_wrong_types"),
        document_unavailable("the document the seller published has fields of the wrong type")),
    row("metadata-script", product("script"), script_is_text),
    # --- seller profiles -------------------------------------------------------------------------
    row("profile-unverified", profile("unverified"), profile_unavailable(
        "the document the gateway returned does not match what the seller published on chain")),
    row("profile-wrong-schema", profile("wrong_schema"),
        profile_unavailable("the document the seller published is not a seller profile")),
    # --- the registry: config.json ---------------------------------------------------------------
    row("config-missing", lambda w: w.publish(None),
        banner_says("config", "no valid store configuration", "config.json could not be loaded (HTTP 404)")),
    row("config-truncated", lambda w: w.publish(w.config()[:40]),
        banner_says("config", "This page has no valid store configuration", "config.json is not valid JSON")),
    row("config-foreign", lambda w: w.publish(b'{"name": "some-package", "version": "1.0.0"}'),
        banner_says("config", "config.json: chainId must be a positive integer")),
    row("config-other-contract", config_page(codeHash="0x" + "12" * 32),
        banner_says("deployment", "This store cannot be trusted on this network")),
    row("config-ipns-name", config_page(ipnsName="shop.example"),
        banner_says("config", "config.json: ipnsName must be an IPNS name in base36 (k51…)")),
    row("config-source-commit", config_page(sourceCommit="main"),
        banner_says("config", "config.json: sourceCommit must be a git commit id (40 hex digits)")),
    # --- an RPC URL that is not a node -----------------------------------------------------------
    row("rpc-web-page", rpc("html"), banner_says("rpc", *UNREACHABLE, "is not an Ethereum node")),
    row("rpc-json-api", rpc("json_api"), banner_says("rpc", *UNREACHABLE, "is not an Ethereum node")),
    row("rpc-not-a-url", lambda w: f"{w.url}?rpc=htp:/127.0.0.1#/", banner_says("config", "?rpc= must be http(s)")),
    # --- an indexer URL that is not one: named, and the page reads the chain (tests/page/test_indexer_page.py
    # has real indexers of another chain or Catalog, and one behind) ----------------------------------------
    row("indexer-not-a-url", lambda w: f"{w.url}?indexer=htp:/127.0.0.1#/",
        indexer_refused("?indexer= must be http(s)")),
    row("indexer-config-not-a-url", config_page(indexer="nonsense"),
        indexer_refused("config.json: indexer is not a URL: nonsense")),
    row("indexer-web-page", lambda w: f"{w.url}?indexer={w.html.url}#/", indexer_refused(HTML_URL)),
]
# fmt: on


@pytest.mark.parametrize("case", ROWS)
def test_bad_input_is_refused_by_the_page(browser: Any, world: World, case: Row) -> None:
    w3 = world.shop.w3
    world.baseline = w3.eth.block_number
    url = case.route(world)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        config = {
            "account": world.shop.accounts[case.account],
            "rpcUrl": world.shop.node.url,
            "anvilChainId": int(w3.eth.chain_id),
            "chainId": int(w3.eth.chain_id),
            "announce": True,
        }
        context.add_init_script(WALLET_JS.replace("__WALLET_CONFIG__", json.dumps(config)))
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(url)
        case.steps(page, world)
        requests = page.evaluate("window.__testWallet.requests")
        assert not SENDS & set(requests), requests
    finally:
        context.close()
    assert w3.eth.block_number == world.baseline, "a transaction was mined"
