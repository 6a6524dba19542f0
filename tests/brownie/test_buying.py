"""Buying: exact payment at the agreed price, stock accounting, escrow or immediate settlement."""

from brownie.test import given, strategy
from conftest import COMPLETED, ETH, HANDLING_TIME, NO_DATA, PAID, PRICE, STOCK, buy, list_product, reverts_with


def test_an_escrowed_purchase_holds_the_payment(catalog, seller, buyer, escrowed_product, chain):
    balance = buyer.balance()

    tx = catalog.buy(escrowed_product, 3, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": 3 * PRICE})

    assert tx.return_value == 1
    assert tx.events["Purchased"] == {
        "productId": escrowed_product,
        "buyer": buyer,
        "orderNo": 1,
        "quantity": 3,
        "unitPrice": PRICE,
        "escrowed": True,
        "orderData": "0x",
    }
    assert buyer.balance() == balance - 3 * PRICE  # gas price is 0 on Brownie's dev networks
    assert catalog.balance() == 3 * PRICE
    order = catalog.getOrder(escrowed_product, 1).dict()
    assert order["buyer"] == buyer
    assert (order["quantity"], order["amount"], order["state"]) == (3, 3 * PRICE, PAID)
    assert (order["currency"], order["unitPrice"], order["termsVersion"]) == (ETH, PRICE, 0)
    assert order["placedAt"] == chain[tx.block_number].timestamp
    assert order["deadline"] == order["placedAt"] + HANDLING_TIME  # the seller ships by then
    assert catalog.getProduct(escrowed_product)["stock"] == STOCK - 3
    assert catalog.withdrawable(seller, ETH) == 0


def test_an_instant_purchase_credits_the_seller(catalog, seller, buyer, instant_product):
    order_no = buy(catalog, buyer, instant_product, quantity=2)

    assert catalog.getOrder(instant_product, order_no)["state"] == COMPLETED
    assert catalog.withdrawable(seller, ETH) == 2 * PRICE
    assert catalog.withdrawable(buyer, ETH) == 0


def test_orders_are_numbered_per_product(catalog, seller, buyer, stranger, escrowed_product, instant_product):
    assert buy(catalog, buyer, escrowed_product) == 1
    assert buy(catalog, stranger, escrowed_product) == 2
    assert buy(catalog, buyer, instant_product) == 1

    orders = catalog.getOrders(escrowed_product, 0, 10)
    assert [(o["orderNo"], o["buyer"]) for o in orders] == [(1, buyer), (2, stranger)]
    assert catalog.getProduct(escrowed_product)["orderCount"] == 2


def test_a_purchase_must_pay_exactly_the_agreed_price(catalog, seller, buyer, escrowed_product):
    with reverts_with("CatalogWrongPayment", 2 * PRICE - 1, 2 * PRICE):
        catalog.buy(escrowed_product, 2, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": 2 * PRICE - 1})
    with reverts_with("CatalogWrongPayment", 2 * PRICE + 1, 2 * PRICE):
        catalog.buy(escrowed_product, 2, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": 2 * PRICE + 1})

    catalog.setPrice(escrowed_product, PRICE + 1, {"from": seller})

    # The buyer agreed to PRICE; the seller changed it before the purchase was mined.
    with reverts_with("CatalogPriceChanged", escrowed_product, PRICE, PRICE + 1):
        catalog.buy(escrowed_product, 1, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": PRICE})
    # The buyer saw the new price but the terms version before it.
    with reverts_with("CatalogTermsChanged", escrowed_product, 0, 1):
        catalog.buy(escrowed_product, 1, ETH, PRICE + 1, 0, NO_DATA, {"from": buyer, "value": PRICE + 1})
    assert catalog.getProduct(escrowed_product)["orderCount"] == 0


def test_a_purchase_is_bound_to_the_description_it_saw(catalog, seller, buyer, escrowed_product):
    catalog.setMetadata(escrowed_product, "0x" + "cd" * 32, 1, {"from": seller})

    with reverts_with("CatalogTermsChanged", escrowed_product, 0, 1):
        buy(catalog, buyer, escrowed_product)
    assert buy(catalog, buyer, escrowed_product, terms=1) == 1


def test_a_purchase_cannot_exceed_the_stock(catalog, seller, buyer):
    product_id = list_product(catalog, seller, stock=2)

    with reverts_with("CatalogInvalidQuantity", 0):
        catalog.buy(product_id, 0, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": 0})
    with reverts_with("CatalogInsufficientStock", product_id, 3, 2):
        catalog.buy(product_id, 3, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": 3 * PRICE})
    buy(catalog, buyer, product_id, quantity=2)
    with reverts_with("CatalogInsufficientStock", product_id, 1, 0):
        catalog.buy(product_id, 1, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": PRICE})
    with reverts_with("CatalogUnknownProduct", 42):
        catalog.buy(42, 1, ETH, PRICE, 0, NO_DATA, {"from": buyer, "value": PRICE})


@given(
    quantity=strategy("uint32", min_value=1, max_value=STOCK),
    price=strategy("uint96", min_value=1, max_value=10**18),
)
def test_an_instant_sale_credits_quantity_times_price(catalog, seller, buyer, quantity, price):
    product_id = list_product(catalog, seller, price=price, escrow_window=0)
    credited = catalog.withdrawable(seller, ETH)

    order_no = buy(catalog, buyer, product_id, quantity=quantity, price=price)

    assert catalog.withdrawable(seller, ETH) - credited == quantity * price
    assert catalog.getOrder(product_id, order_no)["amount"] == quantity * price
    assert catalog.getProduct(product_id)["stock"] == STOCK - quantity
