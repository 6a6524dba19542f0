"""A party that rejects ETH: a seller or buyer contract whose receive function reverts. Money is pulled, so
every settlement still completes; the rejecting party's own withdrawal fails and keeps its credit, which it
then withdraws to another address; and no one else is held up by it."""

import pytest
from conftest import (
    DIGEST,
    ESCROW_WINDOW,
    ETH,
    HANDLING_TIME,
    NO_DATA,
    PRICE,
    RAW,
    as_contract,
    assert_money_invariant,
    buy,
    list_product,
    listed_by,
    reverts_with,
)

pytestmark = pytest.mark.reliability("attack")

QUANTITY = 4
SPLIT = PRICE  # the arbiter's ruling: PRICE back to the buyer, the rest to the seller


def settle_rejecting_seller(catalog, attacker, buyer, stranger, arbiter, chain, path):
    """The attacker sells QUANTITY units to the buyer and the order settles by `path`; returns what the
    attacker and the buyer are owed."""
    if path == "immediate":
        buy(catalog, buyer, listed_by(attacker, catalog), quantity=QUANTITY)
        return QUANTITY * PRICE, 0
    product_id = listed_by(attacker, catalog, escrow_window=ESCROW_WINDOW, arbiter=arbiter)
    order_no = buy(catalog, buyer, product_id, quantity=QUANTITY)
    as_contract(attacker, catalog, "ship", product_id, order_no, DIGEST, RAW)
    if path == "confirm":
        catalog.confirm(product_id, order_no, {"from": buyer})
    elif path == "release":
        chain.sleep(ESCROW_WINDOW + 1)
        catalog.release(product_id, order_no, {"from": stranger})  # anyone may release
    else:  # resolve
        catalog.dispute(product_id, order_no, {"from": buyer})
        catalog.resolve(product_id, order_no, SPLIT, {"from": arbiter})
        return QUANTITY * PRICE - SPLIT, SPLIT
    return QUANTITY * PRICE, 0


def settle_rejecting_buyer(catalog, attacker, seller, arbiter, chain, path):
    """The attacker buys QUANTITY units from the seller and the order settles by `path`; returns what the
    attacker and the seller are owed."""
    product_id = list_product(catalog, seller, arbiter=arbiter)
    tx = as_contract(attacker, catalog, "buy", product_id, QUANTITY, ETH, PRICE, 0, NO_DATA, value=QUANTITY * PRICE)
    order_no = tx.events["Purchased"]["orderNo"]
    if path == "refund":
        catalog.refund(product_id, order_no, {"from": seller})
    elif path == "cancel":
        chain.sleep(HANDLING_TIME + 1)
        as_contract(attacker, catalog, "cancel", product_id, order_no)
    else:  # resolve
        catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
        as_contract(attacker, catalog, "dispute", product_id, order_no)
        catalog.resolve(product_id, order_no, SPLIT, {"from": arbiter})
        return SPLIT, QUANTITY * PRICE - SPLIT
    return QUANTITY * PRICE, 0


@pytest.fixture
def bystander(catalog, seller, stranger):
    """Someone else's business beside the attack: the seller's credit from an unrelated sale to the stranger."""
    product_id = list_product(catalog, seller, escrow_window=0)
    buy(catalog, stranger, product_id, quantity=3)
    return 3 * PRICE


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("seller", "immediate"),
        ("seller", "confirm"),
        ("seller", "release"),
        ("seller", "resolve"),
        ("buyer", "refund"),
        ("buyer", "cancel"),
        ("buyer", "resolve"),
    ],
)
def test_a_party_that_rejects_ether_settles_and_withdraws_elsewhere(
    catalog, accounts, seller, buyer, stranger, arbiter, chain, make_attacker, bystander, role, path
):
    attacker = make_attacker()
    attacker.setRejecting(True, {"from": stranger})
    # the settlement completes although the attacker would refuse any ether sent to it
    if role == "seller":
        owed, counterparty_owed = settle_rejecting_seller(catalog, attacker, buyer, stranger, arbiter, chain, path)
        counterparty = buyer
    else:
        owed, counterparty_owed = settle_rejecting_buyer(catalog, attacker, seller, arbiter, chain, path)
        counterparty = seller
    assert catalog.withdrawable(attacker, ETH) == owed
    expected_credit = counterparty_owed + (bystander if counterparty == seller else 0)
    assert catalog.withdrawable(counterparty, ETH) == expected_credit
    assert_money_invariant(catalog, [*accounts, attacker])

    # its own withdrawal is refused by its receive function and keeps the credit whole
    with reverts_with("CatalogWithdrawFailed", attacker, owed):
        as_contract(attacker, catalog, "withdraw", ETH, attacker)
    assert catalog.withdrawable(attacker, ETH) == owed

    # it blocks no one: the seller takes the unrelated sale's money, the counterparty its share
    seller_balance = seller.balance()
    catalog.withdraw(ETH, seller, {"from": seller})
    assert seller.balance() == seller_balance + bystander + (counterparty_owed if counterparty == seller else 0)
    if counterparty == buyer and counterparty_owed:
        buyer_balance = buyer.balance()
        catalog.withdraw(ETH, buyer, {"from": buyer})
        assert buyer.balance() == buyer_balance + counterparty_owed

    # and it takes its own money to another address it names
    payee = accounts[5]
    payee_balance = payee.balance()
    tx = as_contract(attacker, catalog, "withdraw", ETH, payee)
    assert tx.events["Withdrawn"] == {"account": attacker, "currency": ETH, "to": payee, "amount": owed}
    assert payee.balance() == payee_balance + owed
    assert catalog.withdrawable(attacker, ETH) == 0
    assert attacker.receiveCount() == 0
    assert_money_invariant(catalog, [*accounts, attacker])
