"""The artist's workspace in `#/sell` (issue 17 §3): the order inbox decrypts a buyer's sealed address in the
page, ships with a tracking note encrypted to the buyer (read back in Python by both readers, and shown on the
buyer's own order card in her browser; another buyer's key cannot open it), shows a new
order live, exports the orders to ship as CSV; the shop's profile is published with its encryption key; a
wallet that is not one of the order's two readers cannot read the address; and the listing form lists a product,
or a group of sizes (MERCH-SPEC §1) with the documents `dapp list-product --option` would publish; with a pinning
service (IPFS Cluster's Pinning Service API, called from the browser) every new CID ends pinned there. Issue 17 §4
in one browser run: checkout with a size and an address, the inbox, shipping with a note and the buyer reading
it, every step through the page."""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from web3 import Web3

from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.daemon import KuboDaemon
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.metadata import build_product_metadata, canonical_json, make_variant, parse_product_metadata
from dapp.ipfs.pinning import PinningService
from dapp.shipping import (
    OrderContext,
    ShippingDetails,
    ShippingKeyPair,
    content_key,
    derive_keypair_checked,
    open_envelope,
    open_note,
    seal,
)
from dapp.transactions.signers import sign_text
from tests.page.conftest import DAY, LAPTOP, PHONE, WALLET_JS, Shop, screenshot
from tests.page.test_buy import connect, settled, transact
from tests.support.fixtures import Cli, Up
from tests.support.ipfs_nodes import ClusterNode, run_cluster

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]

PAID, SHIPPED = 1, 2
ALICE = ShippingDetails(
    name="Alice Moreau", lines=("12 Rue des Lilas", "Bâtiment B"), city="Lyon", postcode="69003", country="FR",
    email="alice@example.org", note="Leave it with the concierge", options={"size": "M", "colour": "black"},
)  # fmt: skip
BOB = ShippingDetails(name="Bob Tanaka", lines=("4-2-8 Shibakoen",), city="Tokyo", postcode="105-0011", country="JP")
NOTE = "Posted today with La Poste: tracking 6A12345678901.\n<b>Thank you!</b> 🎸"  # shown as text, never HTML


def page_origin(kubo: Kubo) -> str:
    """The origin the published page is served from (the session Kubo's gateway, as `publish` names it)."""
    gateway = urllib.parse.urlsplit(str(kubo.gateway_url()).replace("localhost", "127.0.0.1"))
    return f"{gateway.scheme}://{gateway.netloc}"


@pytest.fixture(scope="module")
def pinning(kubo_daemon: KuboDaemon, kubo: Kubo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterNode]:
    """IPFS Cluster's Pinning Service API in front of the Kubo the page adds to, open to the page's origin."""
    assert kubo_daemon.info is not None
    home = tmp_path_factory.mktemp("pinning")
    with run_cluster(kubo_daemon.info.api_multiaddr, home, cors_origins=[page_origin(kubo)]) as node:
        yield node


def node_keys(shop: Shop, account: str) -> ShippingKeyPair:
    """`account`'s shipping key, from the dev node's signatures of the key message, as the page derives it."""
    return derive_keypair_checked(
        lambda text: sign_text(shop.w3, account, text), int(shop.w3.eth.chain_id), shop.catalog.address
    )


def buy_sealed(
    shop: Shop, product_id: int, buyer: str, details: ShippingDetails, seller_key: bytes, *, tamper: bool = False
) -> tuple[int, bytes]:
    """`buyer` buys one of `product_id` (ETH) with `details` sealed to `seller_key` and the buyer's own key
    (with `tamper`, one bit of the encrypted details flipped)."""
    context = OrderContext(int(shop.w3.eth.chain_id), shop.catalog.address, product_id, buyer)
    envelope = seal(details, seller_key, node_keys(shop, buyer).public_key, context)
    if tamper:
        envelope = envelope[:-20] + bytes([envelope[-20] ^ 1]) + envelope[-19:]
    p = shop.product(product_id)
    fn = shop.catalog.functions.buy(product_id, 1, p[2], p[3], p[9], envelope)
    shop.send(fn, buyer, p[3])
    return int(shop.product(product_id)[8]), envelope


def shipped_note(shop: Shop, product_id: int, order_no: int) -> Cid:
    """The tracking document's CID the OrderShipped event of this order names."""
    logs = shop.catalog.events.OrderShipped().get_logs(from_block=shop.deploy_block)
    (log,) = [entry for entry in logs if entry.args.productId == product_id and entry.args.orderNo == order_no]
    return Cid(bytes(log.args.trackingDigest), int(log.args.trackingCodec))


def card(page: Any, pid: int, no: int) -> Any:
    return page.locator(f"article.order[data-order='{pid}-{no}']")


def test_inbox_decrypts_ships_with_a_note_and_shows_new_orders(
    shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any
) -> None:
    pid = shop.list_product("Tour T-shirt 2026", price=25 * 10**15, hue=0.02)
    seller_keys = node_keys(shop, shop.seller)
    alice, bob = shop.accounts[2], shop.accounts[3]
    alice_no, envelope = buy_sealed(shop, pid, alice, ALICE, seller_keys.public_key)
    url = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url)).path_url

    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    order = card(seller, pid, alice_no)
    expect(order.locator("[data-address='locked']")).to_be_visible()
    expect(seller.locator("button[data-action='export-csv']")).to_be_disabled()
    seller.locator("button[data-action='unlock']").click()
    address = order.locator("[data-address='ok']")
    expect(address).to_contain_text("Alice Moreau")
    expect(address).to_contain_text("12 Rue des Lilas")
    expect(address).to_contain_text("69003 Lyon")
    expect(address).to_contain_text("Size: M")
    expect(address).to_contain_text("Colour: black")
    expect(address).to_contain_text("Leave it with the concierge")
    signs = [m for m in seller.evaluate("window.__testWallet.requests") if m == "personal_sign"]
    assert len(signs) == 2  # derived twice and compared, once for the session

    # A new order arrives while the inbox is open: it appears without a reload, marked new, decrypted.
    bob_no, _ = buy_sealed(shop, pid, bob, BOB, seller_keys.public_key)
    fresh = card(seller, pid, bob_no)
    expect(fresh).to_have_attribute("data-new", "true", timeout=30_000)
    expect(fresh.locator(".new-tag")).to_have_text("New")
    expect(fresh.locator("[data-address='ok']")).to_contain_text("Bob Tanaka")
    expect(order).not_to_have_attribute("data-new", "true")
    assert len([m for m in seller.evaluate("window.__testWallet.requests") if m == "personal_sign"]) == 2

    with seller.expect_download() as download:
        seller.locator("button[data-action='export-csv']").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [(r["order"], r["name"], r["country"]) for r in rows] == [
        (f"{pid}-{alice_no}", "Alice Moreau", "FR"),
        (f"{pid}-{bob_no}", "Bob Tanaka", "JP"),
    ]
    assert rows[0]["options"] == "colour=black; size=M"

    expect(seller.locator("section.profile-panel")).to_be_visible()
    seller.locator("body").evaluate("() => window.scrollTo(0, 0)")
    screenshot(seller, "inbox-1280x800")
    seller.set_viewport_size(PHONE)
    screenshot(seller, "inbox-390x844")
    seller.set_viewport_size(LAPTOP)

    order.locator("button[data-action='ship']").click()
    order.get_by_label("Tracking note").fill(NOTE)
    transact(seller, order.locator("button[data-action='ship-send']").click)
    assert shop.order(pid, alice_no)[8] == SHIPPED

    # The note on IPFS is the CID on chain, and both readers of the order (and only they) open it in Python.
    note_cid = shipped_note(shop, pid, alice_no)
    blob = shop.kubo.cat(note_cid)
    assert note_cid == Cid.of_block(Codec.RAW, blob) and blob[0] == 1  # a raw block: version 1 of the note
    context = OrderContext(int(shop.w3.eth.chain_id), shop.catalog.address, pid, alice)
    for reader in (shop.seller, alice):
        key = content_key(envelope, node_keys(shop, reader), context)
        assert open_note(blob, key, context, alice_no) == NOTE

    # The buyer, in a browser of her own, sees the note on her order card: her wallet's key opens the order's
    # content key, and the page opens the block it fetched from the gateway and checked against the CID.
    buyer = open_page(f"{url}#/orders", account=2)
    connect(buyer)
    mine = card(buyer, pid, alice_no)
    mine.locator("button[data-action='show-note']").click()
    text = mine.locator("[data-note='open'] .note-text")
    expect(text).to_be_visible(timeout=30_000)
    assert text.evaluate("e => e.textContent") == NOTE and text.locator("b").count() == 0
    signs = [m for m in buyer.evaluate("window.__testWallet.requests") if m == "personal_sign"]
    assert len(signs) == 2
    mine.locator("button[data-action='show-address']").click()  # the same key: no more signatures
    expect(mine.locator(".sent-address[data-open='true']")).to_contain_text("Alice Moreau")
    assert len([m for m in buyer.evaluate("window.__testWallet.requests") if m == "personal_sign"]) == 2
    mine.scroll_into_view_if_needed()
    screenshot(buyer, "buyer-note-1280x800")
    buyer.set_viewport_size(PHONE)
    mine.scroll_into_view_if_needed()
    screenshot(buyer, "buyer-note-390x844")

    # Bob's order shipped naming Alice's note: his key opens his order's content key, which does not open
    # a note bound to another order and key. The card says so; nothing else breaks.
    shop.send(shop.catalog.functions.ship(pid, bob_no, note_cid.digest, 0), shop.seller)
    other = open_page(f"{url}#/orders", account=3)
    connect(other)
    his = card(other, pid, bob_no)
    his.locator("button[data-action='show-note']").click()
    expect(his.locator("[data-note='error']")).to_contain_text(
        "The seller's note cannot be read: this key does not open it", timeout=30_000
    )
    expect(his.locator("button[data-action='show-note']")).to_be_enabled()


# In a page of the shop, as the wallet of this context: the page's own code (its order-data chunk) opens the
# details of a real order, then the seller's note on it, with this wallet's key under that order's context
# (its buyer, product, Catalog and chain). Each answer: "opened: ..." or the error's name and reason.
OPEN_ORDER_AND_NOTE = """async ([chunk, chainId, catalog, productId, orderNo, buyer, orderData, digest, noteUrl]) => {
    let provider;
    window.addEventListener('eip6963:announceProvider', (e) => { provider = e.detail.provider; });
    window.dispatchEvent(new Event('eip6963:requestProvider'));
    const me = window.__testWallet.account;
    const bytes = (text) => [...new TextEncoder().encode(text)];
    const hex = (text) => '0x' + bytes(text).map((b) => b.toString(16).padStart(2, '0')).join('');
    const sign = (m) => provider.request({ method: 'personal_sign', params: [hex(m), me] });
    const wallet = { account: buyer, signMessage: sign };
    const shop = { config: { chainId, address: catalog } };
    const kit = await import(chunk);
    const attempt = async (open) => {
        try {
            return `opened: ${JSON.stringify(await open())}`;
        } catch (error) {
            return `${error.name}: ${error.reason ?? error.message}`;
        }
    };
    return [
        await attempt(() => kit.openMyOrderData(shop, wallet, BigInt(productId), orderData)),
        await attempt(() =>
            kit.openMyNote(shop, wallet, BigInt(productId), BigInt(orderNo), orderData, digest, noteUrl)),
    ];
}"""

ZOE = {
    "Full name": "Zoë Müller",
    "Address": "Flat 3",
    "Address line 2 (optional)": "12 Rose Street",
    "Town or city": "London",
    "Postcode or ZIP": "N1 9GU",
    "Email": "zoe@example.org",
    "Note to the seller": "Ring twice",
}
SEND_OFF = "Royal Mail Tracked 48: JX123456789GB.\nThanks for coming to the Lisbon show! <i>🎸</i>"


def signatures(page: Any) -> int:
    return int(page.evaluate("window.__testWallet.requests.filter((m) => m === 'personal_sign').length"))


def test_checkout_inbox_ship_with_a_note_and_read_it_all_from_the_page(
    shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any, page_template: Path
) -> None:
    """Issue 17 §4 in one browser run, every step from the page: the seller publishes its key; the buyer picks
    a size (not the first) and checks out with an address; the seller's inbox unlocks and shows it; the seller
    ships with a note; the buyer reads the note on her card; a third wallet reads neither. Each step is checked
    on chain, and the address and the note are opened in Python with the keys as the CLI derives them."""
    sizes = ["S", "M", "L"]
    ids = {}
    for size in sizes:
        variant = {"group": "tour-tee-2026", "choices": {"size": sizes}, "options": {"size": size}}
        document = shop.variant_document("Tour T-shirt 2026", variant, hue=0.02)
        ids[size] = shop.list_product("Tour T-shirt 2026", price=25 * 10**15, stock=4, document=document)
    pid = ids["L"]
    site = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url))
    url = site.path_url
    seller_keys, buyer_keys = node_keys(shop, shop.seller), node_keys(shop, shop.buyer)

    # 1. The seller publishes its profile with the key the page derives from its wallet's signature.
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    panel = seller.locator("section.profile-panel")
    expect(panel.locator("[data-key]")).to_have_attribute("data-key", "none")
    expect(seller.locator("section.inbox")).to_contain_text("Nothing to ship or settle.")
    panel.get_by_label("Shop name").fill("Moonwave Merch")
    transact(seller, panel.locator("button[data-action='publish-profile']").click)
    expect(panel.locator("[data-key]")).to_have_attribute("data-key", "ok")
    (profile,) = shop.catalog.events.ProfileSet().get_logs(from_block=shop.deploy_block)
    assert profile.args.seller == shop.seller
    published = json.loads(shop.kubo.cat(Cid(bytes(profile.args.digest), int(profile.args.codec))))
    assert published["encryptionKey"] == seller_keys.public_hex

    # 2. The buyer, in a context of her own, opens the group, picks L and checks out with her address.
    buyer = open_page(f"{url}#/product/{ids['S']}", account=2)
    connect(buyer)
    picker = buyer.locator(".option[data-option='size']")
    expect(picker.locator("legend")).to_have_text("Size: S")
    picker.locator(".choice[data-value='L']").click()
    expect(buyer).to_have_url(f"{url}#/product/{pid}")
    expect(picker.locator("legend")).to_have_text("Size: L")
    buyer.get_by_role("button", name="Buy now").click()
    checkout = buyer.locator("section.checkout")
    expect(checkout.locator(".chosen")).to_have_text("Size: L")
    for label, value in ZOE.items():
        checkout.get_by_label(label, exact=True).fill(value)
    checkout.get_by_label("Country").select_option("GB")
    expect(checkout.locator(".field-error")).to_have_count(0)
    transact(buyer, checkout.get_by_role("button", name="Pay 0.025 ETH").click)
    expect(buyer.locator("section.checkout.done")).to_contain_text("encrypted")
    order = shop.order(pid, 1)
    assert (order[2], order[8], shop.product(pid)[8]) == (shop.buyer, PAID, 1)
    assert all(shop.product(ids[s])[8] == 0 for s in ("S", "M"))  # the chosen size's product, not the first
    (purchase,) = shop.catalog.events.Purchased().get_logs(from_block=shop.deploy_block)
    envelope = bytes(purchase.args.orderData)
    assert envelope and purchase.args.productId == pid
    context = OrderContext(int(shop.w3.eth.chain_id), shop.catalog.address, pid, shop.buyer)
    for keys in (seller_keys, buyer_keys):
        details = open_envelope(envelope, keys, context)
        assert (details.name, details.lines, details.city, details.postcode, details.country) == (
            ZOE["Full name"], (ZOE["Address"], ZOE["Address line 2 (optional)"]), ZOE["Town or city"],
            ZOE["Postcode or ZIP"], "GB",
        )  # fmt: skip
        assert (details.email, details.note, details.options) == (
            ZOE["Email"], ZOE["Note to the seller"], {"size": "L"},
        )  # fmt: skip

    # 3. The seller's inbox, open since step 1 and empty then, shows the order as it arrives, decrypted with
    # the key published in step 1 (no new signature). In a new page load that key is gone: locked until the
    # seller signs again.
    arrived = card(seller, pid, 1)
    expect(arrived).to_have_attribute("data-new", "true", timeout=30_000)
    expect(arrived.locator("[data-address='ok']")).to_contain_text("Zoë Müller")
    assert signatures(seller) == 2
    seller.reload()
    settled(seller)
    mine = card(seller, pid, 1)
    expect(mine.locator("[data-address='locked']")).to_be_visible(timeout=30_000)
    assert signatures(seller) == 0
    seller.locator("button[data-action='unlock']").click()
    address = mine.locator("[data-address='ok']")
    lines = ["Zoë Müller", "Flat 3", "12 Rose Street", "N1 9GU London", "GB"]
    expect(address.locator("address > span")).to_have_text(lines)
    expect(address.locator(".ship-options")).to_have_text("Size: L")
    expect(address).to_contain_text("“Ring twice”")
    assert signatures(seller) == 2

    # 4. Shipped with a note, encrypted to the buyer: a raw block on IPFS, named on chain.
    mine.locator("button[data-action='ship']").click()
    mine.get_by_label("Tracking note").fill(SEND_OFF)
    transact(seller, mine.locator("button[data-action='ship-send']").click)
    assert shop.order(pid, 1)[8] == SHIPPED
    note_cid = shipped_note(shop, pid, 1)
    assert note_cid.digest != b"\0" * 32
    blob = shop.kubo.cat(note_cid)
    assert note_cid == Cid.of_block(Codec.RAW, blob) and blob[0] == 1
    for keys in (seller_keys, buyer_keys):
        assert open_note(blob, content_key(envelope, keys, context), context, 1) == SEND_OFF
    assert SEND_OFF.encode() not in blob

    # 5. The buyer's My orders, in a new page load: shipped; her key (two signatures) opens the note.
    buyer.goto(f"{url}#/orders")
    buyer.reload()
    settled(buyer)
    hers = card(buyer, pid, 1)
    expect(hers).to_have_attribute("data-state", str(SHIPPED), timeout=30_000)
    expect(hers.locator(".state")).to_have_text("Shipped")
    assert signatures(buyer) == 0
    hers.locator("button[data-action='show-note']").click()
    text = hers.locator("[data-note='open'] .note-text")
    expect(text).to_be_visible(timeout=30_000)
    assert text.evaluate("e => e.textContent") == SEND_OFF and text.locator("i").count() == 0
    assert signatures(buyer) == 2

    # 6. A third wallet: no card of this order in its views, and the page's own code, with its key, opens
    # neither the address nor the note of the real order (both named, neither shown).
    third = open_page(f"{url}#/orders", account=4)
    connect(third)
    expect(third.locator(".empty")).to_contain_text("No orders yet")
    (chunk,) = (path.name for path in (page_template / "chunks").glob("order-data-*.js"))
    answers = third.evaluate(
        OPEN_ORDER_AND_NOTE,
        [f"{url}chunks/{chunk}", int(shop.w3.eth.chain_id), shop.catalog.address, pid, 1, shop.buyer,
         "0x" + envelope.hex(), "0x" + note_cid.digest.hex(), f"{site.gateway}/ipfs/{note_cid}"],
    )  # fmt: skip
    for answer in answers:
        assert answer.startswith("DecryptionError: this key does not open it"), answers
        assert "Zoë" not in answer and "JX123456789GB" not in answer
    assert signatures(third) == 2
    third.goto(f"{url}#/sell")
    settled(third)
    expect(third.locator("article.order")).to_have_count(0)
    expect(third.locator("#view")).not_to_contain_text("Zoë")


def test_a_profile_with_its_key_is_published(shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any) -> None:
    shop.list_product("Enamel Pin", kind="cap", hue=0.4)
    url = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url)).path_url
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    panel = seller.locator("section.profile-panel")
    expect(panel.locator("[data-key]")).to_have_attribute("data-key", "none")
    expect(panel).to_contain_text("buyers cannot send you a shipping address")
    panel.get_by_label("Shop name").fill("Moonwave Merch")
    panel.get_by_label("Description").fill("Tour merch, shipped from Lisbon.")
    transact(seller, panel.locator("button[data-action='publish-profile']").click)

    logs = shop.catalog.events.ProfileSet().get_logs(from_block=shop.deploy_block)
    assert [log.args.seller for log in logs] == [shop.seller]
    cid = Cid(bytes(logs[-1].args.digest), int(logs[-1].args.codec))
    key = node_keys(shop, shop.seller)
    expected = canonical_json({
        "schema": "ownerless-store/seller@1", "name": "Moonwave Merch",
        "description": "Tour merch, shipped from Lisbon.", "encryptionKey": key.public_hex,
    })  # fmt: skip
    assert shop.kubo.cat(cid) == expected  # byte for byte what the CLI builds, so the same CID
    expect(panel.locator("[data-key]")).to_have_attribute("data-key", "ok")
    expect(panel).to_contain_text("Moonwave Merch (on chain)")
    expect(panel).to_contain_text("Encryption key published")


def test_another_wallet_cannot_read_the_address(shop: Shop, publish: Any, open_page: Any) -> None:
    """Account 4 sells a product whose order carries an address sealed to account 1 (the shop key of another
    wallet) and the buyer: in account 4's inbox it is a clear "cannot decrypt", never the address."""
    other = shop.accounts[4]
    pid = shop.list_product("Tour Poster", kind="poster", seller=other)
    order_no, _ = buy_sealed(shop, pid, shop.accounts[2], ALICE, node_keys(shop, shop.seller).public_key)
    page = open_page(f"{publish().path_url}#/sell", account=4)
    connect(page)
    page.locator("button[data-action='unlock']").click()
    failed = card(page, pid, order_no).locator("[data-address='failed']")
    expect(failed).to_contain_text("Cannot decrypt this address: this key does not open it")
    expect(page.locator("#view")).not_to_contain_text("Alice")
    expect(page.locator("#view")).not_to_contain_text("Lilas")


GPS_MARKER = b"GPS 38.7223N 9.1393W secret studio"


def camera_jpeg(page: Any, path: Path, hue: int) -> Path:
    """A 2400x1600 JPEG drawn by the browser, with an EXIF segment carrying a location, as a phone writes."""
    data = page.evaluate(
        """async (hue) => {
            const c = document.createElement('canvas'); c.width = 2400; c.height = 1600;
            const g = c.getContext('2d');
            for (let i = 0; i < 24; i++) { g.fillStyle = `hsl(${hue + i * 9} 70% ${30 + i * 2}%)`;
              g.fillRect(i * 100, 0, 100, 1600); }
            g.fillStyle = '#fff'; g.font = 'bold 220px sans-serif'; g.fillText('MOONWAVE', 300, 900);
            const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.95));
            return Array.from(new Uint8Array(await blob.arrayBuffer()));
        }""",
        hue,
    )
    jpeg = bytes(data)
    tiff = b"MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00" + GPS_MARKER
    app1 = b"Exif\x00\x00" + tiff
    path.write_bytes(jpeg[:2] + b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1 + jpeg[2:])
    return path


def test_the_artist_lists_a_product_with_two_photos(
    shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any, tmp_path: Path, pinning: ClusterNode
) -> None:
    """…and pins its three CIDs (two photos, the description) on a pinning service from the browser: the
    listing goes on chain once the requests are accepted; each CID ends "pinned" in the page and in the
    cluster's own API; the token is never stored nor put in a URL."""
    url = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url)).path_url
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    panel = seller.locator("section.listing-panel")
    photos = [camera_jpeg(seller, tmp_path / f"IMG_{n}.jpg", hue) for n, hue in ((4031, 200), (4032, 20))]
    assert all(GPS_MARKER in p.read_bytes() for p in photos)
    panel.get_by_label("Title").fill("Tour Hoodie 2026")
    panel.get_by_label("Description").fill("Heavyweight, screen-printed in Lisbon.")
    panel.get_by_label("Photos").set_input_files([str(p) for p in photos])
    expect(panel.locator(".photo-strip figure")).to_have_count(2)
    panel.get_by_label("Price").fill("0.045")
    panel.get_by_label("Stock").fill("12")
    panel.get_by_label("Escrow window (days; 0: paid at once)").fill("14")
    panel.get_by_label("Handling time (days to ship)").fill("3")
    panel.get_by_label("Arbiter (optional)").fill(shop.arbiter)
    panel.get_by_label("Pinning service endpoint").fill(pinning.pinning_url + "/")
    panel.get_by_label("Access token").fill(pinning.token)
    assert panel.get_by_label("Access token").get_attribute("type") == "password"
    panel.scroll_into_view_if_needed()
    screenshot(seller, "listing-1280x800")
    seller.set_viewport_size(PHONE)
    panel.scroll_into_view_if_needed()
    screenshot(seller, "listing-390x844")
    panel.locator(".listing-pinning").scroll_into_view_if_needed()
    screenshot(seller, "listing-pinning-390x844")
    seller.set_viewport_size(LAPTOP)

    started = time.monotonic()
    card = transact(seller, panel.locator("button[data-action='list-product']").click)
    host = urllib.parse.urlsplit(pinning.pinning_url).netloc
    expect(card.locator(".tx-label")).to_have_text([
        "Add 2 photos and the description to IPFS", f"Ask {host} to pin 3 CIDs", "List it on chain",
    ])  # fmt: skip
    expect(panel.locator("[data-listed]")).to_have_attribute("data-listed", "1")
    pins = panel.locator(f"[data-pins='{pinning.pinning_url}'] li")
    expect(pins).to_have_count(3)
    for n in range(3):
        expect(pins.nth(n)).to_have_attribute("data-pin-status", "pinned", timeout=60_000)
    pinned = [str(pins.nth(n).get_attribute("data-pin-cid")) for n in range(3)]
    expect(panel.locator("[data-pins] > p").first).to_have_text(f"Pinning on {pinning.pinning_url}: 3 of 3 pinned")
    panel.locator("[data-pins]").scroll_into_view_if_needed()
    screenshot(seller, "listing-pins-1280x800")
    seller.set_viewport_size(PHONE)
    panel.locator("[data-pins]").scroll_into_view_if_needed()
    screenshot(seller, "listing-pins-390x844")
    seller.set_viewport_size(LAPTOP)
    stored = seller.evaluate("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})")
    assert pinning.token not in stored and pinning.token not in seller.url
    seller.goto(f"{url}#/")
    card = seller.locator("a.card[data-product='1']")
    expect(card).to_contain_text("Tour Hoodie 2026")
    expect(card.locator(".media.loaded")).to_have_count(1)
    list_product_s = time.monotonic() - started
    print(f"list_product_s {list_product_s:.2f}")

    (pid, seller_of, currency, price, stock, handling, escrow, arbiter, *_, digest, codec, listed) = shop.product(1)
    assert (pid, seller_of, currency, price, stock) == (1, shop.seller, "0x" + "00" * 20, 45 * 10**15, 12)
    assert (handling, escrow, arbiter, listed) == (3 * DAY, 14 * DAY, shop.arbiter, True)
    document = Cid(bytes(digest), int(codec))
    assert document.codec == Codec.RAW
    metadata = parse_product_metadata(document, shop.kubo.cat(document))
    assert (metadata.name, metadata.description) == ("Tour Hoodie 2026", "Heavyweight, screen-printed in Lisbon.")
    assert len(metadata.images) == 2
    for image in metadata.images:
        data = shop.kubo.cat(image)
        assert data[:2] == b"\xff\xd8" and len(data) <= 256 * 1024  # a JPEG, one raw block
        assert GPS_MARKER not in data and b"Exif" not in data  # re-encoded: the location is gone
        assert str(Cid.of_block(Codec.RAW, data)) == image  # the CID `dapp cid` gives a file of one block
    # The cluster, asked through its own API, has pinned exactly the listing's CIDs.
    assert sorted(pinned) == sorted([*metadata.images, str(document)])
    service = PinningService(pinning.pinning_url, pinning.token)
    for cid in pinned:
        assert [status.status for status in service.find(cid)] == ["pinned"]

    # Edit: delist it (the page asks first; the wallet only after the seller agreed)
    seller.goto(f"{url}#/sell")
    row = seller.locator("article.seller-product[data-product='1']")
    seller.once("dialog", lambda dialog: dialog.accept())
    transact(seller, row.locator("button[data-action='delist']").click)
    assert shop.product(1)[14] is False
    expect(row.locator(".stock.off")).to_have_text("Delisted")


def test_the_artist_lists_a_group_of_sizes_with_two_photos(
    shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any, tmp_path: Path
) -> None:
    """MERCH-SPEC §1 from the page: one document per size (the bytes `dapp list-product --option` builds), the
    photos shared, one listProduct per size with its own stock; the catalog shows one card, the picker three.
    Then, on the same chain, a group of two options (2 sizes x 2 colours): four products, each its own stock
    and document; a buyer picks the colour, then the size, and buys exactly that product."""
    title, description, sizes, stocks = "Tour Tee 2026, black", "Organic cotton.", ["S", "M", "L"], [2, 7, 0]
    url = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url)).path_url
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    panel = seller.locator("section.listing-panel")
    photos = [camera_jpeg(seller, tmp_path / f"IMG_{n}.jpg", hue) for n, hue in ((5001, 120), (5002, 300))]
    panel.get_by_label("Title").fill(title)
    panel.get_by_label("Description").fill(description)
    panel.get_by_label("Photos").set_input_files([str(p) for p in photos])
    expect(panel.locator(".photo-strip figure")).to_have_count(2)
    panel.get_by_label("Price").fill("0.02")
    panel.get_by_label("Escrow window (days; 0: paid at once)").fill("14")
    panel.get_by_label("Option", exact=True).fill("size")
    panel.get_by_label("Values (comma-separated)").fill("S, M, L")
    expect(panel.get_by_label("Stock", exact=True)).to_have_count(0)  # one stock per size instead
    for size, stock in zip(sizes, stocks, strict=True):
        panel.get_by_label(f"Stock of {size}", exact=True).fill(str(stock))
    panel.locator(".listing-options").scroll_into_view_if_needed()
    screenshot(seller, "listing-options-1280x800")
    seller.set_viewport_size(PHONE)
    panel.locator(".listing-options").scroll_into_view_if_needed()
    screenshot(seller, "listing-options-390x844")
    seller.set_viewport_size(LAPTOP)

    card = transact(seller, panel.locator("button[data-action='list-product']").click)
    expect(card.locator(".tx-steps li[data-state='done']")).to_have_count(4)  # the upload, then one listing per size
    expect(card.locator(".tx-label")).to_have_text([
        "Add 2 photos and 3 descriptions (one per size) to IPFS",
        "List S (1 of 3) on chain", "List M (2 of 3) on chain", "List L (3 of 3) on chain",
    ])  # fmt: skip
    expect(panel.locator("[data-listed]")).to_have_attribute("data-listed", "1")
    expect(panel.locator("[data-listed]")).to_have_attribute("data-listed-count", "3")
    expect(panel.locator("[data-problem='listing']")).to_have_text("")

    # Each size its own product and stock; its document the bytes the CLI's builder makes of the same inputs.
    images: tuple[str, ...] = ()
    for pid, (size, stock) in enumerate(zip(sizes, stocks, strict=True), start=1):
        (_, seller_of, _, price, on_chain_stock, *_, digest, codec, listed) = shop.product(pid)
        assert (seller_of, price, on_chain_stock, listed) == (shop.seller, 2 * 10**16, stock, True)
        document = Cid(bytes(digest), int(codec))
        metadata = parse_product_metadata(document, shop.kubo.cat(document))
        images = images or metadata.images
        assert metadata.images == images and len(images) == 2  # the photos are shared
        variant = make_variant("tour-tee-2026-black", {"size": size}, {"size": sizes})
        assert metadata.variant == variant
        assert str(build_product_metadata(title, description, list(images), variant)[1]) == str(document)
    for image in images:
        data = shop.kubo.cat(image)
        assert data[:2] == b"\xff\xd8" and GPS_MARKER not in data and b"Exif" not in data
        assert str(Cid.of_block(Codec.RAW, data)) == image

    # One card for the group; the product page's picker shows the three sizes with their stock.
    seller.goto(f"{url}#/")
    expect(seller.locator("a.card")).to_have_count(1)
    group_card = seller.locator("a.card[data-product='1']")
    expect(group_card).to_have_attribute("data-group", "1 2 3")
    expect(group_card.locator(".card-options")).to_have_text("Size: S, M, L")
    expect(group_card.locator(".media.loaded")).to_have_count(1)
    group_card.click()
    picker = seller.locator(".option[data-option='size']")
    expect(picker.locator(".choice")).to_have_count(3)
    expect(picker.locator("legend")).to_have_text("Size: S")
    expect(picker.locator(".option-stock")).to_have_text("Only 2 left in S")
    expect(picker.locator(".choice[data-value='M']")).to_have_attribute("data-state", "ok")
    expect(picker.locator(".choice[data-value='L']")).to_contain_text("sold out")
    picker.locator(".choice[data-value='M']").click()
    expect(seller).to_have_url(f"{url}#/product/2")
    expect(seller.locator(".buybox .stock")).to_have_text("7 in stock")

    list_two_options(shop, seller, open_page, url, photos[0], first=4)


def list_two_options(shop: Shop, seller: Any, open_page: Any, url: str, photo: Path, first: int) -> None:
    """Two options from the form (size, then colour): one product per combination, the first option varying
    slowest as in `dapp list-product`, listed as products `first`.. on the seller's open page; then a buyer
    picks the colour, then the size, and buys exactly that combination."""
    title, sizes, colours = "Tour Hoodie 2026", ["S", "M"], ["Black", "Off white"]
    combos = [(size, colour) for size in sizes for colour in colours]
    stocks = {("S", "Black"): 1, ("S", "Off white"): 4, ("M", "Black"): 0, ("M", "Off white"): 6}
    seller.goto(f"{url}#/sell")
    seller.locator(".tx-card .tx-close").click()  # the first group's card, out of the screenshots
    expect(seller.locator(".tx-card")).to_have_count(0)
    panel = seller.locator("section.listing-panel")
    panel.get_by_label("Title").fill(title)
    panel.get_by_label("Photos").set_input_files(str(photo))
    expect(panel.locator(".photo-strip figure")).to_have_count(1)
    panel.get_by_label("Price").fill("0.03")
    panel.get_by_label("Option", exact=True).fill("size")
    panel.get_by_label("Values (comma-separated)").fill("S, M")
    panel.locator("button[data-action='add-option']").click()
    panel.get_by_label("Option 2", exact=True).fill("colour")
    panel.get_by_label("Values of option 2").fill("Black, Off white")
    expect(panel.locator("[data-combinations]")).to_have_text(
        "4 products, one per combination of size and colour, each with its own stock. "
        "A stock of 0 lists it as sold out (you can raise it later); an empty stock is refused."
    )
    expect(panel.locator(".option-stocks label")).to_have_text([f"Stock of {s}/{c}" for s, c in combos])
    for (size, colour), stock in stocks.items():
        panel.get_by_label(f"Stock of {size}/{colour}", exact=True).fill(str(stock))
    panel.locator(".listing-options").scroll_into_view_if_needed()
    screenshot(seller, "listing-two-options-1280x800")
    seller.set_viewport_size(PHONE)
    panel.locator(".listing-options").scroll_into_view_if_needed()
    screenshot(seller, "listing-two-options-390x844")
    seller.set_viewport_size(LAPTOP)

    card = transact(seller, panel.locator("button[data-action='list-product']").click)
    expect(card.locator(".tx-label")).to_have_text([
        "Add 1 photo and 4 descriptions (one per combination of size and colour) to IPFS",
        *[f"List {s}/{c} ({i} of 4) on chain" for i, (s, c) in enumerate(combos, start=1)],
    ])  # fmt: skip
    expect(panel.locator("[data-listed]")).to_have_attribute("data-listed", str(first))
    expect(panel.locator("[data-listed]")).to_have_attribute("data-listed-count", "4")
    assert shop.catalog.functions.productCount().call() == first + 3

    # Each combination its own product and stock; its document's variant as the CLI builds it, byte for byte.
    ids = {}
    for pid, (size, colour) in enumerate(combos, start=first):
        (_, seller_of, _, price, on_chain_stock, *_, digest, codec, listed) = shop.product(pid)
        assert (seller_of, price, on_chain_stock, listed) == (shop.seller, 3 * 10**16, stocks[size, colour], True)
        document = Cid(bytes(digest), int(codec))
        metadata = parse_product_metadata(document, shop.kubo.cat(document))
        variant = make_variant("tour-hoodie-2026", {"size": size, "colour": colour}, {"size": sizes, "colour": colours})
        assert metadata.variant == variant
        assert str(build_product_metadata(title, "", list(metadata.images), variant)[1]) == str(document)
        ids[size, colour] = pid

    # A buyer: one card for the four; on the product page a row per option (colour first: the documents'
    # keys are sorted), the colour picked, then the size; Buy buys that combination's product.
    page = open_page(f"{url}#/", account=2)
    group_card = page.locator(f"a.card[data-product='{first}']")
    expect(group_card).to_have_attribute("data-group", " ".join(str(ids[c]) for c in combos))
    expect(group_card.locator(".card-options")).to_have_text("Colour: Black, Off white · Size: S, M")
    group_card.click()
    expect(page).to_have_url(f"{url}#/product/{ids['S', 'Black']}")
    rows = page.locator(".options .option")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-option", "colour")
    colour, size = page.locator(".option[data-option='colour']"), page.locator(".option[data-option='size']")
    expect(colour.locator("legend")).to_have_text("Colour: Black")
    expect(size.locator("legend")).to_have_text("Size: S")
    expect(size.locator(".choice[data-value='M']")).to_contain_text("sold out")  # M/Black: stock 0
    colour.locator(".choice[data-value='Off white']").click()
    expect(page).to_have_url(f"{url}#/product/{ids['S', 'Off white']}")
    expect(colour.locator("legend")).to_have_text("Colour: Off white")
    expect(size.locator(".choice[data-value='M']")).to_have_attribute("data-state", "ok")
    size.locator(".choice[data-value='M']").click()
    expect(page).to_have_url(f"{url}#/product/{ids['M', 'Off white']}")
    expect(page.locator("article.product")).to_have_attribute("data-product", str(ids["M", "Off white"]))
    expect(size.locator("legend")).to_have_text("Size: M")
    expect(page.locator(".buybox .stock")).to_have_text("6 in stock")
    expect(page.locator(".gallery .media.loaded")).to_be_visible()
    screenshot(page, "option-picker-two-options-1280x800")
    page.set_viewport_size(PHONE)
    page.locator(".options").scroll_into_view_if_needed()
    screenshot(page, "option-picker-two-options-390x844")
    page.set_viewport_size(LAPTOP)
    connect(page)
    transact(page, page.get_by_role("button", name="Buy now").click)
    bought = ids["M", "Off white"]
    assert (shop.product(bought)[4], shop.product(bought)[8]) == (5, 1)  # one sold, one order: this product's
    assert all(shop.product(pid)[8] == 0 for pid in ids.values() if pid != bought)


def test_a_group_stopped_midway_names_what_was_listed(
    shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any
) -> None:
    """The wallet sends the first size's listing and refuses the second: the form says which sizes are listed
    and which are not; the chain has exactly the first."""
    url = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url)).path_url
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    panel = seller.locator("section.listing-panel")
    panel.get_by_label("Title").fill("Tour Cap")
    panel.get_by_label("Price").fill("0.01")
    panel.get_by_label("Option", exact=True).fill("size")
    panel.get_by_label("Values (comma-separated)").fill("S, M, L")
    seller.evaluate("window.__testWallet.rejectAfterSends = 1")
    panel.locator("button[data-action='list-product']").click()
    card = seller.locator(".tx-card").last
    expect(card).to_have_attribute("data-status", "rejected")
    expect(panel.locator("[data-problem='listing']")).to_have_text(
        "Listed S of “Tour Cap” (1 of 3); not listed: M, L. "
        "The listed ones are in the catalog; delist them below to start the group again."
    )
    expect(panel.locator("[data-progress]")).to_have_count(0)
    assert shop.catalog.functions.productCount().call() == 1
    (*_, digest, codec, _listed) = shop.product(1)
    document = Cid(bytes(digest), int(codec))
    metadata = parse_product_metadata(document, shop.kubo.cat(document))
    assert metadata.variant == make_variant("tour-cap", {"size": "S"}, {"size": ["S", "M", "L"]})


def document_of(shop: Shop, product_id: int) -> Any:
    """The product's document on chain, fetched from Kubo and parsed (verified against its CID)."""
    (*_, digest, codec, _listed) = shop.product(product_id)
    cid = Cid(bytes(digest), int(codec))
    return parse_product_metadata(cid, shop.kubo.cat(cid))


def show(element: Any) -> None:
    """Scroll `element`'s top to just under the page's sticky header (for a screenshot)."""
    element.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 80)")


def test_the_artist_edits_a_products_description_and_replaces_its_photo(
    shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any, tmp_path: Path
) -> None:
    """Issue 17 §3, edit: the form starts from the verified document on chain; a new title and description and
    a photo replaced (prepared as the listing form prepares it) go to IPFS, then one setMetadata: the digest
    changes and the terms version goes up. A buyer whose page still had the old terms is refused by the
    contract in words and shown the new description; the catalog card shows the new title and photo."""
    title, description = "Tour Poster 2026", "A2, matte paper."
    pid = shop.list_product(title, description=description, kind="poster", hue=0.7, escrow=0)
    before = shop.product(pid)
    old = document_of(shop, pid)
    url = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url)).path_url
    buyer = open_page(f"{url}#/product/{pid}", account=2)
    expect(buyer.locator("article.product h1")).to_have_text(title)
    connect(buyer)

    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    row = seller.locator(f"article.seller-product[data-product='{pid}']")
    row.locator("button[data-action='edit-document']").click()
    form = row.locator("section.edit-document")
    expect(form.get_by_label("Title")).to_have_value(title)
    expect(form.get_by_label("Description")).to_have_value(description)
    expect(form.locator(".photo-strip figure")).to_have_count(1)
    expect(form.locator(".photo-strip figure")).to_have_attribute("data-cid", old.images[0])
    expect(form.locator(".terms-note")).to_have_text(
        "Saving changes the product's terms version: buyers with the product page open will be asked to reload "
        "before they can buy (nothing is charged); open orders keep the terms they bought under."
    )
    new_title, new_description = "Tour Poster 2026, signed", "A2, matte paper.\nSigned and numbered by the band."
    form.get_by_label("Title").fill(new_title)
    form.get_by_label("Description").fill(new_description)
    form.get_by_label("Photos").set_input_files(str(camera_jpeg(seller, tmp_path / "IMG_6001.jpg", 40)))
    expect(form.locator(".photo-strip figure")).to_have_count(2)
    show(row)
    screenshot(seller, "edit-product-1280x800")
    seller.set_viewport_size(PHONE)
    assert seller.evaluate("document.documentElement.scrollWidth") == PHONE["width"]  # nothing wider than a phone
    show(form)
    screenshot(seller, "edit-product-390x844")
    seller.set_viewport_size(LAPTOP)
    figures = form.locator(".photo-strip figure")
    form.get_by_label("Move photo 2 earlier").click()  # the new photo first (the card's), then the old one gone
    expect(figures.first).to_have_attribute("data-new", "true")
    form.get_by_label("Remove photo 2").click()
    expect(figures).to_have_count(1)
    expect(figures).to_have_attribute("data-new", "true")

    card = transact(seller, form.locator("button[data-action='save-document']").click)
    expect(card.locator(".tx-label")).to_have_text(["Add 1 photo and the description to IPFS", "Update it on chain"])
    expect(row.locator("[data-edited]")).to_have_text("Saved: the new description is on chain.")
    expect(row.locator("section.edit-document")).to_have_count(0)
    expect(row.locator(".name")).to_have_text(new_title)

    # On chain: a new digest, the terms version bumped, nothing else changed; the document the CLI would build.
    after = shop.product(pid)
    assert after[-3] != before[-3] and after[-2] == 0
    assert (before[9], after[9]) == (0, 1)
    assert after[:9] == before[:9] and after[-1] is True
    new = document_of(shop, pid)
    assert (new.name, new.description, new.variant) == (new_title, new_description, None)
    assert len(new.images) == 1 and new.images != old.images
    assert str(build_product_metadata(new_title, new_description, list(new.images))[1]) == str(new.cid)
    photo = shop.kubo.cat(new.images[0])
    assert photo[:2] == b"\xff\xd8" and GPS_MARKER not in photo and b"Exif" not in photo

    # The buyer's page still shows the old terms: the purchase is refused in words, nothing is charged, and
    # the page shows the new description.
    buyer.get_by_role("button", name="Buy now").click()
    refused = buyer.locator(".tx-card").last
    expect(refused).to_have_attribute("data-status", "reverted")
    expect(refused).to_have_attribute("data-error", "CatalogTermsChanged")
    expect(refused.locator(".tx-message")).to_have_text(
        "The seller changed this listing since you opened this page. Nothing was charged: read the listing again "
        "before buying."
    )
    expect(buyer.locator("article.product h1")).to_have_text(new_title)
    expect(buyer.locator(".description .prose")).to_have_text(new_description)
    expect(buyer.locator(f".gallery img[src*='{new.images[0]}']")).to_be_visible()
    assert shop.product(pid)[8] == 0  # no order
    transact(buyer, buyer.get_by_role("button", name="Buy now").click)  # under the new terms it goes through
    assert shop.order(pid, 1)[8] == 4  # paid directly: completed

    seller.goto(f"{url}#/")
    catalog_card = seller.locator(f"a.card[data-product='{pid}']")
    expect(catalog_card).to_contain_text(new_title)
    expect(catalog_card.locator(f"img[src*='{new.images[0]}']")).to_have_count(1)


def test_editing_a_product_of_a_group_edits_the_group(
    shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any
) -> None:
    """MERCH-SPEC §1: the group's card shows its first product's title and photos, so the form edits every
    listed product of the group, one setMetadata each, each keeping its own size; a delisted one is left as it
    is. Saving again with nothing changed sends nothing."""
    sizes = ["S", "M", "L"]
    ids = []
    for size in sizes:
        variant = {"group": "tour-tee", "options": {"size": size}, "choices": {"size": sizes}}
        ids.append(shop.list_product("Tour Tee", document=shop.variant_document("Tour Tee", variant, hue=0.3)))
    shop.send(shop.catalog.functions.delist(ids[2]), shop.seller)
    images = document_of(shop, ids[0]).images
    url = publish(shop.page_config(ipfs_api=kubo_daemon.info.api_url)).path_url
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    row = seller.locator(f"article.seller-product[data-product='{ids[1]}']")
    expect(
        seller.locator(f"article.seller-product[data-product='{ids[2]}'] [data-action='edit-document']")
    ).to_have_count(0)
    row.locator("button[data-action='edit-document']").click()
    form = row.locator("section.edit-document")
    expect(form).to_have_attribute("data-targets", f"{ids[0]} {ids[1]}")
    expect(form.locator("[data-group-edit]")).to_have_text(
        "This edits all 2 products of the group (S, M), one transaction each; each keeps its own size, price and "
        "stock. Delisted ones (L) are left as they are."
    )
    expect(form.get_by_label("Title")).to_have_value("Tour Tee")
    show(row)
    screenshot(seller, "edit-group-1280x800")
    form.get_by_label("Description").fill("Organic cotton, printed in Lisbon.")
    card = transact(seller, form.locator("button[data-action='save-document']").click)
    expect(card.locator(".tx-label")).to_have_text(
        ["Add 2 descriptions to IPFS", "Update S (1 of 2) on chain", "Update M (2 of 2) on chain"]
    )
    expect(row.locator("[data-edited]")).to_have_text("Saved: the new description of S and M is on chain.")
    for pid, size in zip(ids, sizes, strict=True):
        document = document_of(shop, pid)
        assert document.variant == make_variant("tour-tee", {"size": size}, {"size": sizes})
        assert document.images == images
        edited = size != "L"
        assert document.description == ("Organic cotton, printed in Lisbon." if edited else "")
        assert shop.product(pid)[9] == int(edited)  # the terms version

    # Nothing changed since: said, and nothing sent.
    blocks = shop.w3.eth.block_number
    row.locator("button[data-action='edit-document']").click()
    expect(form.get_by_label("Description")).to_have_value("Organic cotton, printed in Lisbon.")
    form.locator("button[data-action='save-document']").click()
    expect(form.locator("[data-problem='edit']")).to_have_text(
        "Nothing changed: this title, description and these photos are already on chain. Nothing was sent."
    )
    assert shop.w3.eth.block_number == blocks


def test_on_the_demo_the_inbox_reads_the_seeded_addresses_and_a_product_is_listed(tmp_path: Path, browser: Any) -> None:
    """`dapp up` as a newcomer runs it: the sample seller's inbox decrypts the seeded orders' addresses, and a
    product listed from the page (through the demo's own Kubo API) appears in the catalog; the time from the
    click on List to its card, picture included, is list_product_s."""
    with Up(Cli(tmp_path)) as up:
        url, rpc = up.field("open"), up.text.split("RPC URL ")[1].split(",")[0]
        accounts = Web3(Web3.HTTPProvider(rpc)).eth.accounts
        context = browser.new_context(viewport=LAPTOP, device_scale_factor=1)
        wallet = {"account": accounts[1], "rpcUrl": rpc, "anvilChainId": 31337, "chainId": 31337, "announce": True}
        context.add_init_script(WALLET_JS.replace("__WALLET_CONFIG__", json.dumps(wallet)))
        seller = context.new_page()
        seller.set_default_timeout(20_000)
        seller.goto(f"{url}#/sell")
        connect(seller)
        seller.locator("button[data-action='unlock']").click()
        addresses = seller.locator("[data-address='ok']")
        # The demo's Alice has two paid orders with her address: the T-shirt in L (its size shown) and a
        # product sold without sizes.
        alice = addresses.filter(has_text="Alice Moreau")
        expect(alice).to_have_count(2)
        expect(alice.filter(has_text="Size: L")).to_have_count(1)
        expect(addresses.filter(has_text="Bob Tanaka").filter(has_text="Size: S")).to_contain_text("105-0011 Tokyo")

        panel = seller.locator("section.listing-panel")
        panel.get_by_label("Title").fill("Tour Cap 2026")
        panel.get_by_label("Photos").set_input_files(str(camera_jpeg(seller, tmp_path / "IMG_5001.jpg", 120)))
        expect(panel.locator(".photo-strip figure")).to_have_count(1)
        panel.get_by_label("Price").fill("0.015")
        started = time.monotonic()
        transact(seller, panel.locator("button[data-action='list-product']").click)
        listed = panel.locator("[data-listed]").get_attribute("data-listed")
        seller.goto(f"{url}#/")
        card = seller.locator(f"a.card[data-product='{listed}']")
        expect(card).to_contain_text("Tour Cap 2026")
        expect(card.locator(".media.loaded")).to_have_count(1)
        print(f"list_product_s (demo) {time.monotonic() - started:.2f}")
        context.close()
        assert up.interrupt() == 0
