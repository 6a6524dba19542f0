"""After the purchase: My orders, the seller's view, the arbiter's, and every settlement path, each driven
from the page and checked on chain."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.page.conftest import DAY, LAPTOP, PHONE, ZERO, Shop, screenshot
from tests.page.test_buy import connect, transact

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]

PAID, SHIPPED, DISPUTED, COMPLETED, REFUNDED, CANCELLED, RESOLVED, REVIEWED = 1, 2, 3, 4, 5, 6, 7, 8


def order_card(page: Any, pid: int, no: int) -> Any:
    return page.locator(f"article.order[data-order='{pid}-{no}']")


def click_action(page: Any, pid: int, no: int, action: str) -> Any:
    return transact(page, order_card(page, pid, no).locator(f"button[data-action='{action}']").click)


def test_ship_confirm_review_and_see_the_review(shop: Shop, publish: Any, open_page: Any, kubo_daemon: Any) -> None:
    pid = shop.list_product("Tour T-shirt 2026", price=25_000_000, token=True, hue=0.02)
    shop.list_product("Logo Hoodie", kind="hoodie", hue=0.58)
    shop.buy(pid)
    shop.buy(2, quantity=2)
    page_cfg = shop.page_config(ipfs_api=kubo_daemon.info.api_url)
    url = publish(page_cfg).path_url

    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    expect(seller.locator("section h2").first).to_have_text("Orders to handle (2)")
    expect(seller.locator("section.inbox[data-workspace='ready']")).to_be_visible()  # the same shot every run
    expect(order_card(seller, pid, 1)).to_contain_text("To be shipped by")
    expect(seller.locator("article.order .media.loaded")).to_have_count(2)  # the pictures are in the shot
    screenshot(seller, "seller-1280x800")
    seller.set_viewport_size(PHONE)
    screenshot(seller, "seller-390x844")
    seller.set_viewport_size(LAPTOP)
    # Mark shipped opens the workspace's ship form (a tracking note is optional): without a note it ships as is
    order_card(seller, pid, 1).locator("button[data-action='ship']").click()
    transact(seller, order_card(seller, pid, 1).locator("button[data-action='ship-send']").click)
    assert shop.order(pid, 1)[8] == SHIPPED

    buyer = open_page(f"{url}#/orders", account=2)
    connect(buyer)
    expect(order_card(buyer, pid, 1)).to_contain_text("Shipped")
    expect(order_card(buyer, 2, 1)).to_contain_text("Awaiting shipment")
    expect(buyer.locator("article.order .media.loaded")).to_have_count(2)
    screenshot(buyer, "orders-1280x800")
    buyer.set_viewport_size(PHONE)
    screenshot(buyer, "orders-390x844")
    buyer.set_viewport_size(LAPTOP)
    click_action(buyer, pid, 1, "confirm")
    assert shop.order(pid, 1)[8] == COMPLETED
    assert shop.catalog.functions.withdrawable(shop.seller, shop.token.address).call() == 25_000_000

    order_card(buyer, pid, 1).locator("button[data-action='review']").click()
    buyer.get_by_label("4 stars").click()
    buyer.get_by_label("Review text").fill("Great shirt, <b>fast</b> shipping")
    card = transact(buyer, buyer.get_by_role("button", name="Publish review").click)
    expect(card.locator("li")).to_have_count(2)  # the document to IPFS, then the review on chain
    assert shop.order(pid, 1)[8] == REVIEWED
    assert tuple(shop.product(pid)[10:12]) == (1, 4)  # ratingCount, ratingSum

    buyer.goto(f"{url}#/product/{pid}")
    review = buyer.locator("article.review[data-order='1']")
    expect(review.locator(".prose")).to_have_text("Great shirt, <b>fast</b> shipping")
    expect(review).to_contain_text("Verified purchase · paid 25.00 tUSD")
    expect(review.locator(".stars")).to_have_text("★★★★☆")
    assert review.locator("b").count() == 0


def test_dispute_and_resolve_as_the_arbiter(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Signed Poster", price=10**17, arbiter=shop.arbiter, kind="poster", hue=0.75)
    shop.buy(pid)
    shop.send(shop.catalog.functions.ship(pid, 1, b"\0" * 32, 0), shop.seller)
    url = publish().path_url

    buyer = open_page(f"{url}#/orders", account=2)
    connect(buyer)
    click_action(buyer, pid, 1, "dispute")
    assert shop.order(pid, 1)[8] == DISPUTED
    expect(order_card(buyer, pid, 1)).to_contain_text("The arbiter 0x90F7…b906 will split the payment")

    arbiter = open_page(f"{url}#/arbiter", account=3)
    connect(arbiter)
    order_card(arbiter, pid, 1).locator("button[data-action='resolve']").click()
    arbiter.get_by_label("Buyer amount in ETH").fill("0.07")
    expect(arbiter.locator(".split p.small")).to_have_text("Buyer gets 0.07 ETH, seller gets 0.03 ETH.")
    transact(arbiter, arbiter.get_by_role("button", name="Settle", exact=True).click)
    assert shop.order(pid, 1)[8] == RESOLVED
    balance = shop.catalog.functions.withdrawable
    assert balance(shop.buyer, ZERO).call() == 7 * 10**16
    assert balance(shop.seller, ZERO).call() == 3 * 10**16
    assert balance(shop.arbiter, ZERO).call() == 0
    expect(arbiter.locator(".empty h2")).to_have_text("No open disputes")


def test_cancel_unshipped_order_after_handling_time(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Dad Cap", price=5 * 10**16, handling=2 * DAY, kind="cap", hue=0.9)
    shop.buy(pid)
    url = publish().path_url
    buyer = open_page(f"{url}#/orders", account=2)
    connect(buyer)
    card = order_card(buyer, pid, 1)
    expect(card).to_contain_text("To be shipped by")
    expect(card.locator("button[data-action='cancel']")).to_have_count(0)
    shop.advance(2 * DAY + 60)  # anvil time travel past the handling deadline
    buyer.reload()
    expect(card).to_contain_text("Not shipped by the handling deadline")
    click_action(buyer, pid, 1, "cancel")
    assert shop.order(pid, 1)[8] == CANCELLED
    assert shop.catalog.functions.withdrawable(shop.buyer, ZERO).call() == 5 * 10**16
    assert shop.product(pid)[4] == 10  # the unit went back to stock

    # The refund is credited: the buyer withdraws it from My orders.
    before = shop.w3.eth.get_balance(shop.buyer)
    transact(buyer, buyer.locator(".balances button[data-action='withdraw']").click)
    assert shop.catalog.functions.withdrawable(shop.buyer, ZERO).call() == 0
    assert shop.w3.eth.get_balance(shop.buyer) > before + 4 * 10**16  # minus gas


def test_refund_and_withdraw_as_the_seller(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Enamel Mug", price=12_000_000, token=True, kind="mug")
    other = shop.list_product("Canvas Tote", price=8_000_000, token=True, kind="tote", escrow=0)
    shop.buy(pid)
    shop.buy(other)
    url = publish().path_url
    seller = open_page(f"{url}#/sell", account=1)
    connect(seller)
    click_action(seller, pid, 1, "refund")
    assert shop.order(pid, 1)[8] == REFUNDED
    assert shop.catalog.functions.withdrawable(shop.buyer, shop.token.address).call() == 12_000_000

    balances = seller.locator(".balances")
    expect(balances.locator("li")).to_have_count(1)
    expect(balances).to_contain_text("8.00 tUSD")
    before = shop.token.functions.balanceOf(shop.seller).call()
    transact(seller, balances.locator("button[data-action='withdraw']").click)
    assert shop.token.functions.balanceOf(shop.seller).call() == before + 8_000_000
    assert shop.catalog.functions.withdrawable(shop.seller, shop.token.address).call() == 0

    # Price and stock edits from the same view.
    row = seller.locator(f"article.seller-product[data-product='{pid}']")
    row.get_by_label("New price").fill("15")
    transact(seller, row.locator("button[data-action='set-price']").click)
    row.get_by_label("New stock").fill("4")
    transact(seller, row.locator("button[data-action='set-stock']").click)
    product = shop.product(pid)
    assert (product[3], product[4]) == (15_000_000, 4)
