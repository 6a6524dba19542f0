"""Catalog v3 on the page: settlement by agreement from both sides of an order (offer, counter-offer,
withdraw, accept), the Settled state and its review, no shipping from the handling deadline on, and seller
profiles read from the chain. Each flow is driven from the page and checked on chain."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from dapp.page import build_seller_document
from tests.page.conftest import DAY, LAPTOP, PHONE, ZERO, Shop, screenshot
from tests.page.test_buy import connect, settled, transact
from tests.page.test_orders import order_card

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]

PAID, SHIPPED, DISPUTED, CANCELLED, REVIEWED, SETTLED = 1, 2, 3, 6, 8, 9
OFFER_BY, OFFER_AMOUNT = 12, 13  # OrderView's last two fields


def reload(page: Any) -> None:
    """Reload a page whose wallet was connected: it reconnects by itself (no prompt) and re-reads the chain."""
    page.reload()
    expect(page.locator(".wallet-chip")).to_be_visible()
    settled(page)


def offer(page: Any, pid: int, no: int, typed: str) -> Any:
    """Open the offer form on the order's card, type the buyer's amount and send it."""
    card = order_card(page, pid, no)
    card.locator("button[data-action='offer']").click()
    card.locator(".split-amount").fill(typed)
    return transact(page, card.get_by_role("button", name="Send offer").click)


def test_offer_counter_offer_accept_and_review_a_settled_order(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Signed Poster", price=10**17, kind="poster", hue=0.75)
    shop.buy(pid)
    shop.send(shop.catalog.functions.ship(pid, 1, b"\0" * 32, 0), shop.seller)
    url = publish().path_url

    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    offer(seller, pid, 1, "0.04")
    assert shop.order(pid, 1)[OFFER_BY : OFFER_AMOUNT + 1] == (shop.seller, 4 * 10**16)
    mine = order_card(seller, pid, 1)
    expect(mine.locator(".offer[data-offer='mine']")).to_have_text(
        "You offered a settlement: the buyer gets 0.04 ETH back and you keep 0.06 ETH. "
        "It ends the order once the buyer accepts it."
    )
    expect(mine.locator("button[data-action='withdrawOffer']")).to_be_visible()
    expect(mine.locator("button[data-action='accept']")).to_have_count(0)

    buyer = open_page(f"{url}#/orders", account=2)
    connect(buyer)
    theirs = order_card(buyer, pid, 1)
    expect(theirs.locator(".offer[data-offer='theirs']")).to_contain_text(
        "The seller offers a settlement: you get 0.04 ETH back and the seller 0.06 ETH."
    )
    expect(theirs.locator(".media.loaded")).to_have_count(1)
    screenshot(buyer, "settlement-1280x800")
    buyer.set_viewport_size(PHONE)
    screenshot(buyer, "settlement-390x844")
    buyer.set_viewport_size(LAPTOP)
    expect(theirs.locator("button[data-action='offer']")).to_have_text("Make a counter-offer")
    offer(buyer, pid, 1, "0.05")  # replaces the seller's offer
    assert shop.order(pid, 1)[OFFER_BY : OFFER_AMOUNT + 1] == (shop.buyer, 5 * 10**16)

    reload(seller)
    expect(order_card(seller, pid, 1).locator(".offer[data-offer='theirs']")).to_contain_text(
        "The buyer offers a settlement: the buyer gets 0.05 ETH back and you keep 0.05 ETH."
    )
    transact(seller, order_card(seller, pid, 1).locator("button[data-action='accept']").click)
    assert shop.order(pid, 1)[8] == SETTLED
    balance = shop.catalog.functions.withdrawable
    assert balance(shop.buyer, ZERO).call() == 5 * 10**16
    assert balance(shop.seller, ZERO).call() == 5 * 10**16
    expect(seller.get_by_role("heading", name="Orders to handle (0)")).to_be_visible()

    reload(buyer)
    card = order_card(buyer, pid, 1)
    expect(card.locator(".state")).to_have_text("Settled")
    expect(card.locator(".note")).to_have_text("Settled by agreement between buyer and seller. You can leave a review.")
    expect(card.locator(".offer")).to_have_count(0)
    card.locator("button[data-action='review']").click()
    transact(buyer, buyer.get_by_role("button", name="Publish review").click)
    assert shop.order(pid, 1)[8] == REVIEWED


def test_withdraw_an_offer_on_a_dispute_that_shows_no_release_time(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Enamel Mug", price=12_000_000, token=True, kind="mug")
    shop.buy(pid)
    shop.send(shop.catalog.functions.ship(pid, 1, b"\0" * 32, 0), shop.seller)
    shop.send(shop.catalog.functions.dispute(pid, 1), shop.buyer)
    assert shop.order(pid, 1)[11] == 0  # a disputed order's view has no deadline
    url = publish().path_url

    buyer = open_page(f"{url}#/orders", account=2)
    connect(buyer)
    card = order_card(buyer, pid, 1)
    expect(card.locator(".note")).to_have_text(
        "Disputed. No arbiter: the payment stays frozen until the seller refunds, the buyer withdraws the "
        "dispute, or both agree on a settlement."
    )
    expect(card.locator("button[data-action='release']")).to_have_count(0)
    offer(buyer, pid, 1, "9")
    assert shop.order(pid, 1)[OFFER_BY : OFFER_AMOUNT + 1] == (shop.buyer, 9_000_000)
    expect(card.locator(".offer[data-offer='mine']")).to_contain_text("you get 9.00 tUSD back")
    transact(buyer, card.locator("button[data-action='withdrawOffer']").click)
    assert shop.order(pid, 1)[OFFER_BY : OFFER_AMOUNT + 1] == (ZERO, 0)
    assert shop.order(pid, 1)[8] == DISPUTED
    expect(card.locator(".offer")).to_have_count(0)
    expect(card.locator("button[data-action='offer']")).to_have_text("Offer a settlement")


def test_ship_is_not_offered_from_the_handling_deadline_on(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Dad Cap", price=5 * 10**16, handling=DAY, kind="cap", hue=0.9)
    shop.buy(pid)
    deadline = shop.order(pid, 1)[11]
    url = publish().path_url
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    card = order_card(seller, pid, 1)
    expect(card.locator("button[data-action='ship']")).to_be_visible()
    latest = int(shop.w3.eth.get_block("latest")["timestamp"])
    shop.advance(deadline - latest)  # the chain's clock reads the deadline itself
    assert int(shop.w3.eth.get_block("latest")["timestamp"]) == deadline
    reload(seller)
    expect(card.locator(".note")).to_contain_text("so it can no longer ship: the buyer may cancel for a full refund")
    expect(card.locator("button[data-action='ship']")).to_have_count(0)
    expect(card.locator("button[data-action='refund']")).to_be_visible()

    buyer = open_page(f"{url}#/orders", account=2)
    connect(buyer)
    transact(buyer, order_card(buyer, pid, 1).locator("button[data-action='cancel']").click)
    assert shop.order(pid, 1)[8] == CANCELLED
    expect(order_card(buyer, pid, 1).locator("button[data-action='review']")).to_have_count(0)


def test_storefronts_read_the_sellers_latest_profile(shop: Shop, publish: Any, open_page: Any) -> None:
    shop.list_product("Tour T-shirt 2026", hue=0.02)
    other = shop.accounts[5]
    shop.list_product("Logo Hoodie", kind="hoodie", seller=other)
    shop.set_profile("Night Owl Prints", "Screen prints, made at night.", seller=other)

    # Any seller's storefront, with no document given at build time.
    page = open_page(f"{publish().path_url}#/seller/{other}", account=None)
    hero = page.locator("section.hero")
    expect(hero).to_have_attribute("data-profile", "chain")
    expect(hero.locator("h1")).to_have_text("Night Owl Prints")
    expect(hero).to_contain_text("Screen prints, made at night.")
    expect(page.locator("a.card")).to_have_count(1)

    # The page's own seller: the build-time document until the seller sets a profile on chain, which wins.
    document, build_cid = build_seller_document("Built-in Name")
    assert shop.kubo.add_bytes(document) == build_cid
    url = publish(seller=shop.seller, seller_document=build_cid).path_url
    page.goto(url)
    expect(page.locator("section.hero")).to_have_attribute("data-profile", "build")
    expect(page.locator("section.hero h1")).to_have_text("Built-in Name")
    shop.set_profile("Chain Name", "From the latest ProfileSet.")
    shop.set_profile("Chain Name 2", "The latest wins.")
    page.reload()
    expect(page.locator("section.hero")).to_have_attribute("data-profile", "chain")
    expect(page.locator("section.hero h1")).to_have_text("Chain Name 2")
    expect(page.locator("#shop-name")).to_have_text("Chain Name 2")

    # A zero digest clears it: the storefront is the address again (the build-time document no longer counts).
    shop.send(shop.catalog.functions.setProfile(b"\0" * 32, 0), shop.seller)
    page.reload()
    expect(page.locator("section.hero")).to_have_attribute("data-profile", "none")
    expect(page.locator("section.hero h1")).to_contain_text("Shop of 0x7099")
