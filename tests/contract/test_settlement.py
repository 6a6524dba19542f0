"""confirm, release, refund and review: who may settle what, when, and where the money goes."""

from __future__ import annotations

import pytest

from .conftest import DIGEST, DIGEST2, UINT32_MAX, CatalogEnv, Codec, State

PRICE = 10**15
WINDOW = 3 * 86_400


@pytest.fixture
def escrowed(env: CatalogEnv) -> tuple[int, int]:
    """A product with an escrow window, and its order 1: 2 units bought by `buyer`, escrowed."""
    pid = env.list_product(price=PRICE, stock=10, escrow_window=WINDOW)
    return pid, env.order_no(env.buy(pid, 2))


@pytest.fixture
def completed(env: CatalogEnv) -> tuple[int, int]:
    """A product settling at once, and its order 1 (completed): 1 unit bought by `buyer`."""
    pid = env.list_product(price=PRICE, stock=10, escrow_window=0)
    return pid, env.order_no(env.buy(pid, 1))


# -- confirm ---------------------------------------------------------------------------------------------


def test_confirm_credits_the_seller(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    receipt = env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    assert env.events(receipt) == [("OrderConfirmed", {"productId": pid, "orderNo": no})]
    assert env.withdrawable(env.seller) == 2 * PRICE
    assert env.withdrawable(env.buyer) == 0
    assert env.order(pid, no)["state"] == State.COMPLETED
    assert env.product(pid)["stock"] == 8
    env.assert_money_invariant()


def test_confirm_only_the_buyer(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    for caller in (env.seller, env.other):
        with env.expect_revert("CatalogNotBuyer", pid, no, caller):
            env.send(env.catalog.functions.confirm(pid, no), caller)
    assert env.order(pid, no)["state"] == State.ESCROWED


@pytest.mark.parametrize(("pid", "no"), [(1, 2), (1, 0), (0, 1), (2, 1)])
def test_confirm_unknown_order(env: CatalogEnv, escrowed: tuple[int, int], pid: int, no: int) -> None:
    with env.expect_revert("CatalogUnknownOrder", pid, no):
        env.send(env.catalog.functions.confirm(pid, no), env.buyer)


def test_confirm_only_escrowed(env: CatalogEnv, escrowed: tuple[int, int], completed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    with env.expect_revert("CatalogOrderNotEscrowed", pid, no, State.COMPLETED):
        env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    # settled at purchase
    with env.expect_revert("CatalogOrderNotEscrowed", *completed, State.COMPLETED):
        env.send(env.catalog.functions.confirm(*completed), env.buyer)
    # refunded
    no2 = env.order_no(env.buy(pid, 1))
    env.send(env.catalog.functions.refund(pid, no2), env.seller)
    with env.expect_revert("CatalogOrderNotEscrowed", pid, no2, State.REFUNDED):
        env.send(env.catalog.functions.confirm(pid, no2), env.buyer)
    # reviewed
    env.send(env.catalog.functions.review(*completed, 4, DIGEST, 0), env.buyer)
    with env.expect_revert("CatalogOrderNotEscrowed", *completed, State.REVIEWED):
        env.send(env.catalog.functions.confirm(*completed), env.buyer)
    # the state is checked before the caller: a stranger learns the state, nothing else
    with env.expect_revert("CatalogOrderNotEscrowed", pid, no, State.COMPLETED):
        env.send(env.catalog.functions.confirm(pid, no), env.other)
    assert env.withdrawable(env.seller) == 3 * PRICE


def test_confirm_after_delist(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.send(env.catalog.functions.delist(pid), env.seller)
    env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    assert env.withdrawable(env.seller) == 2 * PRICE


# -- release ---------------------------------------------------------------------------------------------


def test_release_not_before_the_window(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    releasable_at = env.order(pid, no)["releasableAt"]
    assert releasable_at == env.order(pid, no)["createdAt"] + WINDOW
    with env.expect_revert("CatalogEscrowNotExpired", pid, no, releasable_at):
        env.send(env.catalog.functions.release(pid, no), env.seller)
    env.next_block_at(releasable_at - 1)  # the last second of the window
    with env.expect_revert("CatalogEscrowNotExpired", pid, no, releasable_at):
        env.send(env.catalog.functions.release(pid, no), env.seller)
    assert env.order(pid, no)["state"] == State.ESCROWED
    assert env.pending_timestamp() == releasable_at  # the failed attempt was mined at releasable_at - 1
    receipt = env.send(env.catalog.functions.release(pid, no), env.seller)
    assert env.w3.eth.get_block(receipt["blockNumber"])["timestamp"] == releasable_at
    assert env.events(receipt) == [("OrderReleased", {"productId": pid, "orderNo": no})]
    assert env.withdrawable(env.seller) == 2 * PRICE
    assert env.order(pid, no)["state"] == State.COMPLETED
    env.assert_money_invariant()


def test_release_long_after_the_window(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.next_block_at(env.order(pid, no)["releasableAt"] + 365 * 86_400)
    env.send(env.catalog.functions.release(pid, no), env.seller)
    assert env.withdrawable(env.seller) == 2 * PRICE


def test_release_with_the_longest_window(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, escrow_window=UINT32_MAX)
    no = env.order_no(env.buy(pid))
    order = env.order(pid, no)
    assert order["releasableAt"] == order["createdAt"] + UINT32_MAX
    with env.expect_revert("CatalogEscrowNotExpired", pid, no, order["releasableAt"]):
        env.send(env.catalog.functions.release(pid, no), env.seller)
    env.next_block_at(order["releasableAt"])
    env.send(env.catalog.functions.release(pid, no), env.seller)
    assert env.withdrawable(env.seller) == PRICE


def test_release_only_the_seller(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.next_block_at(env.order(pid, no)["releasableAt"])
    for caller in (env.buyer, env.other, env.deployer):
        with env.expect_revert("CatalogNotSeller", pid, caller):
            env.send(env.catalog.functions.release(pid, no), caller)
    assert env.order(pid, no)["state"] == State.ESCROWED


def test_release_only_escrowed(env: CatalogEnv, escrowed: tuple[int, int], completed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    env.next_block_at(env.order(pid, no)["releasableAt"])
    with env.expect_revert("CatalogOrderNotEscrowed", pid, no, State.COMPLETED):
        env.send(env.catalog.functions.release(pid, no), env.seller)
    with env.expect_revert("CatalogOrderNotEscrowed", *completed, State.COMPLETED):
        env.send(env.catalog.functions.release(*completed), env.seller)
    with env.expect_revert("CatalogUnknownOrder", pid, 9):
        env.send(env.catalog.functions.release(pid, 9), env.seller)
    assert env.withdrawable(env.seller) == 3 * PRICE  # confirmed once, credited once


def test_release_after_delist(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.send(env.catalog.functions.delist(pid), env.seller)
    env.next_block_at(env.order(pid, no)["releasableAt"])
    env.send(env.catalog.functions.release(pid, no), env.seller)
    assert env.withdrawable(env.seller) == 2 * PRICE


# -- refund ----------------------------------------------------------------------------------------------


def test_refund_credits_the_buyer_and_returns_stock(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    assert env.product(pid)["stock"] == 8
    receipt = env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert env.events(receipt) == [("OrderRefunded", {"productId": pid, "orderNo": no})]
    assert env.withdrawable(env.buyer) == 2 * PRICE
    assert env.withdrawable(env.seller) == 0
    assert env.product(pid)["stock"] == 10
    assert env.order(pid, no)["state"] == State.REFUNDED
    assert env.order(pid, no)["amount"] == 2 * PRICE
    env.assert_money_invariant()


def test_refund_after_the_window(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.next_block_at(env.order(pid, no)["releasableAt"] + 10)
    env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert env.withdrawable(env.buyer) == 2 * PRICE


def test_refund_after_delist_keeps_stock_zero(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.send(env.catalog.functions.delist(pid), env.seller)
    receipt = env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert env.events(receipt) == [("OrderRefunded", {"productId": pid, "orderNo": no})]
    assert env.withdrawable(env.buyer) == 2 * PRICE
    product = env.product(pid)
    assert (product["stock"], product["listed"]) == (0, False)
    env.assert_money_invariant()


def test_refund_stock_saturates_at_uint32_max(env: CatalogEnv) -> None:
    pid = env.list_product(price=1, stock=UINT32_MAX, escrow_window=WINDOW)
    no = env.order_no(env.buy(pid, 5))
    env.send(env.catalog.functions.setStock(pid, UINT32_MAX - 2), env.seller)
    env.send(env.catalog.functions.refund(pid, no), env.seller)  # would be UINT32_MAX + 3
    assert env.product(pid)["stock"] == UINT32_MAX
    assert env.withdrawable(env.buyer) == 5


def test_refund_adds_to_the_current_stock(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    """Doubtful (reported): a seller who paused sales with setStock(0) reopens them by refunding; the
    refunded units are on sale again at once, with no StockChanged event."""
    pid, no = escrowed
    env.send(env.catalog.functions.setStock(pid, 0), env.seller)
    receipt = env.send(env.catalog.functions.refund(pid, no), env.seller)
    assert [name for name, _ in env.events(receipt)] == ["OrderRefunded"]
    assert env.product(pid)["stock"] == 2
    env.buy(pid, 2, buyer=env.other)


def test_refund_only_the_seller(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    for caller in (env.buyer, env.other):
        with env.expect_revert("CatalogNotSeller", pid, caller):
            env.send(env.catalog.functions.refund(pid, no), caller)
    assert env.order(pid, no)["state"] == State.ESCROWED
    assert env.withdrawable(env.buyer) == 0


def test_refund_only_escrowed(env: CatalogEnv, escrowed: tuple[int, int], completed: tuple[int, int]) -> None:
    pid, no = escrowed
    env.send(env.catalog.functions.refund(pid, no), env.seller)
    with env.expect_revert("CatalogOrderNotEscrowed", pid, no, State.REFUNDED):
        env.send(env.catalog.functions.refund(pid, no), env.seller)
    with env.expect_revert("CatalogOrderNotEscrowed", *completed, State.COMPLETED):
        env.send(env.catalog.functions.refund(*completed), env.seller)
    with env.expect_revert("CatalogUnknownOrder", 7, 1):
        env.send(env.catalog.functions.refund(7, 1), env.seller)
    assert env.withdrawable(env.buyer) == 2 * PRICE  # refunded once
    assert env.product(pid)["stock"] == 10


# -- review ----------------------------------------------------------------------------------------------


def test_review_completed_order(env: CatalogEnv, completed: tuple[int, int]) -> None:
    pid, no = completed
    receipt = env.send(env.catalog.functions.review(pid, no, 4, DIGEST2, Codec.DAG_PB), env.buyer)
    assert env.events(receipt) == [
        (
            "Reviewed",
            {
                "productId": pid,
                "reviewer": env.buyer,
                "orderNo": no,
                "rating": 4,
                "reviewDigest": DIGEST2,
                "reviewCodec": Codec.DAG_PB,
            },
        )
    ]
    assert env.order(pid, no)["state"] == State.REVIEWED
    product = env.product(pid)
    assert (product["ratingCount"], product["ratingSum"]) == (1, 4)


def test_review_once(env: CatalogEnv, completed: tuple[int, int]) -> None:
    pid, no = completed
    env.send(env.catalog.functions.review(pid, no, 5, DIGEST, 0), env.buyer)
    with env.expect_revert("CatalogOrderNotReviewable", pid, no, State.REVIEWED):
        env.send(env.catalog.functions.review(pid, no, 3, DIGEST2, 0), env.buyer)
    product = env.product(pid)
    assert (product["ratingCount"], product["ratingSum"]) == (1, 5)


def test_review_only_completed_orders(env: CatalogEnv, escrowed: tuple[int, int]) -> None:
    pid, no = escrowed
    with env.expect_revert("CatalogOrderNotReviewable", pid, no, State.ESCROWED):
        env.send(env.catalog.functions.review(pid, no, 5, DIGEST, 0), env.buyer)
    no2 = env.order_no(env.buy(pid, 1))
    env.send(env.catalog.functions.refund(pid, no2), env.seller)
    with env.expect_revert("CatalogOrderNotReviewable", pid, no2, State.REFUNDED):
        env.send(env.catalog.functions.review(pid, no2, 5, DIGEST, 0), env.buyer)
    # confirmed and released orders are reviewable
    env.send(env.catalog.functions.confirm(pid, no), env.buyer)
    env.send(env.catalog.functions.review(pid, no, 2, DIGEST, 0), env.buyer)
    no3 = env.order_no(env.buy(pid, 1))
    env.next_block_at(env.order(pid, no3)["releasableAt"])
    env.send(env.catalog.functions.release(pid, no3), env.seller)
    env.send(env.catalog.functions.review(pid, no3, 1, DIGEST, 0), env.buyer)
    product = env.product(pid)
    assert (product["ratingCount"], product["ratingSum"]) == (2, 3)


def test_review_only_the_buyer(env: CatalogEnv, completed: tuple[int, int]) -> None:
    pid, no = completed
    for caller in (env.seller, env.other):
        with env.expect_revert("CatalogNotBuyer", pid, no, caller):
            env.send(env.catalog.functions.review(pid, no, 5, DIGEST, 0), caller)
    assert env.product(pid)["ratingCount"] == 0


@pytest.mark.parametrize(("pid", "no"), [(1, 2), (0, 1), (5, 5)])
def test_review_unknown_order(env: CatalogEnv, completed: tuple[int, int], pid: int, no: int) -> None:
    with env.expect_revert("CatalogUnknownOrder", pid, no):
        env.send(env.catalog.functions.review(pid, no, 5, DIGEST, 0), env.buyer)


@pytest.mark.parametrize("rating", [0, 6, 255, 256, 2**256 - 1])
def test_review_invalid_rating(env: CatalogEnv, completed: tuple[int, int], rating: int) -> None:
    pid, no = completed
    with env.expect_revert("CatalogInvalidRating", rating):
        env.send(env.catalog.functions.review(pid, no, rating, DIGEST, 0), env.buyer)
    assert env.order(pid, no)["state"] == State.COMPLETED


@pytest.mark.parametrize(("digest", "codec"), [(b"\x00" * 32, 0), (DIGEST, 2)])
def test_review_invalid_digest(env: CatalogEnv, completed: tuple[int, int], digest: bytes, codec: int) -> None:
    pid, no = completed
    with env.expect_revert("CatalogInvalidMetadata", digest, codec):
        env.send(env.catalog.functions.review(pid, no, 3, digest, codec), env.buyer)
    assert env.order(pid, no)["state"] == State.COMPLETED


def test_rating_sum_and_count(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, stock=20, escrow_window=0)
    other_pid = env.list_product(price=PRICE, stock=20, escrow_window=0)
    ratings = [5, 1, 3, 4, 5, 2]
    for rating in ratings:
        no = env.order_no(env.buy(pid, 1))
        env.send(env.catalog.functions.review(pid, no, rating, DIGEST, 0), env.buyer)
    env.buy(pid, 1)  # an order without a review counts for nothing
    env.send(env.catalog.functions.review(other_pid, env.order_no(env.buy(other_pid)), 1, DIGEST, 1), env.buyer)
    product = env.product(pid)
    assert (product["ratingCount"], product["ratingSum"]) == (len(ratings), sum(ratings))
    assert (env.product(other_pid)["ratingCount"], env.product(other_pid)["ratingSum"]) == (1, 1)


def test_review_after_delist(env: CatalogEnv, completed: tuple[int, int]) -> None:
    pid, no = completed
    env.send(env.catalog.functions.delist(pid), env.seller)
    env.send(env.catalog.functions.review(pid, no, 3, DIGEST, 0), env.buyer)
    assert env.product(pid)["ratingSum"] == 3


def test_seller_can_review_own_product_by_buying_it(env: CatalogEnv) -> None:
    """Doubtful (reported): a seller buys its own product, gets the money back as its own proceeds,
    and rates it 5 stars. The ratings are only as good as the cost of a self-purchase (gas)."""
    pid = env.list_product(price=PRICE, escrow_window=0)
    no = env.order_no(env.buy(pid, 1, buyer=env.seller))
    env.send(env.catalog.functions.review(pid, no, 5, DIGEST, 0), env.seller)
    assert (env.product(pid)["ratingCount"], env.product(pid)["ratingSum"]) == (1, 5)
    assert env.withdrawable(env.seller) == PRICE  # the price came back to the seller
