"""A buyer reviews a completed order once, with 1 to 5 stars and a review document's digest."""

import pytest
from conftest import COMPLETED, DIGEST, PAID, RAW, REFUNDED, REVIEWED, buy, reverts_with

REVIEW_DIGEST = "0x" + "5e" * 32


def test_a_review_adds_to_the_products_rating(catalog, buyer, stranger, instant_product):
    first = buy(catalog, buyer, instant_product)
    second = buy(catalog, stranger, instant_product)

    tx = catalog.review(instant_product, first, 5, REVIEW_DIGEST, RAW, {"from": buyer})
    catalog.review(instant_product, second, 2, DIGEST, RAW, {"from": stranger})

    assert tx.events["Reviewed"] == {
        "productId": instant_product,
        "reviewer": buyer,
        "orderNo": first,
        "rating": 5,
        "reviewDigest": REVIEW_DIGEST,
        "reviewCodec": RAW,
    }
    product = catalog.getProduct(instant_product).dict()
    assert (product["ratingCount"], product["ratingSum"]) == (2, 7)
    assert catalog.getOrder(instant_product, first)["state"] == REVIEWED


def test_an_order_is_reviewed_once_by_its_buyer(catalog, buyer, stranger, instant_product):
    order_no = buy(catalog, buyer, instant_product)

    with reverts_with("CatalogNotBuyer", instant_product, order_no, stranger):
        catalog.review(instant_product, order_no, 1, REVIEW_DIGEST, RAW, {"from": stranger})
    catalog.review(instant_product, order_no, 4, REVIEW_DIGEST, RAW, {"from": buyer})
    with reverts_with("CatalogOrderNotReviewable", instant_product, order_no, REVIEWED):
        catalog.review(instant_product, order_no, 4, REVIEW_DIGEST, RAW, {"from": buyer})


def test_only_completed_orders_are_reviewed(catalog, seller, buyer, escrowed_order):
    product_id, order_no = escrowed_order

    with reverts_with("CatalogOrderNotReviewable", product_id, order_no, PAID):
        catalog.review(product_id, order_no, 5, REVIEW_DIGEST, RAW, {"from": buyer})
    catalog.refund(product_id, order_no, {"from": seller})
    with reverts_with("CatalogOrderNotReviewable", product_id, order_no, REFUNDED):
        catalog.review(product_id, order_no, 5, REVIEW_DIGEST, RAW, {"from": buyer})
    with reverts_with("CatalogUnknownOrder", product_id, 99):
        catalog.review(product_id, 99, 5, REVIEW_DIGEST, RAW, {"from": buyer})


@pytest.mark.parametrize("rating", [0, 6])
def test_ratings_run_from_one_to_five(catalog, buyer, instant_product, rating):
    order_no = buy(catalog, buyer, instant_product)

    with reverts_with("CatalogInvalidRating", rating):
        catalog.review(instant_product, order_no, rating, REVIEW_DIGEST, RAW, {"from": buyer})
    assert catalog.getOrder(instant_product, order_no)["state"] == COMPLETED
