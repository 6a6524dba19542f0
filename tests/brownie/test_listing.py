"""Sellers list products and manage them; nobody else can touch them."""

from conftest import (
    DAG_PB,
    DIGEST,
    ESCROW_WINDOW,
    ETH,
    HANDLING_TIME,
    NO_DATA,
    PRICE,
    RAW,
    STOCK,
    list_product,
    reverts_with,
)

ZERO_DIGEST = "0x" + "00" * 32


def test_listing_creates_a_product_owned_by_the_caller(catalog, seller):
    tx = catalog.listProduct(ETH, PRICE, STOCK, HANDLING_TIME, ESCROW_WINDOW, ETH, DIGEST, DAG_PB, {"from": seller})

    assert tx.return_value == 1
    assert tx.events["ProductListed"] == {
        "productId": 1,
        "seller": seller,
        "currency": ETH,
        "price": PRICE,
        "stock": STOCK,
        "handlingTime": HANDLING_TIME,
        "escrowWindow": ESCROW_WINDOW,
        "arbiter": ETH,
        "metadataDigest": DIGEST,
        "metadataCodec": DAG_PB,
    }
    assert catalog.productCount() == 1
    product = catalog.getProduct(1).dict()
    assert product["seller"] == seller
    assert (product["price"], product["stock"], product["escrowWindow"]) == (PRICE, STOCK, ESCROW_WINDOW)
    assert (product["metadataDigest"], product["metadataCodec"]) == (DIGEST, DAG_PB)
    assert product["listed"] is True
    assert (product["orderCount"], product["ratingCount"], product["ratingSum"]) == (0, 0, 0)
    assert (product["currency"], product["arbiter"], product["handlingTime"]) == (ETH, ETH, HANDLING_TIME)


def test_products_get_consecutive_ids_and_pages(catalog, seller, stranger):
    ids = [list_product(catalog, seller, price=PRICE + i) for i in range(3)]
    ids.append(list_product(catalog, stranger))

    assert ids == [1, 2, 3, 4]
    page = catalog.getProducts(1, 2)
    assert [p["id"] for p in page] == [2, 3]
    assert [p["price"] for p in page] == [PRICE + 1, PRICE + 2]
    assert [p["id"] for p in catalog.getProducts(3, 10)] == [4]
    assert catalog.getProducts(4, 10) == []


def test_listing_rejects_invalid_terms(catalog, seller, arbiter):
    def listing(price=PRICE, stock=STOCK, handling=0, window=0, digest=DIGEST, codec=RAW, currency=ETH, arb=ETH):
        return catalog.listProduct(currency, price, stock, handling, window, arb, digest, codec, {"from": seller})

    with reverts_with("CatalogInvalidPrice", 0):
        listing(price=0)
    with reverts_with("CatalogInvalidPrice", 2**96):
        listing(price=2**96)
    with reverts_with("CatalogInvalidStock", 2**32):
        listing(stock=2**32)
    with reverts_with("CatalogInvalidEscrowWindow", 2**32):
        listing(window=2**32, handling=1)
    with reverts_with("CatalogInvalidHandlingTime", 0):
        listing(window=ESCROW_WINDOW)
    with reverts_with("CatalogInvalidCurrency", arbiter):
        listing(currency=arbiter)  # an account without code is not a token
    with reverts_with("CatalogInvalidArbiter", seller):
        listing(window=ESCROW_WINDOW, handling=HANDLING_TIME, arb=seller)
    with reverts_with("CatalogInvalidMetadata", bytes(32), RAW):
        listing(digest=ZERO_DIGEST)
    with reverts_with("CatalogInvalidMetadata", bytes.fromhex(DIGEST[2:]), 2):
        listing(codec=2)
    assert catalog.productCount() == 0


def test_seller_changes_price_stock_and_metadata(catalog, seller):
    product_id = list_product(catalog, seller)
    new_digest = "0x" + "cd" * 32

    assert catalog.setPrice(product_id, 2 * PRICE, {"from": seller}).events["PriceChanged"] == {
        "productId": product_id,
        "price": 2 * PRICE,
        "termsVersion": 1,
    }
    catalog.setStock(product_id, 3, {"from": seller})
    catalog.setMetadata(product_id, new_digest, DAG_PB, {"from": seller})

    product = catalog.getProduct(product_id).dict()
    assert (product["price"], product["stock"]) == (2 * PRICE, 3)
    assert (product["metadataDigest"], product["metadataCodec"]) == (new_digest, DAG_PB)
    assert product["termsVersion"] == 2  # the price and the description both changed the terms


def test_only_the_seller_manages_a_product(catalog, seller, stranger):
    product_id = list_product(catalog, seller)

    with reverts_with("CatalogNotSeller", product_id, stranger):
        catalog.setPrice(product_id, 1, {"from": stranger})
    with reverts_with("CatalogNotSeller", product_id, stranger):
        catalog.setStock(product_id, 0, {"from": stranger})
    with reverts_with("CatalogNotSeller", product_id, stranger):
        catalog.delist(product_id, {"from": stranger})
    with reverts_with("CatalogUnknownProduct", 99):
        catalog.setPrice(99, 1, {"from": stranger})
    assert catalog.getProduct(product_id)["price"] == PRICE


def test_a_delisted_product_cannot_be_bought_or_changed(catalog, seller, buyer):
    product_id = list_product(catalog, seller)

    catalog.delist(product_id, {"from": seller})

    product = catalog.getProduct(product_id).dict()
    assert (product["listed"], product["stock"]) == (False, 0)
    with reverts_with("CatalogProductDelisted", product_id):
        catalog.buy(product_id, 1, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": PRICE})
    with reverts_with("CatalogProductDelisted", product_id):
        catalog.setStock(product_id, 5, {"from": seller})


def test_unknown_products_are_reported_by_id(catalog):
    with reverts_with("CatalogUnknownProduct", 0):
        catalog.getProduct(0)
    with reverts_with("CatalogUnknownProduct", 1):
        catalog.getProduct(1)
    with reverts_with("CatalogUnknownProduct", 1):
        catalog.getOrders(1, 0, 10)
