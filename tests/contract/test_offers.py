"""Catalog v3's rules: settlement offers (offer, replace, withdraw, accept), the order data of a purchase,
seller profiles, the deadlines at -1 / 0 / +1 second, own purchases and the restock rule."""

from __future__ import annotations

from typing import Any

import pytest
from web3 import Web3
from web3.contract import Contract

from tests.contract.test_settlement import AMOUNT, PRICE, QUANTITY, SPLIT, make_order
from tests.support.catalog_env import (
    DIGEST,
    DIGEST2,
    ETH,
    MAX_ORDER_DATA,
    CatalogEnv,
    State,
)

ZERO = b"\x00" * 32
ESCROWED_STATES = [State.PAID, State.SHIPPED, State.DISPUTED]
FINAL_STATES = [State.COMPLETED, State.REFUNDED, State.CANCELLED, State.RESOLVED, State.SETTLED, State.REVIEWED]


def offer(env: CatalogEnv, pid: int, no: int, amount: int, by: str) -> Any:
    return env.send(env.catalog.functions.offerSettlement(pid, no, amount), by)


def accept(env: CatalogEnv, pid: int, no: int, amount: int, by: str) -> Any:
    return env.send(env.catalog.functions.acceptSettlement(pid, no, amount), by)


def withdraw_offer(env: CatalogEnv, pid: int, no: int, by: str) -> Any:
    return env.send(env.catalog.functions.withdrawSettlement(pid, no), by)


def open_offer(env: CatalogEnv, pid: int, no: int) -> tuple[str, int]:
    order = env.order(pid, no)
    return order["offerBy"], order["offerBuyerAmount"]


def credits(env: CatalogEnv) -> dict[str, int]:
    return {a: env.withdrawable(a) for a in env.accounts}


# -- offers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ESCROWED_STATES)
@pytest.mark.parametrize("author", ["buyer", "seller"])
def test_either_party_offers_in_every_escrowed_state(env: CatalogEnv, state: State, author: str) -> None:
    pid, no = make_order(env, state)
    by = env.buyer if author == "buyer" else env.seller
    before = (env.product(pid), credits(env), env.balance(env.catalog.address))
    receipt = offer(env, pid, no, SPLIT, by)
    assert env.events(receipt) == [
        ("SettlementOffered", {"productId": pid, "orderNo": no, "by": by, "buyerAmount": SPLIT})
    ]
    assert open_offer(env, pid, no) == (by, SPLIT)
    assert env.order(pid, no)["state"] == state  # an offer changes nothing else
    assert (env.product(pid), credits(env), env.balance(env.catalog.address)) == before


@pytest.mark.parametrize("amount", [0, 1, AMOUNT - 1, AMOUNT])
def test_offer_amounts_up_to_the_order_amount(env: CatalogEnv, amount: int) -> None:
    pid, no = make_order(env, State.SHIPPED)
    offer(env, pid, no, amount, env.seller)
    assert open_offer(env, pid, no) == (env.seller, amount)
    accept(env, pid, no, amount, env.buyer)
    assert (env.withdrawable(env.buyer), env.withdrawable(env.seller)) == (amount, AMOUNT - amount)


@pytest.mark.parametrize("amount", [AMOUNT + 1, 2**128, 2**256 - 1])
def test_offer_above_the_order_amount(env: CatalogEnv, amount: int) -> None:
    pid, no = make_order(env, State.PAID)
    for by in (env.buyer, env.seller):
        with env.expect_revert("CatalogInvalidSplit", amount, AMOUNT):
            offer(env, pid, no, amount, by)
    assert open_offer(env, pid, no) == (ETH, 0)


def test_an_offer_past_2_to_the_64_keeps_every_bit(env: CatalogEnv) -> None:
    """2^64 wei is 18.4 ether (and 18.4 units of an 18-decimal token): an ordinary order. An offer above it
    comes back whole from the view and settles whole."""
    price = 2**64 + 12_345
    pid = env.list_escrowed(price=price, stock=1)
    env.buy(pid)
    offered = 2**64 + 1
    offer(env, pid, 1, offered, env.buyer)
    assert open_offer(env, pid, 1) == (env.buyer, offered)
    accept(env, pid, 1, offered, env.seller)
    assert (env.withdrawable(env.buyer), env.withdrawable(env.seller)) == (offered, price - offered)


def test_offer_at_an_old_price_is_bounded_by_what_was_paid(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.PAID)
    env.send(env.catalog.functions.setPrice(pid, 100 * PRICE), env.seller)
    with env.expect_revert("CatalogInvalidSplit", AMOUNT + 1, AMOUNT):
        offer(env, pid, no, AMOUNT + 1, env.buyer)
    offer(env, pid, no, AMOUNT, env.buyer)
    accept(env, pid, no, AMOUNT, env.seller)
    assert env.withdrawable(env.buyer) == AMOUNT


def test_an_offer_is_replaced_by_either_side(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.DISPUTED)
    offer(env, pid, no, 1, env.buyer)
    offer(env, pid, no, 2, env.buyer)  # the buyer changes its own
    assert open_offer(env, pid, no) == (env.buyer, 2)
    offer(env, pid, no, 3, env.seller)  # a counter-offer replaces it
    assert open_offer(env, pid, no) == (env.seller, 3)
    with env.expect_revert("CatalogOwnOffer", pid, no):  # the seller's now
        accept(env, pid, no, 3, env.seller)
    with env.expect_revert("CatalogOfferMismatch", pid, no, 3, 2):  # the replaced amount
        accept(env, pid, no, 2, env.buyer)
    accept(env, pid, no, 3, env.buyer)
    assert env.order(pid, no)["state"] == State.SETTLED


def test_accepting_needs_the_exact_amount(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.SHIPPED)
    offer(env, pid, no, SPLIT, env.buyer)
    for wrong in (SPLIT - 1, SPLIT + 1, 0, AMOUNT):
        with env.expect_revert("CatalogOfferMismatch", pid, no, SPLIT, wrong):
            accept(env, pid, no, wrong, env.seller)
    assert env.order(pid, no)["state"] == State.SHIPPED
    assert open_offer(env, pid, no) == (env.buyer, SPLIT)


@pytest.mark.parametrize("author", ["buyer", "seller"])
def test_the_author_cannot_accept_its_own_offer(env: CatalogEnv, author: str) -> None:
    pid, no = make_order(env, State.PAID)
    by = env.buyer if author == "buyer" else env.seller
    offer(env, pid, no, SPLIT, by)
    with env.expect_revert("CatalogOwnOffer", pid, no):
        accept(env, pid, no, SPLIT, by)


def test_accept_without_an_offer(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.SHIPPED)
    for by in (env.buyer, env.seller):
        with env.expect_revert("CatalogNoOffer", pid, no):
            accept(env, pid, no, 0, by)


@pytest.mark.parametrize("author", ["buyer", "seller"])
def test_only_the_author_withdraws_its_offer(env: CatalogEnv, author: str) -> None:
    pid, no = make_order(env, State.SHIPPED)
    by, other = (env.buyer, env.seller) if author == "buyer" else (env.seller, env.buyer)
    with env.expect_revert("CatalogNoOffer", pid, no):  # nothing to withdraw yet
        withdraw_offer(env, pid, no, by)
    offer(env, pid, no, SPLIT, by)
    with env.expect_revert("CatalogNoOffer", pid, no):  # not the other party's to withdraw
        withdraw_offer(env, pid, no, other)
    receipt = withdraw_offer(env, pid, no, by)
    assert env.events(receipt) == [("SettlementWithdrawn", {"productId": pid, "orderNo": no, "by": by})]
    assert open_offer(env, pid, no) == (ETH, 0)
    with env.expect_revert("CatalogNoOffer", pid, no):  # withdrawn: nothing to accept
        accept(env, pid, no, SPLIT, other)
    with env.expect_revert("CatalogNoOffer", pid, no):  # nor to withdraw twice
        withdraw_offer(env, pid, no, by)
    assert env.order(pid, no)["state"] == State.SHIPPED


@pytest.mark.parametrize("action", ["offer", "accept", "withdraw"])
def test_only_buyer_and_seller_take_part(env: CatalogEnv, action: str) -> None:
    """The arbiter, the deployer and a stranger: CatalogNotParty, before the state is looked at."""
    pid, no = make_order(env, State.DISPUTED)
    offer(env, pid, no, SPLIT, env.seller)
    for caller in (env.arbiter, env.deployer, env.other):
        with env.expect_revert("CatalogNotParty", pid, no, caller):
            if action == "offer":
                offer(env, pid, no, 0, caller)
            elif action == "accept":
                accept(env, pid, no, SPLIT, caller)
            else:
                withdraw_offer(env, pid, no, caller)
    assert open_offer(env, pid, no) == (env.seller, SPLIT)
    done, no2 = make_order(env, State.REFUNDED)
    with env.expect_revert("CatalogNotParty", done, no2, env.other):  # the role before the state
        offer(env, done, no2, 0, env.other)


@pytest.mark.parametrize("action", ["offer", "accept", "withdraw"])
@pytest.mark.parametrize("pid_no", [(1, 2), (9, 1), (1, 0)])
def test_settlement_on_an_unknown_order(env: CatalogEnv, action: str, pid_no: tuple[int, int]) -> None:
    make_order(env, State.PAID)
    pid, no = pid_no
    fn = {
        "offer": env.catalog.functions.offerSettlement(pid, no, 0),
        "accept": env.catalog.functions.acceptSettlement(pid, no, 0),
        "withdraw": env.catalog.functions.withdrawSettlement(pid, no),
    }[action]
    with env.expect_revert("CatalogUnknownOrder", pid, no):
        env.send(fn, env.buyer)


@pytest.mark.parametrize("state", FINAL_STATES)
def test_no_settlement_after_a_final_state(env: CatalogEnv, state: State) -> None:
    pid, no = make_order(env, state)
    before = (env.order(pid, no), env.product(pid), credits(env))
    for by in (env.buyer, env.seller):
        with env.expect_revert("CatalogWrongOrderState", pid, no, state):
            offer(env, pid, no, 0, by)
        with env.expect_revert("CatalogWrongOrderState", pid, no, state):
            accept(env, pid, no, SPLIT, by)
        with env.expect_revert("CatalogWrongOrderState", pid, no, state):
            withdraw_offer(env, pid, no, by)
    assert (env.order(pid, no), env.product(pid), credits(env)) == before


def test_no_settlement_of_an_immediate_order(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE)
    no = env.order_no(env.buy(pid))
    with env.expect_revert("CatalogWrongOrderState", pid, no, State.COMPLETED):
        offer(env, pid, no, 0, env.buyer)


# -- an offer lives with the order -----------------------------------------------------------------------


def test_an_offer_survives_ship_and_dispute(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.PAID)
    offer(env, pid, no, SPLIT, env.buyer)
    env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.seller)
    assert open_offer(env, pid, no) == (env.buyer, SPLIT)
    env.send(env.catalog.functions.dispute(pid, no), env.buyer)
    assert open_offer(env, pid, no) == (env.buyer, SPLIT)
    accept(env, pid, no, SPLIT, env.seller)
    assert env.order(pid, no)["state"] == State.SETTLED


@pytest.mark.parametrize("ending", ["confirm", "refund", "cancel", "resolve", "release"])
def test_an_offer_ends_with_the_order(env: CatalogEnv, ending: str) -> None:
    """Any other outcome ends the open offer: the view shows none and it can no longer be accepted."""
    f = env.catalog.functions
    start = {"cancel": State.PAID, "resolve": State.DISPUTED, "release": State.SHIPPED}.get(ending, State.SHIPPED)
    pid, no = make_order(env, start)
    offer(env, pid, no, SPLIT, env.seller)
    if ending in ("cancel", "release"):
        env.advance_to(env.order(pid, no)["deadline"])
    calls = {
        "confirm": (f.confirm(pid, no), env.buyer),
        "refund": (f.refund(pid, no), env.seller),
        "cancel": (f.cancel(pid, no), env.buyer),
        "resolve": (f.resolve(pid, no, 1), env.arbiter),
        "release": (f.release(pid, no), env.other),
    }
    env.send(*calls[ending])
    state = env.order(pid, no)["state"]
    assert open_offer(env, pid, no) == (ETH, 0)
    with env.expect_revert("CatalogWrongOrderState", pid, no, state):
        accept(env, pid, no, SPLIT, env.buyer)


# -- acceptance: the split and the stock -----------------------------------------------------------------


@pytest.mark.parametrize("state", ESCROWED_STATES)
@pytest.mark.parametrize("acceptor", ["buyer", "seller"])
def test_accept_settles_and_splits(env: CatalogEnv, state: State, acceptor: str) -> None:
    """The units come back only if the order never shipped; the arbiter gets nothing."""
    pid, no = make_order(env, state)
    author, by = (env.seller, env.buyer) if acceptor == "buyer" else (env.buyer, env.seller)
    offer(env, pid, no, SPLIT, author)
    arbiter_before = env.balance(env.arbiter)
    receipt = accept(env, pid, no, SPLIT, by)
    assert env.events(receipt) == [
        ("OrderSettled", {"productId": pid, "orderNo": no, "buyerAmount": SPLIT, "sellerAmount": AMOUNT - SPLIT})
    ]
    assert (env.withdrawable(env.buyer), env.withdrawable(env.seller)) == (SPLIT, AMOUNT - SPLIT)
    assert (env.withdrawable(env.arbiter), env.balance(env.arbiter)) == (0, arbiter_before)
    order = env.order(pid, no)
    assert (order["state"], order["deadline"], order["offerBy"], order["offerBuyerAmount"]) == (
        State.SETTLED,
        0,
        ETH,
        0,
    )
    assert env.product(pid)["stock"] == (10 if state == State.PAID else 10 - QUANTITY)
    env.assert_money_invariant()


def offer_slot(env: CatalogEnv, pid: int, no: int, word: int) -> int:
    """The storage slot of `_offers[pid][no]`, found as the one holding `word` among the first 32
    declaration slots of a mapping of mappings (the layout is the compiler's, not the ABI's)."""
    for base in range(32):
        inner = Web3.keccak(pid.to_bytes(32, "big") + base.to_bytes(32, "big"))
        slot = int.from_bytes(Web3.keccak(no.to_bytes(32, "big") + inner), "big")
        if int.from_bytes(env.w3.eth.get_storage_at(env.catalog.address, slot), "big") == word:
            return slot
    raise AssertionError("no slot holds the offer's word")


@pytest.mark.parametrize("ending", ["accept", "withdraw"])
def test_an_offer_that_ends_clears_its_slot(env: CatalogEnv, ending: str) -> None:
    """Accepting or withdrawing zeroes the offer's word: no stale offer is left in storage, and the
    refund for zeroing it is part of accept_settlement's and withdraw_settlement's gas (bench_gas)."""
    pid, no = make_order(env, State.SHIPPED)
    offer(env, pid, no, SPLIT, env.seller)
    slot = offer_slot(env, pid, no, (1 << 255) | (1 << 254) | SPLIT)  # open, by the seller
    if ending == "accept":
        accept(env, pid, no, SPLIT, env.buyer)
    else:
        withdraw_offer(env, pid, no, env.seller)
    assert env.w3.eth.get_storage_at(env.catalog.address, slot) == ZERO


def test_a_settlement_before_shipping_after_delist_restocks_nothing(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.PAID)
    env.send(env.catalog.functions.delist(pid), env.seller)
    offer(env, pid, no, AMOUNT, env.seller)
    accept(env, pid, no, AMOUNT, env.buyer)
    assert env.product(pid)["stock"] == 0


def test_settlement_in_a_token(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=3_000_000, stock=5, currency=usd.address)
    no = env.order_no(env.buy(pid, 2))
    offer(env, pid, no, 1_000_000, env.buyer)
    accept(env, pid, no, 1_000_000, env.seller)
    assert env.withdrawable(env.buyer, usd.address) == 1_000_000
    assert env.withdrawable(env.seller, usd.address) == 5_000_000
    assert env.withdrawable(env.seller) == env.withdrawable(env.buyer) == 0
    env.assert_money_invariant(usd.address)


def test_a_frozen_dispute_without_arbiter_ends_by_agreement(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.DISPUTED, arbiter=ETH)
    env.advance_to(env.pending_timestamp() + 400 * 86_400)
    offer(env, pid, no, AMOUNT // 2, env.buyer)
    accept(env, pid, no, AMOUNT // 2, env.seller)
    assert (env.withdrawable(env.buyer), env.withdrawable(env.seller)) == (AMOUNT // 2, AMOUNT - AMOUNT // 2)


# -- reviews after a ruling or a settlement --------------------------------------------------------------


@pytest.mark.parametrize("state", [State.RESOLVED, State.SETTLED])
def test_review_after_a_ruling_or_a_settlement(env: CatalogEnv, state: State) -> None:
    pid, no = make_order(env, state)
    env.send(env.catalog.functions.review(pid, no, 1, DIGEST, 0), env.buyer)
    product = env.product(pid)
    assert (env.order(pid, no)["state"], product["ratingCount"], product["ratingSum"]) == (State.REVIEWED, 1, 1)


@pytest.mark.parametrize("state", [State.REFUNDED, State.CANCELLED])
def test_no_review_after_a_refund_or_cancel(env: CatalogEnv, state: State) -> None:
    pid, no = make_order(env, state)
    with env.expect_revert("CatalogOrderNotReviewable", pid, no, state):
        env.send(env.catalog.functions.review(pid, no, 5, DIGEST, 0), env.buyer)


# -- deadlines: one second before, at, and one second after ----------------------------------------------


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_ship_and_cancel_around_the_handling_deadline(env: CatalogEnv, offset: int) -> None:
    """Before the deadline only ship works; from it on only cancel."""
    pid, no = make_order(env, State.PAID)
    deadline = env.order(pid, no)["deadline"]
    env.next_block_at(deadline + offset)
    if offset < 0:
        with env.expect_revert("CatalogHandlingTimeNotOver", pid, no, deadline):
            env.send(env.catalog.functions.cancel(pid, no), env.buyer)
        env.next_block_at(deadline + offset)  # the reverted call mined a block: same second again
        env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.seller)
        assert env.order(pid, no)["state"] == State.SHIPPED
    else:
        with env.expect_revert("CatalogShipDeadlinePassed", pid, no, deadline):
            env.send(env.catalog.functions.ship(pid, no, DIGEST, 0), env.seller)
        env.send(env.catalog.functions.cancel(pid, no), env.buyer)
        assert env.order(pid, no)["state"] == State.CANCELLED


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_dispute_and_release_around_the_escrow_deadline(env: CatalogEnv, offset: int) -> None:
    """Before the deadline only dispute works; from it on only release."""
    pid, no = make_order(env, State.SHIPPED)
    deadline = env.order(pid, no)["deadline"]
    env.next_block_at(deadline + offset)
    if offset < 0:
        with env.expect_revert("CatalogEscrowNotExpired", pid, no, deadline):
            env.send(env.catalog.functions.release(pid, no), env.other)
        env.next_block_at(deadline + offset)
        env.send(env.catalog.functions.dispute(pid, no), env.buyer)
        assert env.order(pid, no)["state"] == State.DISPUTED
    else:
        with env.expect_revert("CatalogDisputeWindowClosed", pid, no, deadline):
            env.send(env.catalog.functions.dispute(pid, no), env.buyer)
        env.send(env.catalog.functions.release(pid, no), env.other)
        assert env.order(pid, no)["state"] == State.COMPLETED


def test_a_disputed_order_shows_no_release_time(env: CatalogEnv) -> None:
    pid, no = make_order(env, State.DISPUTED)
    order = env.order(pid, no)
    assert (order["deadline"], order["shippedAt"] != 0) == (0, True)
    assert env.orders(pid, 0, 1)[0]["deadline"] == 0


# -- own purchases ---------------------------------------------------------------------------------------


def test_a_buyer_sharing_the_sellers_low_address_bits_may_buy(env: CatalogEnv) -> None:
    """The Catalog compares the buyer with a 14-bit tag of the seller before reading the seller: an
    address with the same low bits (here the seller's with another top byte, impersonated on anvil) is
    still a different account and buys; the seller itself does not."""
    pid = env.list_escrowed(price=PRICE)
    seller = int(env.seller, 16)
    twin = env.w3.to_checksum_address(f"0x{seller ^ (0xFF << 152):040x}")
    assert int(twin, 16) & 0x3FFF == seller & 0x3FFF and twin != env.seller
    env.chain.rpc("anvil_setBalance", twin, hex(10**20))  # type: ignore[attr-defined]
    env.chain.rpc("anvil_impersonateAccount", twin)  # type: ignore[attr-defined]
    try:
        no = env.order_no(env.buy(pid, 1, buyer=twin))
    finally:
        env.chain.rpc("anvil_stopImpersonatingAccount", twin)  # type: ignore[attr-defined]
    assert env.order(pid, no)["buyer"] == twin
    with env.expect_revert("CatalogSellerIsBuyer", pid):
        env.buy(pid, 1, buyer=env.seller)


def test_own_purchase_checked_after_listing_before_terms(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=PRICE)
    with env.expect_revert("CatalogSellerIsBuyer", pid):  # even with wrong terms and payment
        env.send(env.catalog.functions.buy(pid, 0, usd.address, 1, 9, b""), env.seller, value=1)
    env.send(env.catalog.functions.delist(pid), env.seller)
    with env.expect_revert("CatalogProductDelisted", pid):
        env.send(env.catalog.functions.buy(pid, 1, ETH, PRICE, 0, b""), env.seller, value=PRICE)


# -- order data ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 300, MAX_ORDER_DATA])
def test_order_data_is_logged_as_given(env: CatalogEnv, size: int) -> None:
    pid = env.list_escrowed(price=PRICE)
    data = bytes((i * 7 + 1) % 256 for i in range(size))
    receipt = env.buy(pid, 1, order_data=data)
    ((name, args),) = env.events(receipt)
    assert (name, args["orderData"], args["escrowed"]) == ("Purchased", data, True)
    assert env.catalog.functions.MAX_ORDER_DATA().call() == MAX_ORDER_DATA


@pytest.mark.parametrize("size", [MAX_ORDER_DATA + 1, 4 * MAX_ORDER_DATA])
def test_order_data_above_the_cap(env: CatalogEnv, usd: Contract, size: int) -> None:
    pid = env.list_escrowed(price=PRICE)
    with env.expect_revert("CatalogOrderDataTooLarge", size, MAX_ORDER_DATA):
        env.buy(pid, 1, order_data=b"\x01" * size)
    token_pid = env.list_escrowed(price=1_000_000, currency=usd.address)
    permit = env.permit(usd, env.buyer, 1_000_000)
    fn = env.catalog.functions.buyWithPermit(
        token_pid, 1, usd.address, 1_000_000, 0, 2**48, permit.v, permit.r, permit.s, b"\x01" * size
    )
    with env.expect_revert("CatalogOrderDataTooLarge", size, MAX_ORDER_DATA):
        env.send(fn, env.buyer)
    assert env.product(pid)["orderCount"] == env.product(token_pid)["orderCount"] == 0


def test_order_data_with_a_permit_purchase(env: CatalogEnv, usd: Contract) -> None:
    pid = env.list_escrowed(price=1_000_000, currency=usd.address)
    permit = env.permit(usd, env.buyer, 1_000_000)
    fn = env.catalog.functions.buyWithPermit(
        pid, 1, usd.address, 1_000_000, 0, 2**48, permit.v, permit.r, permit.s, b"ship to me"
    )
    receipt = env.send(fn, env.buyer)
    assert env.events(receipt)[0][1]["orderData"] == b"ship to me"


# -- seller profiles -------------------------------------------------------------------------------------


def test_set_and_clear_a_profile(env: CatalogEnv) -> None:
    receipt = env.send(env.catalog.functions.setProfile(DIGEST2, 1), env.seller)
    assert env.events(receipt) == [("ProfileSet", {"seller": env.seller, "digest": DIGEST2, "codec": 1})]
    receipt = env.send(env.catalog.functions.setProfile(ZERO, 0), env.seller)
    assert env.events(receipt) == [("ProfileSet", {"seller": env.seller, "digest": ZERO, "codec": 0})]
    receipt = env.send(env.catalog.functions.setProfile(DIGEST, 0), env.other)  # anyone, for itself
    assert env.events(receipt)[0][1]["seller"] == env.other


@pytest.mark.parametrize(("digest", "codec"), [(DIGEST, 2), (DIGEST, 255), (ZERO, 2)])
def test_set_profile_with_a_bad_codec(env: CatalogEnv, digest: bytes, codec: int) -> None:
    with env.expect_revert("CatalogInvalidMetadata", digest, codec):
        env.send(env.catalog.functions.setProfile(digest, codec), env.seller)
