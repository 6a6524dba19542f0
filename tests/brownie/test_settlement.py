"""Escrowed orders end one way: the buyer confirms, the seller releases after the window, or refunds."""

from conftest import COMPLETED, ESCROW_WINDOW, ESCROWED, PRICE, REFUNDED, STOCK, buy, list_product, reverts_with


def test_the_buyer_confirms_and_the_seller_is_credited(catalog, seller, buyer, escrowed_order):
    product_id, order_no = escrowed_order

    tx = catalog.confirm(product_id, order_no, {"from": buyer})

    assert tx.events["OrderConfirmed"] == {"productId": product_id, "orderNo": order_no}
    assert catalog.getOrder(product_id, order_no)["state"] == COMPLETED
    assert catalog.withdrawable(seller) == PRICE
    with reverts_with("CatalogOrderNotEscrowed", product_id, order_no, COMPLETED):
        catalog.confirm(product_id, order_no, {"from": buyer})


def test_only_the_buyer_confirms(catalog, seller, stranger, escrowed_order):
    product_id, order_no = escrowed_order

    with reverts_with("CatalogNotBuyer", product_id, order_no, seller):
        catalog.confirm(product_id, order_no, {"from": seller})
    with reverts_with("CatalogNotBuyer", product_id, order_no, stranger):
        catalog.confirm(product_id, order_no, {"from": stranger})
    with reverts_with("CatalogUnknownOrder", product_id, order_no + 1):
        catalog.confirm(product_id, order_no + 1, {"from": stranger})
    assert catalog.getOrder(product_id, order_no)["state"] == ESCROWED


def test_the_seller_releases_only_after_the_escrow_window(catalog, seller, buyer, stranger, escrowed_order, chain):
    product_id, order_no = escrowed_order
    releasable_at = catalog.getOrder(product_id, order_no)["releasableAt"]

    with reverts_with("CatalogEscrowNotExpired", product_id, order_no, releasable_at):
        catalog.release(product_id, order_no, {"from": seller})

    chain.sleep(ESCROW_WINDOW)

    with reverts_with("CatalogNotSeller", product_id, stranger):
        catalog.release(product_id, order_no, {"from": stranger})
    tx = catalog.release(product_id, order_no, {"from": seller})
    assert tx.timestamp >= releasable_at
    assert tx.events["OrderReleased"] == {"productId": product_id, "orderNo": order_no}
    assert catalog.getOrder(product_id, order_no)["state"] == COMPLETED
    assert catalog.withdrawable(seller) == PRICE


def test_a_refund_credits_the_buyer_and_restocks(catalog, seller, buyer, stranger, escrowed_product):
    order_no = buy(catalog, buyer, escrowed_product, quantity=4)

    with reverts_with("CatalogNotSeller", escrowed_product, buyer):
        catalog.refund(escrowed_product, order_no, {"from": buyer})
    tx = catalog.refund(escrowed_product, order_no, {"from": seller})

    assert tx.events["OrderRefunded"] == {"productId": escrowed_product, "orderNo": order_no}
    assert catalog.getOrder(escrowed_product, order_no)["state"] == REFUNDED
    assert catalog.withdrawable(buyer) == 4 * PRICE
    assert catalog.withdrawable(seller) == 0
    assert catalog.getProduct(escrowed_product)["stock"] == STOCK
    with reverts_with("CatalogOrderNotEscrowed", escrowed_product, order_no, REFUNDED):
        catalog.confirm(escrowed_product, order_no, {"from": buyer})


def test_a_completed_order_cannot_be_refunded(catalog, seller, buyer, instant_product):
    order_no = buy(catalog, buyer, instant_product)

    with reverts_with("CatalogOrderNotEscrowed", instant_product, order_no, COMPLETED):
        catalog.refund(instant_product, order_no, {"from": seller})


def test_settlement_pays_the_price_the_order_was_placed_at(catalog, seller, buyer):
    product_id = list_product(catalog, seller)
    first = buy(catalog, buyer, product_id, quantity=2)
    catalog.setPrice(product_id, 3 * PRICE, {"from": seller})
    second = buy(catalog, buyer, product_id, price=3 * PRICE)

    catalog.confirm(product_id, first, {"from": buyer})
    catalog.refund(product_id, second, {"from": seller})

    assert catalog.withdrawable(seller) == 2 * PRICE
    assert catalog.withdrawable(buyer) == 3 * PRICE
    assert [o["amount"] for o in catalog.getOrders(product_id, 0, 2)] == [2 * PRICE, 3 * PRICE]
