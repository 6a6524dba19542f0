"""Settlement by agreement: in Paid, Shipped or Disputed either party offers a split (the buyer's share),
the other accepts it by naming the same amount; an offer can be replaced or withdrawn; a settled order is
final and reviewable."""

import brownie
import pytest
from conftest import (
    COMPLETED,
    DIGEST,
    ETH,
    PAID,
    PRICE,
    RAW,
    REVIEWED,
    SETTLED,
    STOCK,
    buy,
    list_product,
    reverts_with,
)

NOBODY = "0x0000000000000000000000000000000000000000"


def offer_of(catalog, product_id, order_no):
    order = catalog.getOrder(product_id, order_no).dict()
    return order["offerBy"], order["offerBuyerAmount"]


@pytest.mark.parametrize("stage", ["paid", "shipped", "disputed"])
def test_an_offer_accepted_by_the_other_party_ends_the_order(catalog, seller, buyer, stage):
    product_id = list_product(catalog, seller)  # no arbiter: a dispute has no other way out than agreement
    order_no = buy(catalog, buyer, product_id, quantity=2)
    if stage != "paid":
        catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
    if stage == "disputed":
        catalog.dispute(product_id, order_no, {"from": buyer})

    tx = catalog.offerSettlement(product_id, order_no, PRICE // 2, {"from": seller})
    assert tx.events["SettlementOffered"] == {
        "productId": product_id,
        "orderNo": order_no,
        "by": seller,
        "buyerAmount": PRICE // 2,
    }
    assert offer_of(catalog, product_id, order_no) == (seller, PRICE // 2)

    tx = catalog.acceptSettlement(product_id, order_no, PRICE // 2, {"from": buyer})

    assert tx.events["OrderSettled"] == {
        "productId": product_id,
        "orderNo": order_no,
        "buyerAmount": PRICE // 2,
        "sellerAmount": 2 * PRICE - PRICE // 2,
    }
    order = catalog.getOrder(product_id, order_no).dict()
    assert (order["state"], order["offerBy"], order["offerBuyerAmount"], order["deadline"]) == (SETTLED, NOBODY, 0, 0)
    assert catalog.withdrawable(buyer, ETH) == PRICE // 2
    assert catalog.withdrawable(seller, ETH) == 2 * PRICE - PRICE // 2
    # units go back on sale only if the order never shipped
    assert catalog.getProduct(product_id)["stock"] == (STOCK if stage == "paid" else STOCK - 2)


def test_the_buyer_may_offer_and_the_seller_accept(catalog, seller, buyer, shipped_order):
    product_id, order_no = shipped_order

    catalog.offerSettlement(product_id, order_no, PRICE, {"from": buyer})  # all back: a full refund
    catalog.acceptSettlement(product_id, order_no, PRICE, {"from": seller})

    assert catalog.getOrder(product_id, order_no)["state"] == SETTLED
    assert (catalog.withdrawable(buyer, ETH), catalog.withdrawable(seller, ETH)) == (PRICE, 0)


def test_a_changed_offer_cannot_be_accepted_by_mistake(catalog, seller, buyer, shipped_order):
    product_id, order_no = shipped_order
    catalog.offerSettlement(product_id, order_no, PRICE // 2, {"from": buyer})
    catalog.offerSettlement(product_id, order_no, PRICE // 4, {"from": seller})  # replaces the buyer's

    with reverts_with("CatalogOfferMismatch", product_id, order_no, PRICE // 4, PRICE // 2):
        catalog.acceptSettlement(product_id, order_no, PRICE // 2, {"from": buyer})
    with reverts_with("CatalogOwnOffer", product_id, order_no):
        catalog.acceptSettlement(product_id, order_no, PRICE // 4, {"from": seller})
    assert catalog.getOrder(product_id, order_no)["state"] != SETTLED

    catalog.acceptSettlement(product_id, order_no, PRICE // 4, {"from": buyer})
    assert catalog.getOrder(product_id, order_no)["state"] == SETTLED


def test_only_the_author_withdraws_an_offer(catalog, seller, buyer, stranger, shipped_order):
    product_id, order_no = shipped_order
    catalog.offerSettlement(product_id, order_no, 0, {"from": seller})

    with brownie.reverts():
        catalog.withdrawSettlement(product_id, order_no, {"from": buyer})
    assert offer_of(catalog, product_id, order_no) == (seller, 0)
    tx = catalog.withdrawSettlement(product_id, order_no, {"from": seller})

    assert tx.events["SettlementWithdrawn"] == {"productId": product_id, "orderNo": order_no, "by": seller}
    assert offer_of(catalog, product_id, order_no) == (NOBODY, 0)
    with reverts_with("CatalogNoOffer", product_id, order_no):
        catalog.acceptSettlement(product_id, order_no, 0, {"from": buyer})
    with reverts_with("CatalogNoOffer", product_id, order_no):
        catalog.withdrawSettlement(product_id, order_no, {"from": seller})


def test_only_the_parties_settle_and_never_more_than_the_amount(catalog, seller, buyer, stranger, escrowed_order):
    product_id, order_no = escrowed_order

    with reverts_with("CatalogNotParty", product_id, order_no, stranger):
        catalog.offerSettlement(product_id, order_no, 0, {"from": stranger})
    with reverts_with("CatalogInvalidSplit", PRICE + 1, PRICE):
        catalog.offerSettlement(product_id, order_no, PRICE + 1, {"from": buyer})
    catalog.offerSettlement(product_id, order_no, 0, {"from": buyer})
    with reverts_with("CatalogNotParty", product_id, order_no, stranger):
        catalog.acceptSettlement(product_id, order_no, 0, {"from": stranger})
    assert catalog.getOrder(product_id, order_no)["state"] == PAID


def test_ending_the_order_otherwise_clears_the_open_offer(catalog, seller, buyer, shipped_order):
    product_id, order_no = shipped_order
    catalog.offerSettlement(product_id, order_no, PRICE // 2, {"from": seller})

    catalog.confirm(product_id, order_no, {"from": buyer})

    assert offer_of(catalog, product_id, order_no) == (NOBODY, 0)
    with reverts_with("CatalogWrongOrderState", product_id, order_no, COMPLETED):
        catalog.acceptSettlement(product_id, order_no, PRICE // 2, {"from": buyer})
    with reverts_with("CatalogWrongOrderState", product_id, order_no, COMPLETED):
        catalog.offerSettlement(product_id, order_no, 0, {"from": buyer})


def test_a_settled_order_can_be_reviewed(catalog, seller, buyer, shipped_order):
    product_id, order_no = shipped_order
    catalog.offerSettlement(product_id, order_no, PRICE // 2, {"from": buyer})
    catalog.acceptSettlement(product_id, order_no, PRICE // 2, {"from": seller})

    catalog.review(product_id, order_no, 2, DIGEST, RAW, {"from": buyer})

    assert catalog.getOrder(product_id, order_no)["state"] == REVIEWED
    assert catalog.getProduct(product_id)["ratingCount"] == 1
