"""Reentrancy: an attacker contract calls back into the Catalog while it is being paid (its receive
function during a withdrawal), and a malicious token calls back in the middle of its own transfer (during
a purchase or a withdrawal). The Catalog has no reentrancy guard on purpose (every state change comes
before the one external call): these attacks are what holds it to that. Each takes at most what it is owed,
and everyone else's money stays where it was."""

import pytest
from conftest import (
    ESCROW_WINDOW,
    ETH,
    PAID,
    PRICE,
    STOCK,
    USD,
    as_contract,
    assert_money_invariant,
    buy,
    error_data,
    hook_results,
    list_product,
    listed_by,
    reverts_with,
)

pytestmark = pytest.mark.reliability("attack")


@pytest.fixture
def rich(catalog, seller, buyer, stranger):
    """Other people's money in the Catalog, far more than any attacker's: the seller's credit of 50 PRICE,
    an escrowed order of 50 PRICE, and the stranger's credit of 21 PRICE."""
    escrowed = list_product(catalog, seller, price=10 * PRICE, stock=100)
    buy(catalog, buyer, escrowed, quantity=5, price=10 * PRICE)
    buy(catalog, stranger, escrowed, quantity=5, price=10 * PRICE)
    catalog.confirm(escrowed, 1, {"from": buyer})
    immediate = list_product(catalog, stranger, price=7 * PRICE, stock=100, escrow_window=0)
    buy(catalog, buyer, immediate, quantity=3, price=7 * PRICE)
    return escrowed


def arm(attacker, calls, swallow, catalog=None):
    """Program an attacker's next hook: `calls` are (wei, calldata) for an Actor, calldata for a token."""
    if catalog is None:
        attacker.arm([value for value, _ in calls], [data for _, data in calls], swallow)
    else:
        attacker.arm([catalog] * len(calls), calls, swallow)


# -- an attacker contract that reenters from its receive function --------------------------------------


def test_a_reentrant_withdraw_gets_nothing_more(catalog, accounts, buyer, rich, make_attacker):
    attacker = make_attacker()
    product_id = listed_by(attacker, catalog)
    buy(catalog, buyer, product_id, quantity=2)
    again = catalog.withdraw.encode_input(ETH, attacker)
    arm(attacker, [(0, again)] * 3, swallow=True)
    held = catalog.balance()

    tx = as_contract(attacker, catalog, "withdraw", ETH, attacker)

    # one withdrawal, of its own credit; each reentrant attempt found the balance already zero
    assert [event.name for event in tx.events] == ["Withdrawn"]
    assert tx.events["Withdrawn"]["amount"] == 2 * PRICE
    assert hook_results(attacker) == [error_data(catalog, "CatalogNothingToWithdraw", attacker)] * 3
    assert attacker.balance() == 2 * PRICE
    assert attacker.receiveCount() == 1
    assert catalog.balance() == held - 2 * PRICE
    assert_money_invariant(catalog, [*accounts, attacker])


def test_a_reentrant_withdraw_that_insists_fails_whole(catalog, accounts, buyer, rich, make_attacker):
    """If the attacker lets the reentrant failure propagate, its own withdrawal fails and is undone."""
    attacker = make_attacker()
    product_id = listed_by(attacker, catalog)
    buy(catalog, buyer, product_id, quantity=2)
    arm(attacker, [(0, catalog.withdraw.encode_input(ETH, attacker))], swallow=False)
    held = catalog.balance()

    with reverts_with("CatalogWithdrawFailed", attacker, 2 * PRICE):
        as_contract(attacker, catalog, "withdraw", ETH, attacker)

    assert catalog.withdrawable(attacker, ETH) == 2 * PRICE
    assert catalog.balance() == held
    assert attacker.balance() == 0
    assert_money_invariant(catalog, [*accounts, attacker])


def test_reentrant_refund_withdraw_and_buy_take_only_what_is_owed(
    catalog, accounts, seller, buyer, stranger, rich, make_attacker
):
    """During its withdrawal the attacker refunds its own escrowed purchase, withdraws that refund, buys
    something and refunds another buyer. It ends with exactly its credit plus its refund minus what it
    spent; everyone else's money stays in place."""
    attacker = make_attacker(funding=100 * PRICE)
    escrowed = listed_by(attacker, catalog, escrow_window=ESCROW_WINDOW)
    immediate = listed_by(attacker, catalog)
    # the attacker buys 4 units of its own escrowed product (order 1), the buyer 1 (order 2)
    as_contract(attacker, catalog, "buy", escrowed, 4, ETH, PRICE, 0, value=4 * PRICE)
    buy(catalog, buyer, escrowed)
    buy(catalog, buyer, immediate, quantity=3)  # the attacker's credit: 3 PRICE
    target = list_product(catalog, stranger, price=2 * PRICE, stock=5, escrow_window=0)
    credits = {party: catalog.withdrawable(party, ETH) for party in (seller, buyer, stranger)}
    arm(
        attacker,
        [
            (0, catalog.refund.encode_input(escrowed, 1)),
            (0, catalog.withdraw.encode_input(ETH, attacker)),
            (2 * PRICE, catalog.buy.encode_input(target, 1, ETH, 2 * PRICE, 0)),
            (0, catalog.refund.encode_input(escrowed, 2)),
        ],
        swallow=False,
    )
    attacker_before, catalog_before = attacker.balance(), catalog.balance()

    tx = as_contract(attacker, catalog, "withdraw", ETH, attacker)

    assert hook_results(attacker) == [None] * 4
    names = [event.name for event in tx.events]
    assert names == ["Withdrawn", "OrderRefunded", "Withdrawn", "Purchased", "OrderRefunded"]
    assert [w["amount"] for w in tx.events["Withdrawn"]] == [3 * PRICE, 4 * PRICE]
    # the attacker: +3 (its credit) +4 (its own refund) -2 (the purchase)
    assert attacker.balance() == attacker_before + 5 * PRICE
    assert catalog.withdrawable(attacker, ETH) == 0
    assert catalog.balance() == catalog_before - 5 * PRICE
    # everyone else: the stranger was paid for the sale, the buyer refunded, the seller untouched
    assert catalog.withdrawable(stranger, ETH) == credits[stranger] + 2 * PRICE
    assert catalog.withdrawable(buyer, ETH) == credits[buyer] + PRICE
    assert catalog.withdrawable(seller, ETH) == credits[seller]
    assert catalog.getProduct(escrowed)["stock"] == STOCK  # both refunds returned their units
    assert_money_invariant(catalog, [*accounts, attacker])


@pytest.mark.parametrize("swallow", [True, False], ids=["swallowed", "propagated"])
def test_reentrant_settlement_of_someone_elses_order_fails(catalog, accounts, seller, buyer, make_attacker, swallow):
    """From inside its withdrawal the attacker tries the other parties' actions: confirm a buyer's order,
    refund and release a seller's order (release is open to anyone, but only for a shipped order whose
    window passed), change their product. None of it is allowed."""
    product_id = list_product(catalog, seller)
    buy(catalog, buyer, product_id, quantity=2)
    attacker = make_attacker()
    buy(catalog, buyer, listed_by(attacker, catalog))
    calls = [
        catalog.confirm.encode_input(product_id, 1),
        catalog.refund.encode_input(product_id, 1),
        catalog.release.encode_input(product_id, 1),
        catalog.setPrice.encode_input(product_id, 1),
    ]
    arm(attacker, [(0, data) for data in calls], swallow=swallow)

    if swallow:
        as_contract(attacker, catalog, "withdraw", ETH, attacker)
        assert hook_results(attacker) == [
            error_data(catalog, "CatalogNotBuyer", product_id, 1, attacker),
            error_data(catalog, "CatalogNotSeller", product_id, attacker),
            error_data(catalog, "CatalogWrongOrderState", product_id, 1, PAID),  # anyone releases, but shipped
            error_data(catalog, "CatalogNotSeller", product_id, attacker),
        ]
        assert attacker.balance() == PRICE
    else:
        with reverts_with("CatalogWithdrawFailed", attacker, PRICE):
            as_contract(attacker, catalog, "withdraw", ETH, attacker)
        assert catalog.withdrawable(attacker, ETH) == PRICE
    order = catalog.getOrder(product_id, 1).dict()
    assert (order["state"], order["amount"]) == (PAID, 2 * PRICE)
    assert catalog.getProduct(product_id)["price"] == PRICE
    assert catalog.withdrawable(seller, ETH) == catalog.withdrawable(buyer, ETH) == 0
    assert_money_invariant(catalog, [*accounts, attacker])


# -- a token that reenters from inside its own transfer -------------------------------------------------


@pytest.fixture
def evil(ReentrantToken, catalog, deployer, buyer, stranger, rich):
    """ReentrantToken, held and approved by the buyer and the stranger. It sells an ETH product itself, so it
    has an ETH credit in the Catalog to play with, beside everyone else's money."""
    token = ReentrantToken.deploy({"from": deployer})
    for holder in (buyer, stranger):
        token.mint(holder, 1_000 * USD, {"from": holder})
        token.approve(catalog, 2**256 - 1, {"from": holder})
    buy(catalog, buyer, listed_by(token, catalog), quantity=2)  # the token's ETH credit: 2 PRICE
    return token


def test_a_token_reentering_withdraw_during_a_purchase_takes_only_its_own(catalog, accounts, seller, buyer, evil):
    """The hook takes the token's own ETH credit, once: a legitimate withdrawal that happens to run inside
    a purchase. The purchase itself is accounted exactly."""
    product_id = list_product(catalog, seller, price=USD, currency=evil.address)
    seller_credit = catalog.withdrawable(seller, ETH)
    arm(evil, [catalog.withdraw.encode_input(ETH, evil)] * 2, swallow=True, catalog=catalog)

    buy(catalog, buyer, product_id, quantity=2, price=USD, currency=evil.address)

    assert hook_results(evil) == [None, error_data(catalog, "CatalogNothingToWithdraw", evil)]
    assert evil.balance() == 2 * PRICE
    assert catalog.withdrawable(seller, ETH) == seller_credit
    assert evil.balanceOf(catalog) == 2 * USD
    assert catalog.getOrder(product_id, 1)["amount"] == 2 * USD
    assert_money_invariant(catalog, [*accounts, evil])
    assert_money_invariant(catalog, [*accounts, evil], token=evil)


@pytest.mark.parametrize("reentry", ["withdraw", "buy"])
def test_moving_the_token_inside_a_purchase_is_refused(catalog, accounts, seller, buyer, stranger, evil, reentry):
    """The hook withdraws the token's own balance in itself, or nests a second purchase in the same token:
    the outer purchase sees the Catalog's balance move by another amount than its price and reverts whole
    (nothing double-counted, nothing paid out)."""
    product_id = list_product(catalog, seller, price=USD, currency=evil.address)
    buy(catalog, buyer, product_id, price=USD, currency=evil.address)  # the Catalog holds USD of the token
    own = listed_by(evil, catalog, price=5, currency=evil.address)
    buy(catalog, buyer, own, quantity=3, price=5, currency=evil.address)  # the token's credit in itself: 15
    evil.mint(evil, 10**9, {"from": seller})
    evil.exec(evil, evil.approve.encode_input(catalog, 2**255), {"from": seller})
    hook = {
        "withdraw": catalog.withdraw.encode_input(evil, evil),
        "buy": catalog.buy.encode_input(product_id, 1, evil, USD, 0),
    }[reentry]
    arm(evil, [hook], swallow=False, catalog=catalog)
    held = evil.balanceOf(catalog)
    received = USD - 15 if reentry == "withdraw" else 2 * USD

    with reverts_with("CatalogTokenShortfall", evil, received, USD):
        buy(catalog, stranger, product_id, price=USD, currency=evil.address)

    assert evil.balanceOf(catalog) == held
    assert catalog.getProduct(product_id)["orderCount"] == 1
    assert catalog.withdrawable(evil, evil) == 15
    assert_money_invariant(catalog, [*accounts, evil], token=evil)


def test_a_token_reentering_its_own_withdrawal_is_paid_once(catalog, accounts, buyer, arbiter, evil):
    product_id = listed_by(evil, catalog, price=USD, currency=evil.address)
    buy(catalog, buyer, product_id, quantity=2, price=USD, currency=evil.address)  # the token sold 2 for itself
    arm(evil, [catalog.withdraw.encode_input(evil, evil)] * 3, swallow=True, catalog=catalog)
    held = evil.balanceOf(arbiter)

    as_contract(evil, catalog, "withdraw", evil, arbiter)

    assert hook_results(evil) == [error_data(catalog, "CatalogNothingToWithdraw", evil)] * 3
    assert evil.balanceOf(arbiter) == held + 2 * USD
    assert evil.balanceOf(catalog) == 0
    assert_money_invariant(catalog, [*accounts, evil], token=evil)


def test_a_token_reentering_other_peoples_orders_is_refused(catalog, accounts, seller, buyer, usd, evil):
    """From inside a transfer, the token tries the parties' actions on orders in other currencies."""
    usd_product = list_product(catalog, seller, price=USD, currency=usd.address)
    buy(catalog, buyer, usd_product, price=USD, currency=usd.address)
    eth_product = list_product(catalog, seller)
    buy(catalog, buyer, eth_product)
    product_id = list_product(catalog, seller, price=USD, currency=evil.address)
    calls = [
        catalog.confirm.encode_input(usd_product, 1),
        catalog.refund.encode_input(eth_product, 1),
        catalog.cancel.encode_input(eth_product, 1),
        catalog.release.encode_input(usd_product, 1),
        catalog.withdraw.encode_input(usd, evil),
    ]
    arm(evil, calls, swallow=True, catalog=catalog)

    buy(catalog, buyer, product_id, price=USD, currency=evil.address)

    assert hook_results(evil) == [
        error_data(catalog, "CatalogNotBuyer", usd_product, 1, evil),
        error_data(catalog, "CatalogNotSeller", eth_product, evil),
        error_data(catalog, "CatalogNotBuyer", eth_product, 1, evil),
        error_data(catalog, "CatalogWrongOrderState", usd_product, 1, PAID),
        error_data(catalog, "CatalogNothingToWithdraw", evil),
    ]
    assert catalog.getOrder(usd_product, 1)["state"] == catalog.getOrder(eth_product, 1)["state"] == PAID
    for token in (None, usd, evil):
        assert_money_invariant(catalog, [*accounts, evil], token=token)
