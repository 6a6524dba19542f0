"""Pull payments: sales, releases and refunds are credited per currency, and `withdraw` sends the credit to
the caller or any address it names."""

from conftest import ETH, PRICE, buy, reverts_with


def test_the_seller_withdraws_the_proceeds(catalog, seller, buyer, instant_product):
    buy(catalog, buyer, instant_product, quantity=3)
    balance = seller.balance()

    tx = catalog.withdraw(ETH, seller, {"from": seller})

    assert tx.events["Withdrawn"] == {"account": seller, "currency": ETH, "to": seller, "amount": 3 * PRICE}
    assert seller.balance() == balance + 3 * PRICE  # gas price is 0 on Brownie's dev networks
    assert catalog.withdrawable(seller, ETH) == 0
    assert catalog.balance() == 0
    with reverts_with("CatalogNothingToWithdraw", seller):
        catalog.withdraw(ETH, seller, {"from": seller})


def test_the_buyer_withdraws_a_refund(catalog, seller, buyer, escrowed_order):
    product_id, order_no = escrowed_order
    catalog.refund(product_id, order_no, {"from": seller})
    balance = buyer.balance()

    catalog.withdraw(ETH, buyer, {"from": buyer})

    assert buyer.balance() == balance + PRICE
    assert catalog.balance() == 0


def test_a_withdrawal_takes_only_the_callers_credit(catalog, seller, buyer, stranger, instant_product, escrowed_order):
    buy(catalog, buyer, instant_product, quantity=2)
    # the escrowed order's payment stays in the contract, owed to nobody yet

    catalog.withdraw(ETH, seller, {"from": seller})

    assert catalog.balance() == PRICE
    with reverts_with("CatalogNothingToWithdraw", stranger):
        catalog.withdraw(ETH, stranger, {"from": stranger})


def test_a_withdrawal_goes_to_any_address_named(catalog, seller, buyer, stranger, instant_product):
    buy(catalog, buyer, instant_product, quantity=2)
    balance = stranger.balance()

    catalog.withdraw(ETH, stranger, {"from": seller})

    assert stranger.balance() == balance + 2 * PRICE
    with reverts_with("CatalogInvalidRecipient", ETH):
        catalog.withdraw(ETH, ETH, {"from": buyer})
