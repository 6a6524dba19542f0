"""The order state machine: every transition, every forbidden one by name, who may, when, and where the
money goes (ship, cancel, confirm, dispute, release, refund, resolve, settle, review). The settlement
offers themselves (offer, replace, withdraw, accept) are in test_offers.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.catalog_env import (
    DIGEST,
    DIGEST2,
    ETH,
    HANDLING,
    MAX_ESCROW_WINDOW,
    MAX_HANDLING_TIME,
    UINT32_MAX,
    WINDOW,
    CatalogEnv,
    Codec,
    State,
    stage,
)

PRICE = 10**15
QUANTITY = 2
AMOUNT = QUANTITY * PRICE

# Who may move an order out of which state, and where to (README "Buyer protection").
TRANSITIONS: dict[str, dict[State, State]] = {
    "ship": {State.PAID: State.SHIPPED},
    "cancel": {State.PAID: State.CANCELLED},
    "confirm": {State.PAID: State.COMPLETED, State.SHIPPED: State.COMPLETED, State.DISPUTED: State.COMPLETED},
    "dispute": {State.SHIPPED: State.DISPUTED},
    "release": {State.SHIPPED: State.COMPLETED},
    "refund": {State.PAID: State.REFUNDED, State.SHIPPED: State.REFUNDED, State.DISPUTED: State.REFUNDED},
    "resolve": {State.DISPUTED: State.RESOLVED},
    "settle": {State.PAID: State.SETTLED, State.SHIPPED: State.SETTLED, State.DISPUTED: State.SETTLED},
    "review": {State.COMPLETED: State.REVIEWED, State.RESOLVED: State.REVIEWED, State.SETTLED: State.REVIEWED},
}
EVENTS = {
    "ship": "OrderShipped",
    "cancel": "OrderCancelled",
    "confirm": "OrderConfirmed",
    "dispute": "OrderDisputed",
    "release": "OrderReleased",
    "refund": "OrderRefunded",
    "resolve": "OrderResolved",
    "settle": "OrderSettled",
    "review": "Reviewed",
}
SPLIT = PRICE // 4  # the buyer's share in `resolve` and in a settlement


def make_order(env: CatalogEnv, state: State, arbiter: str | None = None) -> tuple[int, int]:
    """A fresh escrowed product (arbiter `env.arbiter` unless given) and its order 1 of QUANTITY units
    bought by `buyer`, driven into `state` by the actions that lead there."""
    pid = env.list_escrowed(price=PRICE, stock=10, arbiter=env.arbiter if arbiter is None else arbiter)
    no = env.order_no(env.buy(pid, QUANTITY))
    f = env.catalog.functions
    if state in (State.SHIPPED, State.DISPUTED, State.RESOLVED, State.SETTLED):
        env.send(f.ship(pid, no, DIGEST, 0), env.seller)
    if state in (State.DISPUTED, State.RESOLVED):
        env.send(f.dispute(pid, no), env.buyer)
    if state == State.RESOLVED:
        env.send(f.resolve(pid, no, SPLIT), env.arbiter)
    if state in (State.COMPLETED, State.REVIEWED):
        env.send(f.confirm(pid, no), env.buyer)
    if state == State.REVIEWED:
        env.send(f.review(pid, no, 5, DIGEST, 0), env.buyer)
    if state == State.REFUNDED:
        env.send(f.refund(pid, no), env.seller)
    if state == State.CANCELLED:
        env.advance_to(env.order(pid, no)["deadline"])
        env.send(f.cancel(pid, no), env.buyer)
    if state == State.SETTLED:  # after shipping
        env.send(f.offerSettlement(pid, no, SPLIT), env.seller)
        env.send(f.acceptSettlement(pid, no, SPLIT), env.buyer)
    assert env.order(pid, no)["state"] == state
    return pid, no


def act(env: CatalogEnv, action: str, pid: int, no: int, caller: str | None = None, timely: bool = True) -> Any:
    """Run `action` on the order as its rightful caller (or `caller`); `timely`: at a time it is allowed
    (an order that does not exist has no time)."""
    f = env.catalog.functions
    order = env.order(pid, no) if timely else {"state": State.NONE}
    if action in ("cancel", "release") and order["state"] in (State.PAID, State.SHIPPED):
        env.advance_to(order["deadline"])
    calls: dict[str, tuple[Any, str]] = {
        "ship": (f.ship(pid, no, DIGEST2, 1), env.seller),
        "cancel": (f.cancel(pid, no), env.buyer),
        "confirm": (f.confirm(pid, no), env.buyer),
        "dispute": (f.dispute(pid, no), env.buyer),
        "release": (f.release(pid, no), env.other),
        "refund": (f.refund(pid, no), env.seller),
        "resolve": (f.resolve(pid, no, SPLIT), env.arbiter),
        "review": (f.review(pid, no, 4, DIGEST2, 1), env.buyer),
    }
    if action == "settle":  # the seller offers (unless the order has left escrow), the buyer accepts
        if order["state"] in (State.PAID, State.SHIPPED, State.DISPUTED):
            env.send(f.offerSettlement(pid, no, SPLIT), env.seller)
        return env.send(f.acceptSettlement(pid, no, SPLIT), caller or env.buyer)
    call, rightful = calls[action]
    return env.send(call, caller or rightful)


# -- the whole table -------------------------------------------------------------------------------------

CASES = [(state, action) for state in State if state != State.NONE for action in TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s.name.lower()}-{a}" for s, a in CASES])
def test_every_action_from_every_state(env: CatalogEnv, state: State, action: str) -> None:
    """Allowed: the state moves forward to the one the table names, with its event. Forbidden: the named
    error with the order's state, and nothing changes."""
    pid, no = make_order(env, state)
    before = (env.order(pid, no), env.product(pid), {a: env.withdrawable(a) for a in env.accounts})
    target = TRANSITIONS[action].get(state)
    if target is None:
        error = "CatalogOrderNotReviewable" if action == "review" else "CatalogWrongOrderState"
        with env.expect_revert(error, pid, no, state):
            act(env, action, pid, no)
        assert (env.order(pid, no), env.product(pid), {a: env.withdrawable(a) for a in env.accounts}) == before
        return
    receipt = act(env, action, pid, no)
    assert stage(target) > stage(state)  # forward only
    assert env.order(pid, no)["state"] == target
    assert [name for name, _ in env.events(receipt)] == [EVENTS[action]]
    env.assert_money_invariant()


@pytest.mark.parametrize("action", TRANSITIONS)
def test_an_immediate_order_is_completed_and_can_only_be_reviewed(env: CatalogEnv, action: str) -> None:
    pid = env.list_product(price=PRICE, escrow_window=0)
    no = env.order_no(env.buy(pid))
    if action == "review":
        act(env, action, pid, no)
        assert env.order(pid, no)["state"] == State.REVIEWED
        return
    if action == "resolve":  # an immediate product has no arbiter
        with env.expect_revert("CatalogNotArbiter", pid, env.arbiter):
            act(env, action, pid, no)
        return
    with env.expect_revert("CatalogWrongOrderState", pid, no, State.COMPLETED):
        act(env, action, pid, no)


@pytest.mark.parametrize("action", TRANSITIONS)
@pytest.mark.parametrize(("pid", "no"), [(1, 2), (2**256 - 1, 1)])
def test_every_action_on_an_unknown_order(env: CatalogEnv, action: str, pid: int, no: int) -> None:
    make_order(env, State.PAID)
    with env.expect_revert("CatalogUnknownOrder", pid, no):
        act(env, action, pid, no, timely=False)


@pytest.mark.parametrize(("pid", "no"), [(1, 0), (0, 1), (2, 1)])
def test_unknown_orders_of_every_kind(env: CatalogEnv, pid: int, no: int) -> None:
    """Order 0, product 0, a product without orders: none is an order."""
    make_order(env, State.PAID)
    env.list_escrowed()
    with env.expect_revert("CatalogUnknownOrder", pid, no):
        env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    with env.expect_revert("CatalogUnknownOrder", pid, no):
        env.order(pid, no)


# -- roles -----------------------------------------------------------------------------------------------

ROLES: dict[str, tuple[State, str]] = {
    "ship": (State.PAID, "CatalogNotSeller"),
    "refund": (State.SHIPPED, "CatalogNotSeller"),
    "cancel": (State.PAID, "CatalogNotBuyer"),
    "confirm": (State.SHIPPED, "CatalogNotBuyer"),
    "dispute": (State.SHIPPED, "CatalogNotBuyer"),
    "review": (State.COMPLETED, "CatalogNotBuyer"),
    "resolve": (State.DISPUTED, "CatalogNotArbiter"),
}


@pytest.mark.parametrize("action", ROLES)
def test_only_the_rightful_party_acts(env: CatalogEnv, action: str) -> None:
    """The seller ships and refunds; the buyer cancels, confirms, disputes and reviews; the arbiter
    resolves. Each other party, the deployer and a stranger get the named error (checked before the state
    and the time)."""
    state, error = ROLES[action]
    pid, no = make_order(env, state)
    rightful = {"CatalogNotSeller": env.seller, "CatalogNotBuyer": env.buyer, "CatalogNotArbiter": env.arbiter}
    for caller in (env.seller, env.buyer, env.arbiter, env.other, env.deployer):
        if caller == rightful[error]:
            continue
        args = (pid, caller) if error != "CatalogNotBuyer" else (pid, no, caller)
        with env.expect_revert(error, *args):
            act(env, action, pid, no, caller=caller)
    assert env.order(pid, no)["state"] == state


def test_the_role_is_checked_before_the_state(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.REFUNDED)
    with env.expect_revert("CatalogNotBuyer", pid, no, env.other):
        env.send(env.catalog.functions.confirm(pid, no), env.other)
    with env.expect_revert("CatalogNotSeller", pid, env.other):
        env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.other)


def test_anyone_releases_and_only_the_seller_is_paid(env: CatalogEnv) -> None:
    """A seller who lost its key is still paid: the buyer, a stranger or the deployer can release."""
    for caller in (env.other, env.buyer, env.deployer, env.arbiter, env.seller):
        pid, no = make_order(env, State.SHIPPED)
        env.advance_to(env.order(pid, no)["deadline"])
        credits = {a: env.withdrawable(a) for a in env.accounts}
        receipt = env.send(env.catalog.functions.release(pid, no), caller)
        assert env.events(receipt) == [("OrderReleased", {"productId": pid, "orderNo": no})]
        credits[env.seller] += AMOUNT
        assert {a: env.withdrawable(a) for a in env.accounts} == credits


# -- each transition's effects ---------------------------------------------------------------------------


def test_ship_starts_the_escrow_window(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.PAID)
    placed = env.order(pid, no)["placedAt"]
    receipt = env.send(env.catalog.functions.ship(pid, no, DIGEST2, Codec.DAG_PB), env.seller)
    shipped = env.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    assert env.events(receipt) == [
        ("OrderShipped", {"productId": pid, "orderNo": no, "trackingDigest": DIGEST2, "trackingCodec": 1})
    ]
    order = env.order(pid, no)
    assert (order["state"], order["placedAt"], order["shippedAt"]) == (State.SHIPPED, 0, shipped)
    assert order["deadline"] == shipped + WINDOW
    assert shipped > placed
    assert env.withdrawable(env.seller) == 0  # still in escrow


def test_ship_without_tracking_document(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.PAID)
    receipt = env.send(env.catalog.functions.ship(pid, no, b"\x00" * 32, 0), env.seller)
    assert env.events(receipt)[0][1]["trackingDigest"] == b"\x00" * 32


@pytest.mark.parametrize("codec", [2, 255])
def test_ship_invalid_tracking_codec(env: CatalogEnv, codec: int) -> None:
    pid, no = make_order(env, State.PAID)
    with env.expect_revert("CatalogInvalidMetadata", DIGEST, codec):
        env.send(env.catalog.functions.ship(pid, no, DIGEST, codec), env.seller)


def test_cancel_only_once_the_handling_time_is_over(env: CatalogEnv) -> None:
    """A seller who never ships (or lost its key): the buyer takes the money back, the units return."""
    pid, no = make_order(env, State.PAID)
    deadline = env.order(pid, no)["deadline"]
    assert deadline == env.order(pid, no)["placedAt"] + HANDLING
    with env.expect_revert("CatalogHandlingTimeNotOver", pid, no, deadline):
        env.send(env.catalog.functions.cancel(pid, no), env.buyer)
    env.next_block_at(deadline - 1)  # the last second the seller has
    with env.expect_revert("CatalogHandlingTimeNotOver", pid, no, deadline):
        env.send(env.catalog.functions.cancel(pid, no), env.buyer)
    assert env.pending_timestamp() == deadline
    receipt = env.send(env.catalog.functions.cancel(pid, no), env.buyer)
    assert env.events(receipt) == [("OrderCancelled", {"productId": pid, "orderNo": no})]
    assert env.withdrawable(env.buyer) == AMOUNT
    assert env.withdrawable(env.seller) == 0
    assert env.product(pid)["stock"] == 10
    order = env.order(pid, no)
    assert (order["state"], order["shippedAt"], order["deadline"]) == (State.CANCELLED, 0, 0)
    env.assert_money_invariant()


@pytest.mark.parametrize("offset", [0, 1, WINDOW])
def test_no_shipping_from_the_handling_deadline_on(env: CatalogEnv, offset: int) -> None:
    """At the deadline and after it, a late shipment cannot take the buyer's cancel away: ship reverts by
    name, and cancel works."""
    pid, no = make_order(env, State.PAID)
    deadline = env.order(pid, no)["deadline"]
    env.next_block_at(deadline + offset)
    with env.expect_revert("CatalogShipDeadlinePassed", pid, no, deadline):
        env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.seller)
    assert env.order(pid, no)["state"] == State.PAID
    env.send(env.catalog.functions.cancel(pid, no), env.buyer)
    assert env.order(pid, no)["state"] == State.CANCELLED


def test_shipping_in_the_last_second_takes_the_cancel_away(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.PAID)
    deadline = env.order(pid, no)["deadline"]
    env.next_block_at(deadline - 1)
    receipt = env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.seller)
    assert env.block_timestamp(receipt) == deadline - 1
    with env.expect_revert("CatalogWrongOrderState", pid, no, State.SHIPPED):
        env.send(env.catalog.functions.cancel(pid, no), env.buyer)


@pytest.mark.parametrize("state", [State.PAID, State.SHIPPED, State.DISPUTED])
def test_confirm_credits_the_seller(env: CatalogEnv, state: State) -> None:
    """From Disputed, confirming withdraws the dispute."""
    pid, no = make_order(env, state)
    receipt = env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    assert env.events(receipt) == [("OrderConfirmed", {"productId": pid, "orderNo": no})]
    assert (env.withdrawable(env.seller), env.withdrawable(env.buyer), env.withdrawable(env.arbiter)) == (AMOUNT, 0, 0)
    assert env.product(pid)["stock"] == 10 - QUANTITY
    env.assert_money_invariant()


def test_dispute_only_within_the_window(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.SHIPPED)
    deadline = env.order(pid, no)["deadline"]
    env.next_block_at(deadline - 1)  # the last second of the window
    receipt = env.send(env.catalog.functions.dispute(pid, no), env.buyer)
    assert env.events(receipt) == [("OrderDisputed", {"productId": pid, "orderNo": no})]
    order = env.order(pid, no)
    assert (order["state"], order["deadline"]) == (State.DISPUTED, 0)  # no release time while disputed

    pid, no = make_order(env, State.SHIPPED)
    deadline = env.order(pid, no)["deadline"]
    env.next_block_at(deadline)  # the first second after the window: mined, and reverted
    tx = env.catalog.functions.dispute(pid, no).transact({"from": env.buyer, "gas": 200_000})
    receipt = env.w3.eth.wait_for_transaction_receipt(tx, timeout=120)  # anvil may answer before mining it
    assert (receipt["status"], env.w3.eth.get_block(receipt["blockNumber"])["timestamp"]) == (0, deadline)
    with env.expect_revert("CatalogDisputeWindowClosed", pid, no, deadline):  # replayed at `deadline`
        env.send(env.catalog.functions.dispute(pid, no), env.buyer)
    assert env.order(pid, no)["state"] == State.SHIPPED


def test_release_only_once_the_window_has_passed(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.SHIPPED)
    releasable_at = env.order(pid, no)["deadline"]
    assert releasable_at == env.order(pid, no)["shippedAt"] + WINDOW
    with env.expect_revert("CatalogEscrowNotExpired", pid, no, releasable_at):
        env.send(env.catalog.functions.release(pid, no), env.other)
    env.next_block_at(releasable_at - 1)
    with env.expect_revert("CatalogEscrowNotExpired", pid, no, releasable_at):
        env.send(env.catalog.functions.release(pid, no), env.other)
    assert env.pending_timestamp() == releasable_at
    env.send(env.catalog.functions.release(pid, no), env.other)
    assert env.withdrawable(env.seller) == AMOUNT
    assert env.order(pid, no)["state"] == State.COMPLETED


def test_release_with_the_longest_window(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, escrow_window=MAX_ESCROW_WINDOW, handling_time=MAX_HANDLING_TIME)
    no = env.order_no(env.buy(pid))
    assert env.order(pid, no)["deadline"] == env.order(pid, no)["placedAt"] + MAX_HANDLING_TIME
    env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.seller)
    order = env.order(pid, no)
    assert order["deadline"] == order["shippedAt"] + MAX_ESCROW_WINDOW
    env.next_block_at(order["deadline"])
    env.send(env.catalog.functions.release(pid, no), env.buyer)
    assert env.withdrawable(env.seller) == PRICE


@pytest.mark.parametrize("state", [State.PAID, State.SHIPPED, State.DISPUTED])
def test_refund_credits_the_buyer_and_restocks_only_unshipped_units(env: CatalogEnv, state: State) -> None:
    """Units the seller still has (never shipped) go back on sale; shipped ones are gone."""
    pid, no = make_order(env, state)
    receipt = env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert env.events(receipt) == [("OrderRefunded", {"productId": pid, "orderNo": no})]
    assert (env.withdrawable(env.buyer), env.withdrawable(env.seller)) == (AMOUNT, 0)
    assert env.product(pid)["stock"] == (10 if state == State.PAID else 10 - QUANTITY)
    env.assert_money_invariant()


def test_refund_and_cancel_after_delist_do_not_restock(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.SHIPPED)
    second = env.order_no(env.buy(pid, 1))
    env.send(env.catalog.functions.delist(pid), env.seller)
    env.send(env.catalog.functions.refund(pid, no), env.seller)
    env.advance_to(env.order(pid, second)["deadline"])
    env.send(env.catalog.functions.cancel(pid, second), env.buyer)
    assert env.product(pid)["stock"] == 0
    assert env.withdrawable(env.buyer) == AMOUNT + PRICE


def test_refund_stock_saturates_at_uint32_max(env: CatalogEnv) -> None:
    """(Order 1 never shipped: its units come back, up to the stock's width.)"""
    pid = env.list_escrowed(price=1, stock=10)
    env.buy(pid, 5)
    env.send(env.catalog.functions.setStock(pid, UINT32_MAX - 2), env.seller)
    env.send(env.catalog.functions.refund(pid, 1), env.seller)
    assert env.product(pid)["stock"] == UINT32_MAX
    assert env.withdrawable(env.buyer) == 5


def test_refund_adds_to_the_current_stock(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.PAID)
    env.send(env.catalog.functions.setStock(pid, 3), env.seller)
    env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert env.product(pid)["stock"] == 3 + QUANTITY


@pytest.mark.parametrize("buyer_amount", [0, 1, SPLIT, AMOUNT - 1, AMOUNT])
def test_resolve_splits_and_the_arbiter_gets_nothing(env: CatalogEnv, buyer_amount: int) -> None:
    pid, no = make_order(env, State.DISPUTED)
    arbiter_before = env.balance(env.arbiter)
    receipt = env.send(env.catalog.functions.resolve(pid, no, buyer_amount), env.arbiter)
    assert env.events(receipt) == [
        (
            "OrderResolved",
            {"productId": pid, "orderNo": no, "buyerAmount": buyer_amount, "sellerAmount": AMOUNT - buyer_amount},
        )
    ]
    assert (env.withdrawable(env.buyer), env.withdrawable(env.seller)) == (buyer_amount, AMOUNT - buyer_amount)
    assert env.withdrawable(env.arbiter) == 0
    assert env.balance(env.arbiter) == arbiter_before - env.gas_cost(receipt)  # it only paid gas
    assert env.product(pid)["stock"] == 10 - QUANTITY  # the goods were shipped: no restock
    order = env.order(pid, no)
    assert (order["state"], order["placedAt"], order["deadline"]) == (State.RESOLVED, 0, 0)
    env.assert_money_invariant()


def test_resolve_more_than_the_amount(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.DISPUTED)
    for buyer_amount in (AMOUNT + 1, 2**256 - 1):
        with env.expect_revert("CatalogInvalidSplit", buyer_amount, AMOUNT):
            env.send(env.catalog.functions.resolve(pid, no, buyer_amount), env.arbiter)


def test_an_arbiter_who_bought_cannot_rule_on_its_own_order(env: CatalogEnv) -> None:
    """The order stays frozen like a dispute without arbiter: the seller refunds or the buyer confirms."""
    pid = env.list_escrowed(price=PRICE, arbiter=env.arbiter)
    no = env.order_no(env.buy(pid, buyer=env.arbiter))
    env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.seller)
    env.send(env.catalog.functions.dispute(pid, no), env.arbiter)
    with env.expect_revert("CatalogArbiterIsParty", pid, no):
        env.send(env.catalog.functions.resolve(pid, no, PRICE), env.arbiter)
    env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert env.withdrawable(env.arbiter) == PRICE  # as the buyer, refunded by the seller


def test_a_dispute_without_arbiter_stays_until_the_seller_refunds_or_the_buyer_confirms(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.DISPUTED, arbiter=ETH)
    env.advance_to(env.order(pid, no)["deadline"] + 365 * 86_400)  # time does not unfreeze it
    with env.expect_revert("CatalogWrongOrderState", pid, no, State.DISPUTED):
        env.send(env.catalog.functions.release(pid, no), env.seller)
    for caller in (env.arbiter, env.other, env.seller):
        with env.expect_revert("CatalogNotArbiter", pid, caller):
            env.send(env.catalog.functions.resolve(pid, no, 0), caller)
    with env.expect_revert("CatalogWrongOrderState", pid, no, State.DISPUTED):
        env.send(env.catalog.functions.cancel(pid, no), env.buyer)
    env.send(env.catalog.functions.confirm(pid, no), env.buyer)  # the buyer withdraws the dispute
    assert env.withdrawable(env.seller) == AMOUNT


def test_actions_on_open_orders_go_on_after_delist(env: CatalogEnv) -> None:
    paid, disputed = make_order(env, State.PAID), make_order(env, State.DISPUTED)
    env.send(env.catalog.functions.delist(paid[0]), env.seller)
    env.send(env.catalog.functions.delist(disputed[0]), env.seller)
    env.send(env.catalog.functions.ship(*paid, DIGEST, 0), env.seller)
    env.send(env.catalog.functions.resolve(*disputed, 1), env.arbiter)
    env.advance_to(env.order(*paid)["deadline"])
    env.send(env.catalog.functions.release(*paid), env.other)
    assert env.withdrawable(env.seller) == AMOUNT + AMOUNT - 1


# -- the views' timestamps -------------------------------------------------------------------------------


def test_placed_and_shipped_times_in_every_state(env: CatalogEnv) -> None:
    """placedAt until the order ships, then shippedAt; the deadline only while one applies."""
    for state in State:
        if state == State.NONE:
            continue
        pid, no = make_order(env, state)
        order = env.order(pid, no)
        shipped = state in (State.SHIPPED, State.DISPUTED, State.RESOLVED, State.SETTLED)
        assert (order["placedAt"] == 0) == shipped, state
        assert (order["shippedAt"] != 0) == shipped, state
        if state == State.PAID:
            assert order["deadline"] == order["placedAt"] + HANDLING
        elif state == State.SHIPPED:
            assert order["deadline"] == order["shippedAt"] + WINDOW
        else:  # a disputed order waits for a ruling, refund, confirm or settlement: no release time
            assert order["deadline"] == 0


def test_completed_after_shipping_keeps_the_shipping_time(env: CatalogEnv) -> None:
    """Completed, Refunded and Reviewed orders may or may not have shipped: the views tell which."""
    pid, no = make_order(env, State.SHIPPED)
    shipped_at = env.order(pid, no)["shippedAt"]
    env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    env.send(env.catalog.functions.review(pid, no, 3, DIGEST, 0), env.buyer)
    order = env.order(pid, no)
    assert (order["state"], order["placedAt"], order["shippedAt"]) == (State.REVIEWED, 0, shipped_at)
    pid, no = make_order(env, State.SHIPPED)
    env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert env.order(pid, no)["placedAt"] == 0
    pid, no = make_order(env, State.COMPLETED)  # confirmed before shipping
    order = env.order(pid, no)
    assert (order["placedAt"] != 0, order["shippedAt"]) == (True, 0)


# -- review ----------------------------------------------------------------------------------------------


def test_review_completed_order(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.COMPLETED)
    receipt = env.send(env.catalog.functions.review(pid, no, 4, DIGEST2, Codec.DAG_PB), env.buyer)
    assert env.events(receipt) == [
        (
            "Reviewed",
            {"productId": pid, "reviewer": env.buyer, "orderNo": no, "rating": 4, "reviewDigest": DIGEST2,
             "reviewCodec": Codec.DAG_PB},
        )
    ]  # fmt: skip
    product = env.product(pid)
    assert (product["ratingCount"], product["ratingSum"]) == (1, 4)
    with env.expect_revert("CatalogOrderNotReviewable", pid, no, State.REVIEWED):
        env.send(env.catalog.functions.review(pid, no, 5, DIGEST, 0), env.buyer)


@pytest.mark.parametrize("rating", [0, 6, 2**256 - 1])
def test_review_invalid_rating(env: CatalogEnv, rating: int) -> None:
    pid, no = make_order(env, State.COMPLETED)
    with env.expect_revert("CatalogInvalidRating", rating):
        env.send(env.catalog.functions.review(pid, no, rating, DIGEST, 0), env.buyer)


@pytest.mark.parametrize(("digest", "codec"), [(b"\x00" * 32, 0), (DIGEST, 2)])
def test_review_invalid_digest(env: CatalogEnv, digest: bytes, codec: int) -> None:
    pid, no = make_order(env, State.COMPLETED)
    with env.expect_revert("CatalogInvalidMetadata", digest, codec):
        env.send(env.catalog.functions.review(pid, no, 3, digest, codec), env.buyer)


def test_rating_sum_and_count(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, stock=10)
    ratings = [5, 1, 3, 4]
    for i, rating in enumerate(ratings):
        env.buy(pid)
        env.send(env.catalog.functions.review(pid, i + 1, rating, DIGEST, 0), env.buyer)
    product = env.product(pid)
    assert (product["ratingCount"], product["ratingSum"]) == (4, sum(ratings))


def test_review_after_delist(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.COMPLETED)
    env.send(env.catalog.functions.delist(pid), env.seller)
    env.send(env.catalog.functions.review(pid, no, 2, DIGEST, 0), env.buyer)


# -- settlement pays the terms version's price -----------------------------------------------------------


def test_settlement_after_price_and_metadata_changes_pays_what_was_paid(env: CatalogEnv) -> None:
    pid = env.list_escrowed(price=500, stock=20, arbiter=env.arbiter)
    env.buy(pid, 4)  # version 0 at 500
    env.send(env.catalog.functions.setMetadata(pid, DIGEST2, 0), env.seller)  # version 1, still 500
    env.buy(pid, 1)
    env.send(env.catalog.functions.setPrice(pid, 9_999), env.seller)  # version 2
    env.send(env.catalog.functions.setMetadata(pid, DIGEST, 0), env.seller)  # version 3
    env.buy(pid, 1)
    assert [(o["termsVersion"], o["unitPrice"], o["amount"]) for o in env.orders(pid, 0, 9)] == [
        (0, 500, 2_000),
        (1, 500, 500),
        (3, 9_999, 9_999),
    ]
    env.send(env.catalog.functions.refund(pid, 1), env.seller)
    env.send(env.catalog.functions.confirm(pid, 2), env.buyer)
    env.send(env.catalog.functions.ship(pid, 3, DIGEST, 0), env.seller)
    env.send(env.catalog.functions.dispute(pid, 3), env.buyer)
    with env.expect_revert("CatalogInvalidSplit", 10_000, 9_999):
        env.send(env.catalog.functions.resolve(pid, 3, 10_000), env.arbiter)
    env.send(env.catalog.functions.resolve(pid, 3, 9_000), env.arbiter)
    assert (env.withdrawable(env.buyer), env.withdrawable(env.seller)) == (2_000 + 9_000, 500 + 999)
    env.assert_money_invariant()
