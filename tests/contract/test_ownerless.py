"""No owner: no privileged function, no privileged account, and no way to move someone else's money."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.catalog_env import DIGEST, ETH, WINDOW, CatalogEnv, State

PRICE = 10**15

PRIVILEGED = re.compile(
    r"owner|pause|upgrade|admin|fee|rescue|sweep|migrat|destruct|kill|emergency|govern|role|guardian|"
    r"operator|whitelist|blacklist|freeze|seize|mint|implementation|proxy",
    re.IGNORECASE,
)

# Every state-changing function, and whom it belongs to. A new function fails
# `test_every_state_changing_function_is_classified` until it is added here (and tested below).
STATE_CHANGING = {
    "listProduct": "anyone (becomes the seller of the new product)",
    "setPrice": "seller",
    "setStock": "seller",
    "setMetadata": "seller",
    "delist": "seller",
    "ship": "seller",
    "refund": "seller",
    "buy": "anyone (becomes the buyer of the new order)",
    "buyWithPermit": "anyone (becomes the buyer of the new order)",
    "confirm": "buyer",
    "cancel": "buyer (once the handling time is over)",
    "dispute": "buyer (within the escrow window)",
    "review": "buyer",
    "release": "anyone, once the window passed (the funds go to the seller only)",
    "resolve": "the product's arbiter (never paid, never the seller, not on its own order)",
    "offerSettlement": "buyer or seller of the order",
    "acceptSettlement": "buyer or seller of the order, whichever did not make the open offer",
    "withdrawSettlement": "the author of the order's open offer",
    "setProfile": "anyone (its own profile only: the event names the caller)",
    "withdraw": "the caller's own balance, in one currency",
}


def _functions(env: CatalogEnv) -> list[dict[str, Any]]:
    return [e for e in env.catalog.abi if e["type"] == "function"]


def test_abi_has_no_privileged_function(env: CatalogEnv) -> None:
    names = [e["name"] for e in env.catalog.abi if "name" in e]
    own = [n for n in names if not n.startswith("SafeERC20")]  # OpenZeppelin's library error ("safe" ~ "fee")
    assert not [n for n in own if PRIVILEGED.search(n)]
    assert set(names) - set(own) == {"SafeERC20FailedOperation"}
    # no constructor arguments (no initial owner), no fallback or receive
    assert [e["type"] for e in env.catalog.abi if e["type"] in ("constructor", "fallback", "receive")] in (
        [],
        ["constructor"],
    )
    assert all(not e.get("inputs") for e in env.catalog.abi if e["type"] == "constructor")


def test_every_state_changing_function_is_classified(env: CatalogEnv) -> None:
    changing = {e["name"] for e in _functions(env) if e["stateMutability"] not in ("view", "pure")}
    assert changing == set(STATE_CHANGING)
    payable = {e["name"] for e in _functions(env) if e["stateMutability"] == "payable"}
    assert payable == {"buy"}


def _opcodes(code: bytes) -> set[int]:
    """Opcodes of runtime bytecode, skipping PUSH data and the trailing CBOR metadata."""
    metadata_length = int.from_bytes(code[-2:], "big") + 2
    code = code[:-metadata_length]
    ops, i = set(), 0
    while i < len(code):
        op = code[i]
        ops.add(op)
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return ops


def test_bytecode_cannot_selfdestruct_or_delegate(env: CatalogEnv) -> None:
    ops = _opcodes(bytes(env.w3.eth.get_code(env.catalog.address)))
    assert 0xF1 in ops  # CALL is there (withdraw): the scan does see opcodes
    assert not ops & {0xFF, 0xF4, 0xF2}  # SELFDESTRUCT, DELEGATECALL, CALLCODE


def test_plain_ether_transfers_are_refused(env: CatalogEnv) -> None:
    tx = {"from": env.other, "to": env.catalog.address, "value": PRICE, "gas": 100_000}
    # anvil may answer eth_sendTransaction before the block is visible: wait for the receipt
    receipt = env.w3.eth.wait_for_transaction_receipt(env.w3.eth.send_transaction(tx), timeout=120)
    assert receipt["status"] == 0
    assert env.balance(env.catalog.address) == 0


def _snapshot(env: CatalogEnv, pids: list[int]) -> tuple[Any, ...]:
    """Everything a stranger must not be able to change."""
    return (
        {a: env.withdrawable(a) for a in env.accounts},
        [env.product(p) for p in pids],
        [env.orders(p, 0, 100) for p in pids],
        env.balance(env.catalog.address),
    )


@pytest.mark.reliability("attack")
def test_the_deployer_and_strangers_cannot_touch_others_products_orders_or_money(env: CatalogEnv) -> None:
    escrow_pid = env.list_escrowed(price=PRICE, stock=10, arbiter=env.arbiter)
    sale_pid = env.list_product(price=PRICE, stock=10, escrow_window=0)
    env.buy(escrow_pid, 2)  # order 1: disputed
    env.buy(escrow_pid, 1)  # order 2: refunded -> buyer's credit
    env.send(env.catalog.functions.refund(escrow_pid, 2), env.seller)
    env.send(env.catalog.functions.ship(escrow_pid, 1, DIGEST, 0), env.seller)
    env.send(env.catalog.functions.dispute(escrow_pid, 1), env.buyer)
    env.send(env.catalog.functions.offerSettlement(escrow_pid, 1, PRICE), env.seller)  # open offer
    env.buy(sale_pid, 1)  # completed -> seller's credit
    env.next_block_at(env.order(escrow_pid, 1)["shippedAt"] + WINDOW + 1)  # past the window: still no release
    before = _snapshot(env, [escrow_pid, sale_pid])
    f = env.catalog.functions
    for stranger in (env.deployer, env.other):
        attempts = [
            (f.setPrice(escrow_pid, 1), ("CatalogNotSeller", escrow_pid, stranger)),
            (f.setStock(escrow_pid, 0), ("CatalogNotSeller", escrow_pid, stranger)),
            (f.setMetadata(escrow_pid, DIGEST, 1), ("CatalogNotSeller", escrow_pid, stranger)),
            (f.delist(escrow_pid), ("CatalogNotSeller", escrow_pid, stranger)),
            (f.ship(escrow_pid, 1, DIGEST, 0), ("CatalogNotSeller", escrow_pid, stranger)),
            (f.refund(escrow_pid, 1), ("CatalogNotSeller", escrow_pid, stranger)),
            (f.confirm(escrow_pid, 1), ("CatalogNotBuyer", escrow_pid, 1, stranger)),
            (f.cancel(escrow_pid, 1), ("CatalogNotBuyer", escrow_pid, 1, stranger)),
            (f.dispute(escrow_pid, 1), ("CatalogNotBuyer", escrow_pid, 1, stranger)),
            (f.release(escrow_pid, 1), ("CatalogWrongOrderState", escrow_pid, 1, State.DISPUTED)),
            (f.resolve(escrow_pid, 1, 0), ("CatalogNotArbiter", escrow_pid, stranger)),
            (f.review(sale_pid, 1, 1, DIGEST, 0), ("CatalogNotBuyer", sale_pid, 1, stranger)),
            (f.withdraw(ETH, stranger), ("CatalogNothingToWithdraw", stranger)),
            (f.offerSettlement(escrow_pid, 1, 0), ("CatalogNotParty", escrow_pid, 1, stranger)),
            (f.acceptSettlement(escrow_pid, 1, PRICE), ("CatalogNotParty", escrow_pid, 1, stranger)),
            (f.withdrawSettlement(escrow_pid, 1), ("CatalogNotParty", escrow_pid, 1, stranger)),
        ]
        own = {"listProduct", "buy", "buyWithPermit", "setProfile"}  # each acts for the caller only
        assert {fn.fn_name for fn, _ in attempts} == set(STATE_CHANGING) - own
        for fn, (name, *args) in attempts:
            with env.expect_revert(name, *args):
                env.send(fn, stranger)
    assert _snapshot(env, [escrow_pid, sale_pid]) == before


def test_seller_cannot_take_the_buyers_refund(env: CatalogEnv) -> None:
    pid = env.list_escrowed(price=PRICE, stock=10)
    env.buy(pid, 3)
    env.buy(pid, 1)
    env.send(env.catalog.functions.refund(pid, 1), env.seller)
    assert env.withdrawable(env.buyer) == 3 * PRICE
    with env.expect_revert("CatalogNothingToWithdraw", env.seller):
        env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    # with a credit of its own, the seller withdraws exactly that and not a wei of the buyer's
    env.send(env.catalog.functions.confirm(pid, 2), env.buyer)
    receipt = env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    assert env.events(receipt) == [
        ("Withdrawn", {"account": env.seller, "currency": ETH, "to": env.seller, "amount": PRICE})
    ]
    assert env.withdrawable(env.buyer) == 3 * PRICE
    assert env.balance(env.catalog.address) == 3 * PRICE
    env.assert_money_invariant()


def test_buyer_cannot_take_back_a_confirmed_payment(env: CatalogEnv) -> None:
    pid = env.list_escrowed(price=PRICE, stock=10)
    env.buy(pid, 2)
    env.send(env.catalog.functions.confirm(pid, 1), env.buyer)
    with env.expect_revert("CatalogNothingToWithdraw", env.buyer):
        env.send(env.catalog.functions.withdraw(ETH, env.buyer), env.buyer)
    with env.expect_revert("CatalogNotSeller", pid, env.buyer):
        env.send(env.catalog.functions.refund(pid, 1), env.buyer)
    with env.expect_revert("CatalogWrongOrderState", pid, 1, State.COMPLETED):
        env.send(env.catalog.functions.refund(pid, 1), env.seller)  # not even the seller, once paid out
    with env.expect_revert("CatalogWrongOrderState", pid, 1, State.COMPLETED):
        env.send(env.catalog.functions.cancel(pid, 1), env.buyer)
    assert env.withdrawable(env.seller) == 2 * PRICE
    assert env.order(pid, 1)["state"] == State.COMPLETED
