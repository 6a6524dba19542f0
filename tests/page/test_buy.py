"""Buying: in ETH, in Test USD with permit, and what goes wrong (a price change, a rejection in the wallet,
the wallet on another chain). Every flow asserts the chain afterwards."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.page.conftest import DAY, LAPTOP, PHONE, ZERO, Shop, screenshot

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]

PAID, COMPLETED = 1, 4


def connect(page: Any) -> None:
    page.locator("#wallet-slot").get_by_role("button", name="Connect wallet").click()
    page.get_by_role("button", name="Test Wallet").click()
    expect(page.locator(".wallet-chip")).to_be_visible()
    settled(page)


def settled(page: Any) -> None:
    """Wait until the view finished re-reading the chain (connecting re-renders it)."""
    expect(page.locator("body[data-busy]")).to_have_count(0)


def last_tx(page: Any) -> Any:
    return page.locator(".tx-card").last


def transact(page: Any, start: Callable[[], None]) -> Any:
    """Start a transaction from the page and wait for its own card (not an earlier one) to confirm, then
    for the view to finish re-reading the chain, so the next step acts on the settled page."""
    cards = page.locator(".tx-card")
    before = cards.count()
    start()
    expect(cards).to_have_count(before + 1)
    card = cards.last
    expect(card).to_have_attribute("data-status", "confirmed")
    settled(page)
    return card


def test_deep_linked_product_shows_terms_and_protection(shop: Shop, publish: Any, open_page: Any) -> None:
    shop.list_product("Decoy", kind="cap", hue=0.3)
    pid = shop.list_product(
        "Tour T-shirt 2026",
        description="Heavy black cotton.\nScreen-printed tour dates on the back.",
        price=25_000_000,
        token=True,
        handling=2 * DAY,
        escrow=14 * DAY,
        arbiter=shop.arbiter,
        hue=0.02,
    )
    page = open_page(f"{publish().path_url}#/product/{pid}", account=None)
    product = page.locator("article.product")
    expect(product.locator("h1")).to_have_text("Tour T-shirt 2026")
    expect(product.locator(".price.big")).to_have_text("25.00 tUSD")
    protection = product.locator(".protection")
    expect(protection).to_contain_text("ships within 2 days. From then on it can no longer ship")
    expect(protection).to_contain_text("you and the seller can settle by agreement")
    expect(protection).to_contain_text("14 days to confirm receipt or open a dispute")
    expect(protection).to_contain_text("Disputes are decided by 0x90F7…b906")
    description = page.locator(".description .prose")
    expect(description).to_have_text("Heavy black cotton.\nScreen-printed tour dates on the back.")
    expect(page.locator(".gallery .media.loaded")).to_be_visible()
    screenshot(page, "product-1280x800")
    page.set_viewport_size(PHONE)
    screenshot(page, "product-390x844")

    plain = shop.list_product("Sticker", escrow=0, hue=0.5)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{publish().path_url}#/product/{plain}")
    expect(page.locator(".protection")).to_contain_text("no escrow")
    no_arbiter = shop.list_product("Patch", hue=0.6)
    page.goto(f"{publish().path_url}#/product/{no_arbiter}")
    expect(page.locator(".protection")).to_contain_text(
        "No arbiter: a disputed order stays frozen until the seller refunds you, you withdraw the dispute, or you "
        "both agree on a settlement."
    )


def test_buy_in_eth(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Logo Hoodie", price=3 * 10**16, stock=5)
    page = open_page(f"{publish().subdomain_url}#/product/{pid}")
    connect(page)
    page.get_by_label("Quantity").fill("2")
    expect(page.locator(".buybox .total")).to_have_text("Total 0.06 ETH")
    transact(page, page.get_by_role("button", name="Buy now").click)
    order = shop.order(pid, 1)
    assert (order[2], order[4], order[6], order[8]) == (shop.buyer, 2, 6 * 10**16, PAID)
    assert shop.product(pid)[4] == 3  # stock
    expect(page.locator(".buybox .stock")).to_have_text("Only 3 left")  # the page re-read the chain


def test_buy_in_test_usd_with_permit(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Signed Poster", price=12_500_000, token=True, escrow=0)
    before = shop.token.functions.balanceOf(shop.buyer).call()
    page = open_page(f"{publish().path_url}#/product/{pid}")
    connect(page)
    card = transact(page, page.get_by_role("button", name="Buy now").click)
    expect(card.locator("li")).to_have_count(2)
    expect(card.locator("li").first).to_contain_text("Sign a permit for 12.50 tUSD")
    requests = page.evaluate("window.__testWallet.requests")
    assert "eth_signTypedData_v4" in requests
    assert shop.token.functions.balanceOf(shop.buyer).call() == before - 12_500_000
    assert shop.token.functions.allowance(shop.buyer, shop.catalog.address).call() == 0  # no approve left over
    order = shop.order(pid, 1)
    assert (order[2], order[3], order[8]) == (shop.buyer, shop.token.address, COMPLETED)
    assert shop.catalog.functions.withdrawable(shop.seller, shop.token.address).call() == 12_500_000


def test_price_change_between_view_and_buy_reverts_readably(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Enamel Mug", price=2 * 10**16, hue=0.12, kind="mug")
    url = f"{publish().path_url}#/product/{pid}"
    for name, viewport in (("1280x800", LAPTOP), ("390x844", PHONE)):
        page = open_page(url, viewport=viewport)
        expect(page.locator(".price.big")).to_have_text("0.02 ETH")
        connect(page)
        shop.send(shop.catalog.functions.setPrice(pid, 3 * 10**16), shop.seller)
        page.get_by_role("button", name="Buy now").click()
        card = last_tx(page)
        expect(card).to_have_attribute("data-status", "reverted")
        expect(card).to_have_attribute("data-error", "CatalogPriceChanged")
        expect(card.locator(".tx-message")).to_contain_text("The price changed from 0.02 ETH to 0.03 ETH")
        expect(page.locator(".price.big")).to_have_text("0.03 ETH")  # the page shows the new price
        expect(page.locator(".gallery .media.loaded")).to_be_visible()
        screenshot(page, f"reverted-purchase-{name}")
        page.context.close()
        shop.send(shop.catalog.functions.setPrice(pid, 2 * 10**16), shop.seller)
    assert shop.product(pid)[8] == 0  # no order was placed


def test_rejection_in_the_wallet_is_calm(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Canvas Tote", kind="tote")
    page = open_page(f"{publish().path_url}#/product/{pid}")
    connect(page)
    page.evaluate("window.__testWallet.rejectNext = true")
    page.get_by_role("button", name="Buy now").click()
    card = last_tx(page)
    expect(card).to_have_attribute("data-status", "rejected")
    expect(card.locator(".tx-message")).to_have_text("You declined in your wallet. Nothing was sent.")
    assert shop.product(pid)[8] == 0


def test_wrong_chain_is_switched_and_added(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Dad Cap", kind="cap")
    # The wallet starts on mainnet and has never heard of the local chain: the page adds it, then buys.
    page = open_page(f"{publish().path_url}#/product/{pid}", chainId=1)
    page.evaluate("window.__testWallet.knownChains.delete(31337)")
    connect(page)
    banner = page.locator(".banner[data-kind='chain']")
    expect(banner).to_contain_text("Your wallet is on another network")
    expect(banner).to_contain_text("It is on chain 1")
    transact(page, page.get_by_role("button", name="Buy now").click)
    added = page.evaluate("window.__testWallet.added")
    assert int(added["chainId"], 16) == 31337 and added["rpcUrls"] == [shop.node.url]
    expect(banner).to_have_count(0)
    assert shop.order(pid, 1)[2] == shop.buyer


def test_no_wallet_at_all(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Logo Hoodie", kind="hoodie")
    page = open_page(f"{publish().path_url}#/product/{pid}", account=None)
    expect(page.locator("article.product h1")).to_have_text("Logo Hoodie")
    page.get_by_role("button", name="Buy now").click()
    dialog = page.locator("#wallet-dialog")
    expect(dialog).to_contain_text("No browser wallet found")
    expect(dialog).to_contain_text("Burner wallet")  # offered on a local chain
    page.keyboard.press("Escape")
    page.goto(f"{publish().path_url}#/orders")
    expect(page.locator(".empty h2")).to_have_text("Connect a wallet to see your orders")
    assert shop.product(pid)[8] == 0
    assert ZERO  # (imported for other tests)


def test_a_seller_is_not_offered_buy_on_its_own_product(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Logo Hoodie", kind="hoodie")
    page = open_page(f"{publish().path_url}#/product/{pid}", account=1)
    connect(page)
    expect(page.locator(".buybox .own-product")).to_have_text(
        "This is your product: sellers cannot buy their own products."
    )
    expect(page.get_by_role("button", name="Buy now")).to_have_count(0)
    expect(page.locator(".protection li[data-rule='ship']")).to_contain_text("From then on it can no longer ship")
    expect(page.locator(".protection li[data-rule='settle']")).to_contain_text("settle by agreement")
    assert shop.product(pid)[8] == 0


# In a page of the shop: open an order's details with this wallet's key (personal_sign through the test
# wallet), under the real order's context (its buyer, product, Catalog and chain).
OPEN_WITH_MY_KEY = """async ([url, chainId, catalog, productId, buyer, orderData]) => {
    let provider;
    window.addEventListener('eip6963:announceProvider', (e) => { provider = e.detail.provider; });
    window.dispatchEvent(new Event('eip6963:requestProvider'));
    const me = window.__testWallet.account;
    const bytes = (text) => [...new TextEncoder().encode(text)];
    const hex = (text) => '0x' + bytes(text).map((b) => b.toString(16).padStart(2, '0')).join('');
    const sign = (m) => provider.request({ method: 'personal_sign', params: [hex(m), me] });
    const kit = await import(url);
    try {
        const shop = { config: { chainId, address: catalog } };
        await kit.openMyOrderData(shop, { account: buyer, signMessage: sign }, BigInt(productId), orderData);
        return 'opened';
    } catch (error) {
        return `${error.name}: ${error.message}`;
    }
}"""


def top_of(element: Any) -> None:
    """Scroll so that `element` starts just below the sticky top bar (for a screenshot of it)."""
    element.evaluate(
        "(e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY"
        " - document.querySelector('header.topbar').getBoundingClientRect().height - 16)"
    )


TEE = {"group": "tour-tee-2026", "choices": {"size": ["S", "M", "L", "XL"]}}


def test_checkout_with_a_private_address_and_a_size(
    shop: Shop, publish: Any, open_page: Any, page_template: Any
) -> None:
    """Issue 17: the buyer picks a size, fills the address, signs for its key and pays; the order's orderData
    opens in Python (dapp.shipping) to exactly that address and size, for the seller and for the buyer; the
    buyer reads it back on its order card; another wallet's key does not open it."""
    from dapp.shipping import OrderContext, open_envelope

    seller_keys = shop.shipping_keys(shop.seller)
    shop.set_profile("Night Owls", encryption_key=seller_keys.public_key)
    ids = {}
    for size, stock in (("S", 5), ("M", 2), ("L", 0), ("XL", 7)):
        variant = {**TEE, "options": {"size": size}}
        document = shop.variant_document("Tour T-shirt 2026", variant, hue=0.02)
        ids[size] = shop.list_product("Tour T-shirt 2026", price=25 * 10**15, stock=stock, document=document)
    lone = shop.list_product("Enamel Mug", kind="mug", hue=0.12)
    site = publish()

    # One card for the group; the picker on the product page.
    page = open_page(site.path_url)
    expect(page.locator(".card")).to_have_count(2)
    card = page.locator(f".card[data-product='{ids['S']}']")
    expect(card).to_have_attribute("data-group", " ".join(str(ids[s]) for s in ("S", "M", "L", "XL")))
    expect(card.locator(".card-options")).to_have_text("Size: S, M, L, XL")
    expect(page.locator(f".card[data-product='{lone}']")).to_be_visible()
    card.click()
    picker = page.locator(".option[data-option='size']")
    expect(picker.locator("legend")).to_have_text("Size: S")
    expect(picker.locator(".option-stock")).to_have_text("Only 2 left in M")
    expect(picker.locator(".choice[data-value='L']")).to_contain_text("sold out")
    picker.locator(".choice[data-value='M']").click()
    expect(page).to_have_url(f"{site.path_url}#/product/{ids['M']}")
    expect(picker.locator("legend")).to_have_text("Size: M")
    expect(page.locator(".buybox .stock")).to_have_text("Only 2 left")
    expect(page.locator(".gallery .media.loaded")).to_be_visible()
    screenshot(page, "option-picker-1280x800")
    page.set_viewport_size(PHONE)
    screenshot(page, "option-picker-390x844")
    page.set_viewport_size(LAPTOP)

    # Checkout: the form first, with a message next to each missing field. Its code (checks, keys,
    # encryption) arrives only now.
    connect(page)
    loaded = "performance.getEntriesByType('resource').some((e) => e.name.includes('/chunks/order-data-'))"
    assert not page.evaluate(loaded)
    page.get_by_role("button", name="Buy now").click()
    checkout = page.locator("section.checkout")
    expect(checkout).to_be_visible()
    assert page.evaluate(loaded)
    expect(checkout.locator(".chosen")).to_have_text("Size: M")
    checkout.get_by_role("button", name="Pay 0.025 ETH").click()
    expect(checkout.locator(".field[data-field='name'] .field-error")).to_have_text("Full name is missing.")
    top_of(checkout)
    screenshot(page, "checkout-errors-1280x800")
    page.set_viewport_size(PHONE)
    top_of(checkout.locator("fieldset").first)
    screenshot(page, "checkout-errors-390x844")
    page.set_viewport_size(LAPTOP)
    address = {
        "Full name": "Zoë Müller",
        "Address": "Flat 3",
        "Address line 2 (optional)": "12 Rose Street",
        "Town or city": "London",
        "Postcode or ZIP": "N1 9GU",
        "Email": "zoe@example.org",
        "Note to the seller": "Ring twice",
    }
    for label, value in address.items():
        checkout.get_by_label(label, exact=True).fill(value)
    checkout.get_by_label("Country").select_option("GB")
    checkout.get_by_label("Remember this address in this browser").check()
    expect(checkout.locator(".field-error")).to_have_count(0)
    expect(checkout.locator(".onchain")).to_contain_text("bytes on chain")
    shown_size = int(checkout.locator(".onchain").get_attribute("data-bytes"))
    top_of(checkout)
    screenshot(page, "checkout-1280x800")
    page.set_viewport_size(PHONE)
    top_of(checkout)
    screenshot(page, "checkout-390x844")
    page.set_viewport_size(LAPTOP)
    transact(page, checkout.get_by_role("button", name="Pay 0.025 ETH").click)
    expect(page.locator("section.checkout.done")).to_contain_text(f"encrypted ({shown_size} bytes on chain)")
    assert page.evaluate("window.__testWallet.requests").count("personal_sign") == 2

    # On chain: an order of M, whose orderData opens in Python to exactly that address and size.
    order = shop.order(ids["M"], 1)
    assert (order[2], order[8]) == (shop.buyer, PAID)
    (log,) = shop.catalog.events.Purchased().get_logs(from_block=shop.deploy_block)
    data = bytes(log["args"]["orderData"])
    assert len(data) == shown_size
    context = OrderContext(
        chain_id=int(shop.w3.eth.chain_id), catalog=shop.catalog.address, product_id=ids["M"], buyer=shop.buyer
    )
    for keys in (seller_keys, shop.shipping_keys(shop.buyer)):
        details = open_envelope(data, keys, context)
        assert (details.name, details.lines, details.city, details.postcode, details.country) == (
            "Zoë Müller",
            ("Flat 3", "12 Rose Street"),
            "London",
            "N1 9GU",
            "GB",
        )
        assert (details.email, details.note, details.options, details.region, details.phone) == (
            "zoe@example.org",
            "Ring twice",
            {"size": "M"},
            "",
            "",
        )

    # The buyer reads it back on its order card (the key is kept for this page load: no new signature).
    page.goto(f"{site.path_url}#/orders")
    order_card = page.locator(f"article.order[data-order='{ids['M']}-1']")
    order_card.get_by_role("button", name="Show my address").click()
    lines = order_card.locator("address > span")
    expect(lines).to_have_text(["Zoë Müller", "Flat 3", "12 Rose Street", "London, N1 9GU", "GB"])
    expect(order_card.locator(".sent-options")).to_have_text("size: M")
    assert page.evaluate("window.__testWallet.requests").count("personal_sign") == 2
    # Remembered in this browser, as asked: a new checkout starts filled in.
    page.goto(f"{site.path_url}#/product/{ids['S']}")
    page.get_by_role("button", name="Buy now").click()
    expect(page.get_by_label("Town or city")).to_have_value("London")
    expect(page.get_by_label("Note to the seller")).to_have_value("")
    saved = json.loads(page.evaluate("localStorage.getItem('ownerless-store:ship-to')"))
    assert saved["postcode"] == "N1 9GU" and "note" not in saved
    page.get_by_role("button", name="Forget the saved address").click()
    expect(page.get_by_label("Town or city")).to_have_value("")
    expect(page.get_by_label("Remember this address in this browser")).not_to_be_checked()
    assert page.evaluate("localStorage.getItem('ownerless-store:ship-to')") is None

    # Another wallet, in another browser context: its key does not open the order's details.
    (chunk,) = (path.name for path in (page_template / "chunks").glob("order-data-*.js"))
    other = open_page(site.path_url, account=4)
    expect(other.locator("body[data-rendered]")).to_have_count(1)
    result = other.evaluate(
        OPEN_WITH_MY_KEY,
        [
            f"{site.path_url}chunks/{chunk}",
            int(shop.w3.eth.chain_id),
            shop.catalog.address,
            ids["M"],
            shop.buyer,
            "0x" + data.hex(),
        ],
    )
    assert result.startswith("DecryptionError: cannot decrypt the shipping details: this key does not open it"), result
    other.goto(f"{site.path_url}#/orders")
    connect(other)
    expect(other.locator(".empty")).to_contain_text("No orders yet")


def test_checkout_in_test_usd_with_permit_carries_the_address(shop: Shop, publish: Any, open_page: Any) -> None:
    """The token path: a permit signed in the wallet, then buyWithPermit with the sealed address as orderData."""
    from dapp.shipping import OrderContext, open_envelope

    seller_keys = shop.shipping_keys(shop.seller)
    shop.set_profile("Night Owls", encryption_key=seller_keys.public_key)
    pid = shop.list_product("Signed Poster", price=12_500_000, token=True, kind="poster")
    page = open_page(f"{publish().path_url}#/product/{pid}")
    connect(page)
    page.get_by_role("button", name="Buy now").click()
    checkout = page.locator("section.checkout")
    fields = {
        "Full name": "Ana Lima",
        "Address": "Rua Augusta 10",
        "Town or city": "Lisboa",
        "Postcode or ZIP": "1100-053",
    }
    for label, value in fields.items():
        checkout.get_by_label(label, exact=True).fill(value)
    checkout.get_by_label("Country").select_option("PT")
    card = transact(page, checkout.get_by_role("button", name="Pay 12.50 tUSD").click)
    expect(card.locator("li").first).to_contain_text("Sign a permit for 12.50 tUSD")
    requests = page.evaluate("window.__testWallet.requests")
    assert requests.count("personal_sign") == 2 and "eth_signTypedData_v4" in requests
    (log,) = shop.catalog.events.Purchased().get_logs(from_block=shop.deploy_block)
    context = OrderContext(int(shop.w3.eth.chain_id), shop.catalog.address, pid, shop.buyer)
    details = open_envelope(bytes(log["args"]["orderData"]), seller_keys, context)
    assert (details.name, details.lines, details.city, details.postcode, details.country, details.options) == (
        "Ana Lima",
        ("Rua Augusta 10",),
        "Lisboa",
        "1100-053",
        "PT",
        {},
    )
    assert shop.order(pid, 1)[3] == shop.token.address
