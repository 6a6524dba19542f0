"""A product priced in TestUSD (the demo stablecoin, an OpenZeppelin ERC-20 with 6 decimals): the
purchase pulls exactly the price through SafeERC20, and the seller withdraws in the token."""

from conftest import DIGEST, ETH, NO_DATA, PAID, RAW, USD, buy, list_product, reverts_with


def test_a_token_purchase_pulls_the_price_and_settles_in_the_token(catalog, usd, seller, buyer, stranger):
    product_id = list_product(catalog, seller, price=USD, currency=usd.address)
    held = usd.balanceOf(buyer)

    order_no = buy(catalog, buyer, product_id, quantity=2, price=USD, currency=usd.address)

    assert usd.balanceOf(buyer) == held - 2 * USD
    assert usd.balanceOf(catalog) == 2 * USD
    order = catalog.getOrder(product_id, order_no).dict()
    assert (order["currency"], order["amount"], order["state"]) == (usd.address, 2 * USD, PAID)
    catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
    catalog.confirm(product_id, order_no, {"from": buyer})
    assert (catalog.withdrawable(seller, usd.address), catalog.withdrawable(seller, ETH)) == (2 * USD, 0)

    tx = catalog.withdraw(usd.address, stranger, {"from": seller})

    assert tx.events["Withdrawn"] == {"account": seller, "currency": usd.address, "to": stranger, "amount": 2 * USD}
    assert usd.balanceOf(stranger) == 1_000 * 10**6 + 2 * USD
    assert usd.balanceOf(catalog) == 0


def test_a_token_purchase_names_the_currency_and_sends_no_ether(catalog, usd, seller, buyer):
    product_id = list_product(catalog, seller, price=USD, currency=usd.address)

    with reverts_with("CatalogWrongCurrency", product_id, ETH, usd.address):
        catalog.buy(product_id, 1, ETH, USD, 0, NO_DATA, {"from": buyer, "value": USD})
    with reverts_with("CatalogUnexpectedEth", 1):
        catalog.buy(product_id, 1, usd.address, USD, 0, NO_DATA, {"from": buyer, "value": 1})
    assert catalog.getProduct(product_id)["orderCount"] == 0
