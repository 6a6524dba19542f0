"""The rules Catalog v3 adds: ship only in time, bounded windows, a real arbiter, no self-purchase, reviews
of ruled orders, stock back only for what never shipped, no release time for a dispute, order data in the
purchase event, and seller profiles."""

import pytest
from conftest import (
    CANCELLED,
    DIGEST,
    ETH,
    HANDLING_TIME,
    MAX_ORDER_DATA,
    PRICE,
    RAW,
    REFUNDED,
    REVIEWED,
    STOCK,
    buy,
    list_product,
    reverts_with,
)

HOUR, DAY = 3600, 86_400
ZERO_DIGEST = "0x" + "00" * 32


def test_a_seller_cannot_ship_once_the_handling_time_is_over(catalog, seller, buyer, escrowed_order, chain):
    product_id, order_no = escrowed_order
    deadline = catalog.getOrder(product_id, order_no)["deadline"]

    chain.sleep(HANDLING_TIME + 1)

    with reverts_with("CatalogShipDeadlinePassed", product_id, order_no, deadline):
        catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
    catalog.cancel(product_id, order_no, {"from": buyer})  # the buyer's cancel can no longer be taken away
    assert catalog.getOrder(product_id, order_no)["state"] == CANCELLED


@pytest.mark.parametrize(
    ("window", "handling", "error", "value"),
    [
        (DAY - 1, HOUR, "CatalogInvalidEscrowWindow", DAY - 1),
        (365 * DAY + 1, HOUR, "CatalogInvalidEscrowWindow", 365 * DAY + 1),
        (DAY, HOUR - 1, "CatalogInvalidHandlingTime", HOUR - 1),
        (DAY, 365 * DAY + 1, "CatalogInvalidHandlingTime", 365 * DAY + 1),
    ],
)
def test_escrow_windows_and_handling_times_are_bounded(catalog, seller, window, handling, error, value):
    with reverts_with(error, value):
        catalog.listProduct(ETH, PRICE, STOCK, handling, window, ETH, DIGEST, RAW, {"from": seller})
    assert catalog.productCount() == 0


def test_the_bounds_themselves_are_accepted(catalog, seller):
    assert (catalog.MIN_ESCROW_WINDOW(), catalog.MAX_ESCROW_WINDOW()) == (DAY, 365 * DAY)
    assert (catalog.MIN_HANDLING_TIME(), catalog.MAX_HANDLING_TIME()) == (HOUR, 365 * DAY)
    catalog.listProduct(ETH, PRICE, STOCK, HOUR, DAY, ETH, DIGEST, RAW, {"from": seller})
    catalog.listProduct(ETH, PRICE, STOCK, 365 * DAY, 365 * DAY, ETH, DIGEST, RAW, {"from": seller})
    assert catalog.productCount() == 2


def test_the_arbiter_is_neither_the_seller_nor_the_catalog(catalog, seller):
    for arbiter in (seller, catalog):
        with reverts_with("CatalogInvalidArbiter", arbiter):
            list_product(catalog, seller, arbiter=arbiter)


def test_a_seller_cannot_buy_its_own_product(catalog, seller, escrowed_product, instant_product):
    for product_id in (escrowed_product, instant_product):
        with reverts_with("CatalogSellerIsBuyer", product_id):
            buy(catalog, seller, product_id)


def test_order_data_is_emitted_not_stored_and_capped(catalog, buyer, escrowed_product):
    sealed = bytes(range(256)) + bytes(44)  # ~300 bytes, as the page sends

    tx = catalog.buy(escrowed_product, 1, ETH, PRICE, 0, sealed, {"from": buyer, "value": PRICE})

    assert tx.events["Purchased"]["orderData"] == "0x" + sealed.hex()
    with reverts_with("CatalogOrderDataTooLarge", MAX_ORDER_DATA + 1, MAX_ORDER_DATA):
        buy(catalog, buyer, escrowed_product, data=bytes(MAX_ORDER_DATA + 1))
    assert buy(catalog, buyer, escrowed_product, data=bytes(MAX_ORDER_DATA)) == 2


def test_a_resolved_order_can_be_reviewed_a_refunded_one_not(catalog, seller, buyer, arbiter):
    product_id = list_product(catalog, seller, arbiter=arbiter)
    ruled, refunded = buy(catalog, buyer, product_id), buy(catalog, buyer, product_id)
    catalog.ship(product_id, ruled, DIGEST, RAW, {"from": seller})
    catalog.dispute(product_id, ruled, {"from": buyer})
    catalog.resolve(product_id, ruled, PRICE, {"from": arbiter})  # all to the buyer
    catalog.refund(product_id, refunded, {"from": seller})

    catalog.review(product_id, ruled, 1, DIGEST, RAW, {"from": buyer})

    assert catalog.getOrder(product_id, ruled)["state"] == REVIEWED
    with reverts_with("CatalogOrderNotReviewable", product_id, refunded, REFUNDED):
        catalog.review(product_id, refunded, 5, DIGEST, RAW, {"from": buyer})


def test_units_go_back_on_sale_only_if_the_order_never_shipped(catalog, seller, buyer, arbiter):
    product_id = list_product(catalog, seller, arbiter=arbiter)
    unshipped, shipped, ruled = (buy(catalog, buyer, product_id, quantity=2) for _ in range(3))
    for order_no in (shipped, ruled):
        catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
    catalog.dispute(product_id, ruled, {"from": buyer})

    catalog.refund(product_id, unshipped, {"from": seller})
    assert catalog.getProduct(product_id)["stock"] == STOCK - 4
    catalog.refund(product_id, shipped, {"from": seller})  # the units left with the parcel
    catalog.resolve(product_id, ruled, 2 * PRICE, {"from": arbiter})  # a full ruling for the buyer
    assert catalog.getProduct(product_id)["stock"] == STOCK - 4


def test_a_disputed_order_shows_no_release_time(catalog, buyer, shipped_order):
    product_id, order_no = shipped_order
    assert catalog.getOrder(product_id, order_no)["deadline"] > 0

    catalog.dispute(product_id, order_no, {"from": buyer})

    assert catalog.getOrder(product_id, order_no)["deadline"] == 0


def test_a_profile_is_an_event_and_the_latest_wins(catalog, seller, stranger):
    first = catalog.setProfile(DIGEST, RAW, {"from": seller})
    second = catalog.setProfile("0x" + "cd" * 32, 1, {"from": seller})
    cleared = catalog.setProfile(ZERO_DIGEST, RAW, {"from": stranger})

    assert first.events["ProfileSet"] == {"seller": seller, "digest": DIGEST, "codec": RAW}
    assert second.events["ProfileSet"] == {"seller": seller, "digest": "0x" + "cd" * 32, "codec": 1}
    assert cleared.events["ProfileSet"] == {"seller": stranger, "digest": ZERO_DIGEST, "codec": RAW}
    with reverts_with("CatalogInvalidMetadata", bytes.fromhex(DIGEST[2:]), 2):
        catalog.setProfile(DIGEST, 2, {"from": seller})
