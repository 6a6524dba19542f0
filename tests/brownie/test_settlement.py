"""Escrowed orders: the seller ships, the buyer confirms or disputes within the window, anyone releases
after it, the arbiter splits a dispute, the seller refunds, and the buyer cancels what never shipped."""

from conftest import (
    CANCELLED,
    COMPLETED,
    DIGEST,
    DISPUTED,
    ESCROW_WINDOW,
    ETH,
    HANDLING_TIME,
    PAID,
    PRICE,
    RAW,
    REFUNDED,
    RESOLVED,
    SHIPPED,
    STOCK,
    buy,
    list_product,
    reverts_with,
)


def test_the_buyer_confirms_and_the_seller_is_credited(catalog, seller, buyer, shipped_order):
    product_id, order_no = shipped_order

    tx = catalog.confirm(product_id, order_no, {"from": buyer})

    assert tx.events["OrderConfirmed"] == {"productId": product_id, "orderNo": order_no}
    assert catalog.getOrder(product_id, order_no)["state"] == COMPLETED
    assert catalog.withdrawable(seller, ETH) == PRICE
    with reverts_with("CatalogWrongOrderState", product_id, order_no, COMPLETED):
        catalog.confirm(product_id, order_no, {"from": buyer})


def test_only_the_buyer_confirms(catalog, seller, stranger, escrowed_order):
    product_id, order_no = escrowed_order

    with reverts_with("CatalogNotBuyer", product_id, order_no, seller):
        catalog.confirm(product_id, order_no, {"from": seller})
    with reverts_with("CatalogNotBuyer", product_id, order_no, stranger):
        catalog.confirm(product_id, order_no, {"from": stranger})
    with reverts_with("CatalogUnknownOrder", product_id, order_no + 1):
        catalog.confirm(product_id, order_no + 1, {"from": stranger})
    assert catalog.getOrder(product_id, order_no)["state"] == PAID


def test_shipping_starts_the_window_and_anyone_releases_after_it(catalog, seller, stranger, escrowed_order, chain):
    product_id, order_no = escrowed_order

    with reverts_with("CatalogNotSeller", product_id, stranger):
        catalog.ship(product_id, order_no, DIGEST, RAW, {"from": stranger})
    tx = catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
    assert tx.events["OrderShipped"] == {
        "productId": product_id,
        "orderNo": order_no,
        "trackingDigest": DIGEST,
        "trackingCodec": RAW,
    }
    order = catalog.getOrder(product_id, order_no).dict()
    assert (order["state"], order["placedAt"]) == (SHIPPED, 0)
    assert order["deadline"] == order["shippedAt"] + ESCROW_WINDOW
    with reverts_with("CatalogEscrowNotExpired", product_id, order_no, order["deadline"]):
        catalog.release(product_id, order_no, {"from": stranger})

    chain.sleep(ESCROW_WINDOW)

    # The seller's key is not needed: a stranger releases, and the funds go to the seller only.
    tx = catalog.release(product_id, order_no, {"from": stranger})
    assert tx.timestamp >= order["deadline"]
    assert tx.events["OrderReleased"] == {"productId": product_id, "orderNo": order_no}
    assert catalog.getOrder(product_id, order_no)["state"] == COMPLETED
    assert catalog.withdrawable(seller, ETH) == PRICE
    assert catalog.withdrawable(stranger, ETH) == 0


def test_a_dispute_is_split_by_the_arbiter_who_gets_nothing(catalog, seller, buyer, stranger, arbiter, chain):
    product_id = list_product(catalog, seller, arbiter=arbiter)
    order_no = buy(catalog, buyer, product_id, quantity=2)
    catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
    arbiter_balance = arbiter.balance()

    tx = catalog.dispute(product_id, order_no, {"from": buyer})
    assert tx.events["OrderDisputed"] == {"productId": product_id, "orderNo": order_no}
    assert catalog.getOrder(product_id, order_no)["state"] == DISPUTED
    chain.sleep(ESCROW_WINDOW + 1)
    with reverts_with("CatalogWrongOrderState", product_id, order_no, DISPUTED):
        catalog.release(product_id, order_no, {"from": seller})  # a dispute freezes the release
    with reverts_with("CatalogNotArbiter", product_id, stranger):
        catalog.resolve(product_id, order_no, PRICE, {"from": stranger})
    with reverts_with("CatalogInvalidSplit", 2 * PRICE + 1, 2 * PRICE):
        catalog.resolve(product_id, order_no, 2 * PRICE + 1, {"from": arbiter})

    tx = catalog.resolve(product_id, order_no, PRICE // 2, {"from": arbiter})

    assert tx.events["OrderResolved"] == {
        "productId": product_id,
        "orderNo": order_no,
        "buyerAmount": PRICE // 2,
        "sellerAmount": 2 * PRICE - PRICE // 2,
    }
    assert catalog.getOrder(product_id, order_no)["state"] == RESOLVED
    assert catalog.withdrawable(buyer, ETH) == PRICE // 2
    assert catalog.withdrawable(seller, ETH) == 2 * PRICE - PRICE // 2
    assert catalog.withdrawable(arbiter, ETH) == 0
    assert arbiter.balance() == arbiter_balance  # gas price 0: the arbiter neither paid nor gained


def test_a_dispute_can_only_be_opened_within_the_window(catalog, buyer, shipped_order, chain):
    product_id, order_no = shipped_order
    deadline = catalog.getOrder(product_id, order_no)["deadline"]

    chain.sleep(ESCROW_WINDOW + 1)

    with reverts_with("CatalogDisputeWindowClosed", product_id, order_no, deadline):
        catalog.dispute(product_id, order_no, {"from": buyer})


def test_the_buyer_cancels_what_was_not_shipped_in_time(catalog, seller, buyer, escrowed_order, chain):
    product_id, order_no = escrowed_order
    deadline = catalog.getOrder(product_id, order_no)["deadline"]

    with reverts_with("CatalogHandlingTimeNotOver", product_id, order_no, deadline):
        catalog.cancel(product_id, order_no, {"from": buyer})
    chain.sleep(HANDLING_TIME)
    tx = catalog.cancel(product_id, order_no, {"from": buyer})

    assert tx.events["OrderCancelled"] == {"productId": product_id, "orderNo": order_no}
    assert catalog.getOrder(product_id, order_no)["state"] == CANCELLED
    assert catalog.withdrawable(buyer, ETH) == PRICE
    assert catalog.getProduct(product_id)["stock"] == STOCK
    with reverts_with("CatalogWrongOrderState", product_id, order_no, CANCELLED):
        catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})


def test_a_refund_credits_the_buyer_and_restocks(catalog, seller, buyer, stranger, escrowed_product):
    order_no = buy(catalog, buyer, escrowed_product, quantity=4)

    with reverts_with("CatalogNotSeller", escrowed_product, buyer):
        catalog.refund(escrowed_product, order_no, {"from": buyer})
    tx = catalog.refund(escrowed_product, order_no, {"from": seller})

    assert tx.events["OrderRefunded"] == {"productId": escrowed_product, "orderNo": order_no}
    assert catalog.getOrder(escrowed_product, order_no)["state"] == REFUNDED
    assert catalog.withdrawable(buyer, ETH) == 4 * PRICE
    assert catalog.withdrawable(seller, ETH) == 0
    assert catalog.getProduct(escrowed_product)["stock"] == STOCK
    with reverts_with("CatalogWrongOrderState", escrowed_product, order_no, REFUNDED):
        catalog.confirm(escrowed_product, order_no, {"from": buyer})


def test_a_completed_order_cannot_be_refunded(catalog, seller, buyer, instant_product):
    order_no = buy(catalog, buyer, instant_product)

    with reverts_with("CatalogWrongOrderState", instant_product, order_no, COMPLETED):
        catalog.refund(instant_product, order_no, {"from": seller})


def test_settlement_pays_the_price_the_order_was_placed_at(catalog, seller, buyer):
    product_id = list_product(catalog, seller)
    first = buy(catalog, buyer, product_id, quantity=2)
    catalog.setPrice(product_id, 3 * PRICE, {"from": seller})
    second = buy(catalog, buyer, product_id, price=3 * PRICE, terms=1)

    catalog.confirm(product_id, first, {"from": buyer})
    catalog.refund(product_id, second, {"from": seller})

    assert catalog.withdrawable(seller, ETH) == 2 * PRICE
    assert catalog.withdrawable(buyer, ETH) == 3 * PRICE
    assert [o["amount"] for o in catalog.getOrders(product_id, 0, 2)] == [2 * PRICE, 3 * PRICE]
