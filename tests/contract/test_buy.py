"""buy: payment, stock, orders, settlement mode, and price versions."""

from __future__ import annotations

import pytest
from web3.contract import Contract

from tests.support.catalog_env import DIGEST2, ETH, HANDLING, UINT32_MAX, CatalogEnv, State

PRICE = 10**15


def test_immediate_sale_credits_the_seller_at_once(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, stock=10, escrow_window=0)
    receipt = env.buy(pid, 3)
    assert env.events(receipt) == [
        (
            "Purchased",
            {"productId": pid, "buyer": env.buyer, "orderNo": 1, "quantity": 3, "unitPrice": PRICE, "escrowed": False},
        )
    ]
    assert env.withdrawable(env.seller) == 3 * PRICE
    assert env.withdrawable(env.buyer) == 0
    assert env.balance(env.catalog.address) == 3 * PRICE
    block = env.w3.eth.get_block(receipt["blockNumber"])
    assert env.order(pid, 1) == {
        "productId": pid,
        "orderNo": 1,
        "buyer": env.buyer,
        "currency": ETH,
        "quantity": 3,
        "unitPrice": PRICE,
        "amount": 3 * PRICE,
        "termsVersion": 0,
        "state": State.COMPLETED,
        "placedAt": block["timestamp"],
        "shippedAt": 0,
        "deadline": 0,
    }
    assert env.product(pid)["stock"] == 7
    env.assert_money_invariant()


def test_escrowed_sale_keeps_the_funds(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, stock=10, escrow_window=86_400)
    buyer_before = env.balance(env.buyer)
    receipt = env.buy(pid, 2)
    assert env.events(receipt) == [
        (
            "Purchased",
            {"productId": pid, "buyer": env.buyer, "orderNo": 1, "quantity": 2, "unitPrice": PRICE, "escrowed": True},
        )
    ]
    assert env.balance(env.buyer) == buyer_before - 2 * PRICE - env.gas_cost(receipt)
    assert env.withdrawable(env.seller) == 0
    assert env.balance(env.catalog.address) == 2 * PRICE
    created = env.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    order = env.order(pid, 1)
    assert order["state"] == State.PAID
    assert (order["amount"], order["placedAt"], order["shippedAt"]) == (2 * PRICE, created, 0)
    assert order["deadline"] == created + HANDLING  # the buyer may cancel from then on if nothing ships
    assert env.escrowed_total() == 2 * PRICE
    env.assert_money_invariant()


def test_buy_return_value_is_the_order_number(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE)
    env.buy(pid)
    assert env.catalog.functions.buy(pid, 1, ETH, PRICE, 0).call({"from": env.other, "value": PRICE}) == 2


def test_order_numbers_are_sequential_per_product(env: CatalogEnv) -> None:
    a = env.list_product(price=PRICE)
    b = env.list_product(price=2 * PRICE)
    sequence = [(a, env.buyer), (b, env.other), (a, env.other), (a, env.buyer), (b, env.buyer)]
    numbers = [env.order_no(env.buy(pid, buyer=buyer)) for pid, buyer in sequence]
    assert numbers == [1, 1, 2, 3, 2]
    assert env.product(a)["orderCount"] == 3
    assert env.product(b)["orderCount"] == 2
    assert [o["buyer"] for o in env.orders(a, 0, 10)] == [env.buyer, env.other, env.buyer]


def test_stock_decrements_to_zero_then_insufficient(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, stock=5)
    env.buy(pid, 2)
    assert env.product(pid)["stock"] == 3
    env.buy(pid, 3)
    assert env.product(pid)["stock"] == 0
    with env.expect_revert("CatalogInsufficientStock", pid, 1, 0):
        env.buy(pid, 1)


def test_buy_whole_stock_at_the_uint32_limit(env: CatalogEnv) -> None:
    pid = env.list_product(price=1, stock=UINT32_MAX, escrow_window=0)
    env.buy(pid, UINT32_MAX)
    assert env.product(pid)["stock"] == 0
    assert env.order(pid, 1)["quantity"] == UINT32_MAX
    assert env.withdrawable(env.seller) == UINT32_MAX


def test_buy_at_a_large_price(env: CatalogEnv) -> None:
    """Amounts above 2^64 (accounts hold 10^24 wei, so not the 2^96 maximum)."""
    price = 10**23 + 7
    pid = env.list_product(price=price, stock=10, escrow_window=5)
    env.buy(pid, 9)
    assert env.order(pid, 1)["amount"] == 9 * price
    env.send(env.catalog.functions.refund(pid, 1), env.seller)
    assert env.withdrawable(env.buyer) == 9 * price
    env.assert_money_invariant()


@pytest.mark.parametrize(("quantity", "stock"), [(4, 3), (UINT32_MAX + 1, 3), (2**256 - 1, 3), (1, 0)])
def test_buy_more_than_stock(env: CatalogEnv, quantity: int, stock: int) -> None:
    pid = env.list_product(price=PRICE, stock=stock)
    with env.expect_revert("CatalogInsufficientStock", pid, quantity, stock):
        env.send(env.catalog.functions.buy(pid, quantity, ETH, PRICE, 0), env.buyer, value=PRICE)
    assert env.product(pid)["stock"] == stock


def test_buy_quantity_zero(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE)
    with env.expect_revert("CatalogInvalidQuantity", 0):
        env.send(env.catalog.functions.buy(pid, 0, ETH, PRICE, 0), env.buyer, value=0)


@pytest.mark.parametrize("delta", [-PRICE, -1, 1, PRICE])
def test_buy_wrong_payment(env: CatalogEnv, delta: int) -> None:
    pid = env.list_product(price=PRICE, stock=5)
    required = 3 * PRICE
    with env.expect_revert("CatalogWrongPayment", required + delta, required):
        env.send(env.catalog.functions.buy(pid, 3, ETH, PRICE, 0), env.buyer, value=required + delta)
    assert env.product(pid)["stock"] == 5
    assert env.balance(env.catalog.address) == 0


def test_buy_nothing_paid(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE)
    with env.expect_revert("CatalogWrongPayment", 0, PRICE):
        env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 0), env.buyer, value=0)


def test_buy_price_changed(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE)
    env.send(env.catalog.functions.setPrice(pid, 2 * PRICE), env.seller)
    # the buyer signed at the old price and pays for it
    with env.expect_revert("CatalogPriceChanged", pid, PRICE, 2 * PRICE):
        env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 0), env.buyer, value=PRICE)
    # also when paying the new total: the agreed unit price must match
    with env.expect_revert("CatalogPriceChanged", pid, PRICE, 2 * PRICE):
        env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 0), env.buyer, value=2 * PRICE)
    env.buy(pid, 1, unit_price=2 * PRICE)


def test_buy_unknown_product(env: CatalogEnv) -> None:
    env.list_product()
    for pid in (0, 2, 2**256 - 1):
        with env.expect_revert("CatalogUnknownProduct", pid):
            env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 0), env.buyer, value=PRICE)


def test_buy_delisted(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE)
    env.send(env.catalog.functions.delist(pid), env.seller)
    with env.expect_revert("CatalogProductDelisted", pid):
        env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 0), env.buyer, value=PRICE)


def test_buy_check_order(env: CatalogEnv, usd: Contract) -> None:
    """Several things wrong at once: currency, then price, terms, quantity, stock, payment."""
    pid = env.list_product(price=PRICE, stock=2)
    env.send(env.catalog.functions.setStock(pid, 2), env.seller)
    buy = env.catalog.functions.buy
    with env.expect_revert("CatalogWrongCurrency", pid, usd.address, ETH):
        env.send(buy(pid, 0, usd.address, 1, 7), env.buyer, value=5)
    with env.expect_revert("CatalogPriceChanged", pid, 1, PRICE):
        env.send(buy(pid, 0, ETH, 1, 7), env.buyer, value=5)
    with env.expect_revert("CatalogTermsChanged", pid, 7, 0):
        env.send(buy(pid, 0, ETH, PRICE, 7), env.buyer, value=5)
    with env.expect_revert("CatalogInvalidQuantity", 0):
        env.send(buy(pid, 0, ETH, PRICE, 0), env.buyer, value=5)
    with env.expect_revert("CatalogInsufficientStock", pid, 3, 2):
        env.send(buy(pid, 3, ETH, PRICE, 0), env.buyer, value=5)
    with env.expect_revert("CatalogWrongPayment", 5, 2 * PRICE):
        env.send(buy(pid, 2, ETH, PRICE, 0), env.buyer, value=5)
    env.send(buy(pid, 2, ETH, PRICE, 0), env.buyer, value=2 * PRICE)


# -- terms binding ---------------------------------------------------------------------------------------


def test_a_metadata_change_between_view_and_buy_reverts(env: CatalogEnv) -> None:
    """The seller front-runs the purchase with another description: the buyer's terms version is stale."""
    pid = env.list_product(price=PRICE)
    seen = env.product(pid)
    env.send(env.catalog.functions.setMetadata(pid, DIGEST2, 1), env.seller)
    stale = env.catalog.functions.buy(pid, 1, ETH, seen["price"], seen["termsVersion"])
    with env.expect_revert("CatalogTermsChanged", pid, 0, 1):
        env.send(stale, env.buyer, value=PRICE)
    assert env.product(pid)["orderCount"] == 0
    receipt = env.buy(pid)  # at the new terms
    assert env.order(pid, env.order_no(receipt))["termsVersion"] == 1


def test_a_price_change_between_view_and_buy_reverts_even_back_to_the_same_price(env: CatalogEnv) -> None:
    """A price changed and changed back is the same unit price but other terms: still refused."""
    pid = env.list_product(price=PRICE)
    env.send(env.catalog.functions.setPrice(pid, 2 * PRICE), env.seller)
    env.send(env.catalog.functions.setPrice(pid, PRICE), env.seller)
    with env.expect_revert("CatalogTermsChanged", pid, 0, 2):
        env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 0), env.buyer, value=PRICE)
    env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 2), env.buyer, value=PRICE)


def test_the_wrong_currency_reverts(env: CatalogEnv, usd: Contract) -> None:
    """ETH named for a token product, a token named for an ETH product, or another token."""
    eth_product = env.list_product(price=PRICE)
    usd_product = env.list_product(price=5_000_000, currency=usd.address)
    other_token = env.deploy_token("TestUSD", holders=[env.buyer])
    with env.expect_revert("CatalogWrongCurrency", eth_product, usd.address, ETH):
        env.send(env.catalog.functions.buy(eth_product, 1, usd.address, PRICE, 0), env.buyer)
    with env.expect_revert("CatalogWrongCurrency", usd_product, ETH, usd.address):
        env.send(env.catalog.functions.buy(usd_product, 1, ETH, 5_000_000, 0), env.buyer, value=5_000_000)
    with env.expect_revert("CatalogWrongCurrency", usd_product, other_token.address, usd.address):
        env.send(env.catalog.functions.buy(usd_product, 1, other_token.address, 5_000_000, 0), env.buyer)
    assert env.balance(env.catalog.address) == 0
    assert env.balance(env.catalog.address, usd.address) == 0


def test_setstock_between_view_and_buy_does_not_change_the_terms(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, stock=1)
    env.send(env.catalog.functions.setStock(pid, 5), env.seller)
    env.send(env.catalog.functions.buy(pid, 4, ETH, PRICE, 0), env.buyer, value=4 * PRICE)


def test_too_many_orders(env: CatalogEnv) -> None:
    """orderNo is a uint32: order 2^32-1 is the last (reached by writing the counter)."""
    pid = env.list_product(price=PRICE, stock=10, escrow_window=100)
    env.poke_sale_slot(pid, orderCount=UINT32_MAX - 1)
    assert env.order_no(env.buy(pid)) == UINT32_MAX
    assert env.order(pid, UINT32_MAX)["state"] == State.PAID
    with env.expect_revert("CatalogTooManyOrders", pid):
        env.buy(pid)
    assert env.product(pid)["orderCount"] == UINT32_MAX
    assert env.product(pid)["stock"] == 9
    # the last order still settles
    env.send(env.catalog.functions.confirm(pid, UINT32_MAX), env.buyer)
    assert env.withdrawable(env.seller) == PRICE


def test_seller_may_buy_own_product(env: CatalogEnv) -> None:
    """Nothing forbids it (see the review test in test_settlement for what it allows)."""
    pid = env.list_product(price=PRICE, escrow_window=0)
    env.buy(pid, 1, buyer=env.seller)
    assert env.withdrawable(env.seller) == PRICE


# -- terms versions: each order keeps the price it paid ------------------------------------------------------


@pytest.mark.parametrize("window", [0, 1_000])
def test_orders_keep_the_price_they_paid(env: CatalogEnv, window: int) -> None:
    a, b, qty = 1_000, 7_000, 3
    pid = env.list_product(price=a, stock=20, escrow_window=window)
    env.buy(pid, qty)
    env.send(env.catalog.functions.setPrice(pid, b), env.seller)
    env.buy(pid, qty, buyer=env.other)
    assert env.order(pid, 1)["amount"] == qty * a
    assert env.order(pid, 2)["amount"] == qty * b
    assert env.balance(env.catalog.address) == qty * (a + b)
    if window:
        assert env.withdrawable(env.seller) == 0
        env.send(env.catalog.functions.confirm(pid, 1), env.buyer)
        assert env.withdrawable(env.seller) == qty * a
        env.send(env.catalog.functions.refund(pid, 2), env.seller)
        assert env.withdrawable(env.other) == qty * b
    else:
        assert env.withdrawable(env.seller) == qty * (a + b)
    env.assert_money_invariant()


def test_refund_after_price_change_returns_what_was_paid(env: CatalogEnv) -> None:
    pid = env.list_product(price=500, stock=20, escrow_window=1_000)
    env.buy(pid, 4)
    env.send(env.catalog.functions.setPrice(pid, 9_999), env.seller)
    env.send(env.catalog.functions.refund(pid, 1), env.seller)
    assert env.withdrawable(env.buyer) == 4 * 500
    env.assert_money_invariant()


def test_several_price_changes(env: CatalogEnv) -> None:
    """Orders at versions 0..n, some versions without orders and a price changed twice between orders;
    every order keeps its amount, and settling each one credits exactly that."""
    pid = env.list_product(price=100, stock=1_000, escrow_window=1_000)
    expected: dict[int, int] = {}
    prices_and_orders = [(100, 2), (None, 0), (250, 1), (130, 0), (990, 3), (100, 1), (1, 2), (10**22 + 3, 1)]
    for price, n_orders in prices_and_orders:
        if price is not None and price != env.product(pid)["price"]:
            env.send(env.catalog.functions.setPrice(pid, price), env.seller)
        for _ in range(n_orders):
            quantity = len(expected) % 3 + 1
            order_no = env.order_no(env.buy(pid, quantity))
            expected[order_no] = quantity * env.product(pid)["price"]
        env.send(env.catalog.functions.setPrice(pid, 77), env.seller)  # an extra version in between
    assert {o["orderNo"]: o["amount"] for o in env.orders(pid, 0, 100)} == expected
    assert env.product(pid)["price"] == 77
    # settle alternately: confirm (seller credited) and refund (buyer credited)
    seller_credit = buyer_credit = 0
    for order_no, amount in expected.items():
        if order_no % 2:
            env.send(env.catalog.functions.confirm(pid, order_no), env.buyer)
            seller_credit += amount
        else:
            env.send(env.catalog.functions.refund(pid, order_no), env.seller)
            buyer_credit += amount
        assert env.withdrawable(env.seller) == seller_credit
        assert env.withdrawable(env.buyer) == buyer_credit
        assert env.order(pid, order_no)["amount"] == amount  # unchanged by settling
        env.assert_money_invariant()
    assert env.balance(env.catalog.address) == seller_credit + buyer_credit


def test_price_change_before_any_order(env: CatalogEnv) -> None:
    """Versions without orders are not archived; orders at later versions still resolve."""
    pid = env.list_product(price=10, stock=100, escrow_window=1_000)
    for price in (20, 30, 40):
        env.send(env.catalog.functions.setPrice(pid, price), env.seller)
    env.buy(pid, 2)
    env.send(env.catalog.functions.setPrice(pid, 50), env.seller)
    env.buy(pid, 1)
    assert [o["amount"] for o in env.orders(pid, 0, 10)] == [80, 50]
    env.send(env.catalog.functions.confirm(pid, 1), env.buyer)
    assert env.withdrawable(env.seller) == 80
