"""Non-party calls: every account that is not an order's or a product's party (a stranger, the deployer, who
has no powers in an ownerless contract, and the other parties in the wrong role) calls each restricted
action on someone else's order or product. Each call reverts with the custom error that names why, changes
nothing, and the same call then succeeds from the party it belongs to."""

import pytest
from conftest import DIGEST, ETH, HANDLING_TIME, PRICE, RAW, buy, list_product, reverts_with

pytestmark = pytest.mark.reliability("attack")

ROLES = ("deployer", "stranger", "seller", "buyer", "arbiter")
SPLIT = PRICE // 2
OTHER_DIGEST = "0x" + "cd" * 32


def not_seller(product_id, order_no, caller):
    return "CatalogNotSeller", product_id, caller


def not_buyer(product_id, order_no, caller):
    return "CatalogNotBuyer", product_id, order_no, caller


def not_arbiter(product_id, order_no, caller):
    return "CatalogNotArbiter", product_id, caller


def nothing_to_withdraw(product_id, order_no, caller):
    return "CatalogNothingToWithdraw", caller


# action: (the order it acts on, the role it belongs to, its arguments, the error a non-party gets)
ACTIONS = {
    "ship": ("unshipped", "seller", lambda p, o, who: (p, o, DIGEST, RAW), not_seller),
    "refund": ("paid", "seller", lambda p, o, who: (p, o), not_seller),
    "cancel": ("paid", "buyer", lambda p, o, who: (p, o), not_buyer),
    "confirm": ("shipped", "buyer", lambda p, o, who: (p, o), not_buyer),
    "dispute": ("shipped", "buyer", lambda p, o, who: (p, o), not_buyer),
    "review": ("completed", "buyer", lambda p, o, who: (p, o, 5, DIGEST, RAW), not_buyer),
    "resolve": ("disputed", "arbiter", lambda p, o, who: (p, o, SPLIT), not_arbiter),
    # withdraw takes only the caller's own credit: the seller has one, no one else does
    "withdraw": ("completed", "seller", lambda p, o, who: (ETH, who), nothing_to_withdraw),
    "setPrice": ("paid", "seller", lambda p, o, who: (p, 2 * PRICE), not_seller),
    "setStock": ("paid", "seller", lambda p, o, who: (p, 1), not_seller),
    "setMetadata": ("paid", "seller", lambda p, o, who: (p, OTHER_DIGEST, RAW), not_seller),
    "delist": ("paid", "seller", lambda p, o, who: (p,), not_seller),
}


@pytest.fixture(scope="module")
def parties(deployer, seller, buyer, stranger, arbiter):
    return {"deployer": deployer, "stranger": stranger, "seller": seller, "buyer": buyer, "arbiter": arbiter}


@pytest.fixture(scope="module")
def orders(catalog, seller, buyer, arbiter, chain):
    """An escrowed product with an arbiter and one order in each state the actions need, each at a point
    where its rightful party may act: Paid past the handling time (cancellable), Paid within it (shippable),
    Shipped inside the window, Disputed, and Completed (reviewable; the seller holds its PRICE as credit)."""
    product_id = list_product(catalog, seller, arbiter=arbiter)
    paid = buy(catalog, buyer, product_id)
    chain.sleep(HANDLING_TIME + 1)
    unshipped, shipped, disputed, completed = (buy(catalog, buyer, product_id) for _ in range(4))
    for order_no in (shipped, disputed, completed):
        catalog.ship(product_id, order_no, DIGEST, RAW, {"from": seller})
    catalog.dispute(product_id, disputed, {"from": buyer})
    catalog.confirm(product_id, completed, {"from": buyer})
    orders = {"paid": paid, "unshipped": unshipped, "shipped": shipped, "disputed": disputed, "completed": completed}
    return product_id, orders


def state(catalog, parties, product_id, orders):
    """Everything a call could change: the product, its orders, every party's credit, the ether held."""
    return (
        catalog.getProduct(product_id),
        [catalog.getOrder(product_id, order_no) for order_no in orders.values()],
        [catalog.withdrawable(account, ETH) for account in parties.values()],
        catalog.balance(),
    )


# One test per action: a refused call changes nothing, so every non-party tries it in turn on the same
# chain (one snapshot, one state read per call: on Ganache each read is a round trip).
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_non_party_call_reverts_by_name_and_changes_nothing(catalog, parties, orders, action):
    product_id, order_nos = orders
    order, owner, arguments, error = ACTIONS[action]
    order_no = order_nos[order]
    before = state(catalog, parties, product_id, order_nos)

    for caller in ROLES:
        if caller == owner:
            continue
        who = parties[caller]
        with reverts_with(*error(product_id, order_no, who)):
            getattr(catalog, action)(*arguments(product_id, order_no, who), {"from": who})
        assert state(catalog, parties, product_id, order_nos) == before, f"{action} by the {caller} changed state"

    # the same call is the party's to make: it succeeds from the owner
    tx = getattr(catalog, action)(*arguments(product_id, order_no, parties[owner]), {"from": parties[owner]})
    assert tx.status == 1
    assert state(catalog, parties, product_id, order_nos) != before
