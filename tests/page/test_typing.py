"""A re-render never takes away what the user is typing.

The page re-renders its view in place whenever a transaction confirms (and when the wallet changes). Each
test types into a field while a transaction waits in anvil's mempool (automine off), then mines the block
itself: the confirmation re-renders the view at a point the test controls, and the test waits for the new
chain figures on the page before looking at the field. The typed value, the focus and the caret survive;
fields nobody edited show the chain's new values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.page.conftest import ZERO, Shop
from tests.page.test_buy import connect, settled

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]


def rpc(shop: Shop, method: str, *params: Any) -> Any:
    return shop.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]


@contextmanager
def held_blocks(shop: Shop) -> Iterator[None]:
    """Automine off inside: transactions wait in the mempool; leaving mines them in one block."""
    rpc(shop, "evm_setAutomine", False)
    try:
        yield
        rpc(shop, "evm_mine")
    finally:
        rpc(shop, "evm_setAutomine", True)


def pending_card(page: Any, start: Any) -> Any:
    """Start a transaction from the page; return its card once the transaction sits in the mempool."""
    cards = page.locator(".tx-card")
    before = cards.count()
    start()
    expect(cards).to_have_count(before + 1)
    card = cards.last
    expect(card.locator(".tx-detail").last).to_contain_text("pending")
    return card


def buy_unmined(shop: Shop, product_id: int, buyer: str, quantity: int) -> None:
    """Another account buys (ETH-priced product); the transaction waits for the next block."""
    price, terms = shop.product(product_id)[3], shop.product(product_id)[9]
    fn = shop.catalog.functions.buy(product_id, quantity, ZERO, price, terms, b"")
    fn.transact({"from": buyer, "value": price * quantity})


def test_seller_price_being_typed_survives_a_confirmation(shop: Shop, publish: Any, open_page: Any) -> None:
    mug = shop.list_product("Enamel Mug", price=2 * 10**16, stock=10, kind="mug")
    tote = shop.list_product("Canvas Tote", price=2 * 10**16, stock=10, kind="tote")
    seller = open_page(f"{publish().path_url}#/sell", account=1)
    connect(seller)
    mug_row = seller.locator(f"article.seller-product[data-product='{mug}']")
    tote_row = seller.locator(f"article.seller-product[data-product='{tote}']")
    expect(tote_row.get_by_label("New stock")).to_have_value("10")

    # The seller saves the mug's stock; while that waits for a block, they type the tote's new price.
    mug_row.get_by_label("New stock").fill("7")
    price = tote_row.get_by_label("New price")
    with held_blocks(shop):
        card = pending_card(seller, mug_row.locator("button[data-action='set-stock']").click)
        price.click()
        price.press("Control+a")
        price.press_sequentially("0.05")
        price.press("ArrowLeft")  # the caret sits between "0.0" and "5"
        buy_unmined(shop, tote, shop.accounts[4], 3)  # someone buys totes in the same block
    expect(card).to_have_attribute("data-status", "confirmed")
    expect(mug_row.locator(".stock")).to_have_text("7 in stock")  # the view was re-rendered
    expect(tote_row.locator(".stock")).to_have_text("7 in stock")
    settled(seller)

    expect(price).to_have_value("0.05")
    expect(price).to_be_focused()
    seller.keyboard.type("2")  # typing goes on where it was
    expect(price).to_have_value("0.025")
    expect(tote_row.get_by_label("New stock")).to_have_value("7")  # untouched fields show the chain
    assert shop.product(tote)[3] == 2 * 10**16  # nothing was saved


def test_buyer_quantity_being_typed_survives_a_confirmation(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Logo Hoodie", price=3 * 10**16, stock=10, kind="hoodie")
    page = open_page(f"{publish().path_url}#/product/{pid}")
    connect(page)

    # The buyer buys one; while it waits for a block, they type the quantity for the next purchase.
    quantity = page.get_by_label("Quantity")
    with held_blocks(shop):
        card = pending_card(page, page.get_by_role("button", name="Buy now").click)
        quantity.click()
        quantity.press("Control+a")
        quantity.press_sequentially("2")
        buy_unmined(shop, pid, shop.accounts[4], 4)
    expect(card).to_have_attribute("data-status", "confirmed")
    expect(page.locator(".buybox .stock")).to_have_text("5 in stock")  # the view was re-rendered
    settled(page)

    expect(quantity).to_have_value("2")
    expect(quantity).to_be_focused()
    page.keyboard.press("Backspace")
    page.keyboard.type("3")
    expect(quantity).to_have_value("3")
    expect(page.locator(".buybox .total")).to_have_text("Total 0.09 ETH")


def test_review_being_written_survives_a_confirmation(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Tour T-shirt 2026", price=10**16, hue=0.02)
    shop.buy(pid)
    shop.buy(pid)
    for order_no in (1, 2):
        shop.send(shop.catalog.functions.ship(pid, order_no, b"\0" * 32, 0), shop.seller)
    shop.send(shop.catalog.functions.confirm(pid, 2), shop.buyer)
    buyer = open_page(f"{publish().path_url}#/orders", account=2)
    connect(buyer)
    first = buyer.locator(f"article.order[data-order='{pid}-1']")
    second = buyer.locator(f"article.order[data-order='{pid}-2']")

    # The buyer confirms the first order; while that waits for a block, they review the second one.
    with held_blocks(shop):
        card = pending_card(buyer, first.locator("button[data-action='confirm']").click)
        second.locator("button[data-action='review']").click()
        second.get_by_label("3 stars").click()
        text = second.get_by_label("Review text")
        text.click()
        text.press_sequentially("Soft and well made")

    expect(card).to_have_attribute("data-status", "confirmed")
    expect(first.locator(".state")).to_have_text("Completed")  # the view was re-rendered
    settled(buyer)

    expect(text).to_have_value("Soft and well made")
    expect(text).to_be_focused()
    buyer.keyboard.type(", thanks")
    expect(text).to_have_value("Soft and well made, thanks")
    expect(second.locator(".star.on")).to_have_count(3)
