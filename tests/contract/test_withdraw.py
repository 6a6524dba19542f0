"""withdraw: pull payments per currency, to any recipient, a recipient that rejects ether, reentrant attackers,
and ether forced in."""

from __future__ import annotations

from typing import Any

import pytest
from web3.contract import Contract

from tests.support.catalog_env import DIGEST, ETH, HANDLING, CatalogEnv, State

PRICE = 10**15


def test_withdraw_sends_exactly_the_credit(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, stock=10, escrow_window=0)
    env.buy(pid, 3)
    env.buy(pid, 2, buyer=env.other)
    escrow_pid = env.list_escrowed(price=PRICE)
    env.buy(escrow_pid, 1)  # escrowed funds stay behind
    assert env.withdrawable(env.seller) == 5 * PRICE
    seller_before = env.balance(env.seller)
    catalog_before = env.balance(env.catalog.address)
    receipt = env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    assert env.events(receipt) == [_withdrawn(env.seller, 5 * PRICE)]
    assert env.balance(env.seller) == seller_before + 5 * PRICE - env.gas_cost(receipt)
    assert env.balance(env.catalog.address) == catalog_before - 5 * PRICE == PRICE
    assert env.withdrawable(env.seller) == 0
    env.assert_money_invariant()


def test_withdraw_nothing(env: CatalogEnv, usd: Contract) -> None:
    for currency in (ETH, usd.address, env.other):  # any address names a currency; nothing is owed in it
        with env.expect_revert("CatalogNothingToWithdraw", env.other):
            env.send(env.catalog.functions.withdraw(currency, env.other), env.other)


def test_withdraw_to_another_address(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, escrow_window=0)
    env.buy(pid, 2)
    before = {a: env.balance(a) for a in (env.seller, env.other)}
    receipt = env.send(env.catalog.functions.withdraw(ETH, env.other), env.seller)
    assert env.events(receipt) == [_withdrawn(env.seller, 2 * PRICE, to=env.other)]
    assert env.balance(env.other) == before[env.other] + 2 * PRICE
    assert env.balance(env.seller) == before[env.seller] - env.gas_cost(receipt)
    assert env.withdrawable(env.seller) == env.withdrawable(env.other) == 0


def test_withdraw_invalid_recipient(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, escrow_window=0)
    env.buy(pid)
    for to in (ETH, env.catalog.address):
        with env.expect_revert("CatalogInvalidRecipient", to):
            env.send(env.catalog.functions.withdraw(ETH, to), env.seller)
    assert env.withdrawable(env.seller) == PRICE


def test_withdraw_is_per_currency(env: CatalogEnv, usd: Contract) -> None:
    eth_pid = env.list_product(price=PRICE, escrow_window=0)
    usd_pid = env.list_product(price=7_000_000, escrow_window=0, currency=usd.address)
    env.buy(eth_pid, 2)
    env.buy(usd_pid, 3)
    assert (env.withdrawable(env.seller), env.withdrawable(env.seller, usd.address)) == (2 * PRICE, 21_000_000)
    receipt = env.send(env.catalog.functions.withdraw(usd.address, env.arbiter), env.seller)
    assert env.events(receipt) == [_withdrawn(env.seller, 21_000_000, to=env.arbiter, currency=usd.address)]
    assert env.balance(env.arbiter, usd.address) == 21_000_000
    assert (env.withdrawable(env.seller), env.withdrawable(env.seller, usd.address)) == (2 * PRICE, 0)
    env.assert_money_invariant(usd.address)
    env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    assert env.balance(env.catalog.address) == env.balance(env.catalog.address, usd.address) == 0


def test_withdraw_twice(env: CatalogEnv) -> None:
    pid = env.list_product(price=PRICE, escrow_window=0)
    env.buy(pid)
    env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    with env.expect_revert("CatalogNothingToWithdraw", env.seller):
        env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    env.buy(pid)  # new proceeds are withdrawable again
    receipt = env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    assert env.events(receipt) == [_withdrawn(env.seller, PRICE)]


def test_buyer_withdraws_a_refund(env: CatalogEnv) -> None:
    pid = env.list_escrowed(price=PRICE, stock=5)
    env.buy(pid, 4)
    env.send(env.catalog.functions.refund(pid, 1), env.seller)
    before = env.balance(env.buyer)
    receipt = env.send(env.catalog.functions.withdraw(ETH, env.buyer), env.buyer)
    assert env.balance(env.buyer) == before + 4 * PRICE - env.gas_cost(receipt)
    assert env.balance(env.catalog.address) == 0
    env.assert_money_invariant()


# -- contract recipients ---------------------------------------------------------------------------------


def _actor_as_seller(env: CatalogEnv, actor: Contract, escrow_window: int = 0, stock: int = 10) -> int:
    """The actor lists a product; returns its id."""
    receipt = env.send(
        actor.functions.exec(
            env.calldata(
                "listProduct", ETH, PRICE, stock, HANDLING if escrow_window else 0, escrow_window, ETH, DIGEST, 0
            )
        ),
        env.deployer,
    )
    (event,) = env.catalog.events.ProductListed().process_receipt(receipt)
    assert event["args"]["seller"] == actor.address
    return int(event["args"]["productId"])


def _hook(env: CatalogEnv, actor: Contract, calls: list[tuple[int, bytes]], swallow: bool) -> None:
    env.send(actor.functions.arm([v for v, _ in calls], [d for _, d in calls], swallow), env.deployer)


def _hook_results(actor: Contract) -> list[tuple[bool, bytes]]:
    count = actor.functions.hookCount().call()
    return [(actor.functions.hookOk(i).call(), actor.functions.hookReturn(i).call()) for i in range(count)]


def _withdraw_via(env: CatalogEnv, actor: Contract, to: str | None = None) -> Any:
    return env.send(actor.functions.exec(env.calldata("withdraw", ETH, to or actor.address)), env.deployer)


def _withdrawn(account: str, amount: int, to: str | None = None, currency: str = ETH) -> tuple[str, dict[str, Any]]:
    return ("Withdrawn", {"account": account, "currency": currency, "to": to or account, "amount": amount})


def test_a_contract_recipient_withdraws(env: CatalogEnv) -> None:
    actor = env.deploy_actor()
    pid = _actor_as_seller(env, actor)
    env.buy(pid, 2)
    receipt = _withdraw_via(env, actor)
    assert env.events(receipt) == [_withdrawn(actor.address, 2 * PRICE)]
    assert env.balance(actor.address) == 2 * PRICE
    assert actor.functions.received().call() == 2 * PRICE
    env.assert_money_invariant()


@pytest.mark.reliability("attack")
def test_a_rejecting_recipient_keeps_its_credit(env: CatalogEnv) -> None:
    actor = env.deploy_actor()
    pid = _actor_as_seller(env, actor, escrow_window=100)
    env.buy(pid, 3)
    no = env.order_no(env.buy(pid, 1, buyer=env.other))
    env.send(env.catalog.functions.confirm(pid, 1), env.buyer)
    env.send(actor.functions.setRejecting(True), env.deployer)
    before = env.balance(env.catalog.address)
    with env.expect_revert("CatalogWithdrawFailed", actor.address, 3 * PRICE):
        _withdraw_via(env, actor)
    assert env.withdrawable(actor.address) == 3 * PRICE
    assert env.balance(env.catalog.address) == before
    assert env.balance(actor.address) == 0
    # it blocks no one else: the actor refunds `other`, who withdraws while the actor still rejects
    env.send(actor.functions.exec(env.calldata("refund", pid, no)), env.deployer)
    env.send(env.catalog.functions.withdraw(ETH, env.other), env.other)
    assert env.withdrawable(env.other) == 0
    env.assert_money_invariant()
    # and once it accepts again, it gets all of it
    env.send(actor.functions.setRejecting(False), env.deployer)
    _withdraw_via(env, actor)
    assert env.balance(actor.address) == 3 * PRICE
    assert env.withdrawable(actor.address) == 0
    env.assert_money_invariant()


def _rich_catalog(env: CatalogEnv) -> None:
    """Other people's money in the Catalog: escrowed orders and credits far larger than the attacker's."""
    pid = env.list_product(price=10 * PRICE, stock=100, escrow_window=1_000)
    env.buy(pid, 5)
    env.buy(pid, 5, buyer=env.other)
    env.send(env.catalog.functions.confirm(pid, 1), env.buyer)  # seller credit 50 PRICE
    immediate = env.list_product(price=7 * PRICE, stock=100, escrow_window=0, seller=env.other)
    env.buy(immediate, 3)  # other's credit 21 PRICE


@pytest.mark.reliability("attack")
def test_reentrant_withdraw_gets_nothing_more(env: CatalogEnv) -> None:
    _rich_catalog(env)
    actor = env.deploy_actor()
    pid = _actor_as_seller(env, actor)
    env.buy(pid, 2)
    calldata = env.calldata("withdraw", ETH, actor.address)
    _hook(env, actor, [(0, calldata), (0, calldata), (0, calldata)], swallow=True)
    catalog_before = env.balance(env.catalog.address)
    receipt = _withdraw_via(env, actor)
    # one withdrawal, of its own credit; every reentrant attempt saw a zero balance
    assert env.events(receipt) == [_withdrawn(actor.address, 2 * PRICE)]
    results = _hook_results(actor)
    assert [ok for ok, _ in results] == [False, False, False]
    for _, data in results:
        decoded = env.decoder.decode(data)
        assert (decoded.name, decoded.args_by_name) == ("CatalogNothingToWithdraw", {"account": actor.address})
    assert env.balance(actor.address) == 2 * PRICE
    assert actor.functions.receiveCount().call() == 1
    assert env.balance(env.catalog.address) == catalog_before - 2 * PRICE
    env.assert_money_invariant()


@pytest.mark.reliability("attack")
def test_reentrant_withdraw_that_insists_fails_whole(env: CatalogEnv) -> None:
    """If the attacker lets the reentrant failure propagate, its own withdrawal fails and is undone."""
    _rich_catalog(env)
    actor = env.deploy_actor()
    pid = _actor_as_seller(env, actor)
    env.buy(pid, 2)
    _hook(env, actor, [(0, env.calldata("withdraw", ETH, actor.address))], swallow=False)
    catalog_before = env.balance(env.catalog.address)
    with env.expect_revert("CatalogWithdrawFailed", actor.address, 2 * PRICE):
        _withdraw_via(env, actor)
    assert env.withdrawable(actor.address) == 2 * PRICE
    assert env.balance(env.catalog.address) == catalog_before
    assert env.balance(actor.address) == 0
    env.assert_money_invariant()


@pytest.mark.reliability("attack")
def test_reentrant_buy_and_refund_take_only_what_is_owed(env: CatalogEnv) -> None:
    """During its withdrawal the attacker refunds its own escrowed purchase, withdraws that refund,
    buys something, and refunds another buyer. It ends up with exactly its credit plus its own refund,
    minus what it spent; everyone else's money stays in place."""
    _rich_catalog(env)
    actor = env.deploy_actor(funding=100 * PRICE)
    escrow_pid = _actor_as_seller(env, actor, escrow_window=1_000)
    sale_pid = _actor_as_seller(env, actor, escrow_window=0)
    # the attacker buys 4 units of its own escrowed product (order 1); the buyer buys 1 (order 2)
    env.send(actor.functions.exec(env.calldata("buy", escrow_pid, 4, ETH, PRICE, 0)), env.deployer, value=4 * PRICE)
    env.buy(escrow_pid, 1)
    env.buy(sale_pid, 3)  # attacker credit: 3 PRICE
    target_pid = env.list_product(price=2 * PRICE, stock=5, escrow_window=0, seller=env.other)
    other_credit = env.withdrawable(env.other)
    seller_credit = env.withdrawable(env.seller)
    _hook(
        env,
        actor,
        [
            (0, env.calldata("refund", escrow_pid, 1)),
            (0, env.calldata("withdraw", ETH, actor.address)),
            (2 * PRICE, env.calldata("buy", target_pid, 1, ETH, 2 * PRICE, 0)),
            (0, env.calldata("refund", escrow_pid, 2)),
        ],
        swallow=False,
    )
    actor_before = env.balance(actor.address)
    catalog_before = env.balance(env.catalog.address)
    receipt = _withdraw_via(env, actor)
    assert all(ok for ok, _ in _hook_results(actor))
    names = [name for name, _ in env.events(receipt)]
    assert names == ["Withdrawn", "OrderRefunded", "Withdrawn", "Purchased", "OrderRefunded"]
    assert env.events(receipt)[0] == _withdrawn(actor.address, 3 * PRICE)
    assert env.events(receipt)[2] == _withdrawn(actor.address, 4 * PRICE)
    # the attacker: +3 (credit) +4 (its own refund) -2 (purchase)
    assert env.balance(actor.address) == actor_before + 5 * PRICE
    assert env.withdrawable(actor.address) == 0
    assert env.balance(env.catalog.address) == catalog_before - 5 * PRICE
    # everyone else: other was paid for the sale, the buyer got the refund, the seller is untouched
    assert env.withdrawable(env.other) == other_credit + 2 * PRICE
    assert env.withdrawable(env.buyer) == PRICE
    assert env.withdrawable(env.seller) == seller_credit
    assert env.product(escrow_pid)["stock"] == 10  # both refunds returned their units
    env.assert_money_invariant()


@pytest.mark.reliability("attack")
@pytest.mark.parametrize("swallow", [True, False])
def test_reentrant_settlement_of_someone_elses_order_fails(env: CatalogEnv, swallow: bool) -> None:
    """From inside its withdrawal the attacker tries the other side's actions: confirm a buyer's order,
    refund and release a seller's order (release is open to anyone, but only for a shipped order whose
    window passed), change their product. None of it is allowed."""
    pid = env.list_product(price=PRICE, stock=10, escrow_window=1_000)
    env.buy(pid, 2)
    actor = env.deploy_actor()
    env.buy(_actor_as_seller(env, actor), 1)
    calls = [
        (0, env.calldata("confirm", pid, 1)),
        (0, env.calldata("refund", pid, 1)),
        (0, env.calldata("release", pid, 1)),
        (0, env.calldata("setPrice", pid, 1)),
    ]
    _hook(env, actor, calls, swallow=swallow)
    if swallow:
        _withdraw_via(env, actor)
        errors = [env.decoder.decode(data) for _, data in _hook_results(actor)]
        assert [(e.name, tuple(e.args_by_name.values())) for e in errors] == [
            ("CatalogNotBuyer", (pid, 1, actor.address)),
            ("CatalogNotSeller", (pid, actor.address)),
            ("CatalogWrongOrderState", (pid, 1, State.PAID)),  # anyone may release, but only a shipped order
            ("CatalogNotSeller", (pid, actor.address)),
        ]
        assert env.balance(actor.address) == PRICE
    else:
        with env.expect_revert("CatalogWithdrawFailed", actor.address, PRICE):
            _withdraw_via(env, actor)
    assert env.order(pid, 1)["state"] == State.PAID
    assert env.withdrawable(env.seller) == env.withdrawable(env.buyer) == 0
    env.assert_money_invariant()


# -- contract buyers and ether forced in -----------------------------------------------------------------


@pytest.mark.reliability("attack")
def test_a_contract_buyer_that_rejects_ether_takes_its_refund_elsewhere(env: CatalogEnv) -> None:
    """A contract wallet that cannot receive ether (or a smart account paying from a module) is refunded
    to its own balance, and withdraws it to any address it names."""
    actor = env.deploy_actor(funding=10 * PRICE)
    env.send(actor.functions.setRejecting(True), env.deployer)
    pid = env.list_escrowed(price=PRICE)
    env.send(actor.functions.exec(env.calldata("buy", pid, 3, ETH, PRICE, 0)), env.deployer, value=3 * PRICE)
    assert env.order(pid, 1)["buyer"] == actor.address
    env.send(env.catalog.functions.refund(pid, 1), env.seller)
    with env.expect_revert("CatalogWithdrawFailed", actor.address, 3 * PRICE):
        _withdraw_via(env, actor)
    before = env.balance(env.other)
    receipt = _withdraw_via(env, actor, to=env.other)
    assert env.events(receipt) == [_withdrawn(actor.address, 3 * PRICE, to=env.other)]
    assert env.balance(env.other) == before + 3 * PRICE
    env.assert_money_invariant()


@pytest.mark.filterwarnings("ignore:SELFDESTRUCT opcode:DeprecationWarning")
def test_ether_forced_in_is_owed_to_no_one_and_changes_nothing(env: CatalogEnv) -> None:
    """A self-destruct pushes ether past the missing receive function: the Catalog then holds more than
    it owes, and every account still withdraws exactly its own balance."""
    pid = env.list_product(price=PRICE, escrow_window=0)
    env.buy(pid, 2)
    escrowed = env.list_escrowed(price=PRICE)
    env.buy(escrowed)
    env.deploy("ForceSend", env.catalog.address, value=5 * PRICE)
    assert env.balance(env.catalog.address) == 3 * PRICE + 5 * PRICE
    env.assert_money_invariant(forced=5 * PRICE)
    env.send(env.catalog.functions.withdraw(ETH, env.seller), env.seller)
    with env.expect_revert("CatalogNothingToWithdraw", env.other):
        env.send(env.catalog.functions.withdraw(ETH, env.other), env.other)
    env.send(env.catalog.functions.refund(escrowed, 1), env.seller)
    env.send(env.catalog.functions.withdraw(ETH, env.buyer), env.buyer)
    assert env.balance(env.catalog.address) == 5 * PRICE
    env.assert_money_invariant(forced=5 * PRICE)
