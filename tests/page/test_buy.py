"""Buying: in ETH, in Test USD with permit, and what goes wrong (a price change, a rejection in the wallet,
the wallet on another chain). Every flow asserts the chain afterwards."""

from __future__ import annotations

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
