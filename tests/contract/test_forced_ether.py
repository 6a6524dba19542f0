"""Ether forced into the Catalog by a self-destruct breaks nothing, on a real anvil.

The Catalog has no receive function, but a self-destructing contract (contracts/test/ForceSend.sol)
pushes ether in regardless. That ether is owed to no one: every flow must still settle
to the wei, withdrawals pay exactly what each account is owed, and the money invariant holds as "at
least" (the Catalog's ether >= escrowed amounts + every balance; exactly that plus what was forced in).

It runs on anvil with the paris hardfork, the EVM the contracts are compiled for, and with prague, the
current mainnet one: since Cancun (EIP-6780) SELFDESTRUCT deletes the contract only when it runs in the
transaction that created it, as ForceSend's constructor does, and moves the balance either way, so
ether is forced in on both. The state machine of test_invariants.py forces ether in at random steps too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from web3.contract import Contract

from dapp.compile import Artifact
from dapp.nodes import AnvilNode
from tests.support.backends import AnvilChain
from tests.support.catalog_env import ETH, HANDLING, WINDOW, CatalogEnv, State

from .conftest import _deployed_env

PRICE = 10**15
USD_PRICE = 25 * 10**6  # 25 tUSD
FINAL = (State.COMPLETED, State.REFUNDED, State.CANCELLED, State.RESOLVED)


@dataclass
class HardforkAnvil(AnvilNode):
    """anvil on another hardfork than the paris every other test uses."""

    hardfork: str = "paris"

    def command(self, port: int) -> list[str]:
        cmd = super().command(port)
        cmd[cmd.index("--hardfork") + 1] = self.hardfork
        return cmd


@pytest.fixture(params=["paris", "prague"])
def forced_env(request: pytest.FixtureRequest, artifacts: dict[str, Artifact]) -> Iterator[CatalogEnv]:
    """A fresh Catalog on anvil: the session's paris node (reverted afterwards), or a prague node of its own."""
    if request.param == "paris":
        yield request.getfixturevalue("anvil_env")
        return
    with HardforkAnvil(hardfork=request.param) as node:
        chain = AnvilChain(node.url)
        assert chain.rpc("anvil_nodeInfo")["hardFork"].lower() == request.param
        yield _deployed_env(chain, artifacts)
        chain.close()


class Ledger:
    """The test's own account of what was forced in, and the money checks after every step."""

    def __init__(self, env: CatalogEnv, currencies: list[str]) -> None:
        self.env = env
        self.currencies = currencies
        self.forced = 0
        self.wei = 1  # forced in after each step
        self.orders: list[tuple[int, int]] = []

    def force(self, amount: int) -> None:
        before = self.env.balance(self.env.catalog.address)
        self.env.deploy("ForceSend", self.env.catalog.address, value=amount)
        assert self.env.balance(self.env.catalog.address) == before + amount
        self.forced += amount

    def check(self) -> None:
        """Per currency: held >= escrowed + owed ("at least"), and for ether exactly that plus the forced."""
        parties = self.env.parties()
        owed, held = self.env.balances(parties, self.currencies)
        for currency in self.currencies:
            due = self.env.escrowed_total(currency) + sum(v for (_, c), v in owed.items() if c == currency)
            assert held[currency] >= due
            assert held[currency] == due + (self.forced if currency == ETH else 0)

    def step(self, receipt: Any) -> Any:
        """After a step: check, force more ether in (`wei`), check again."""
        self.check()
        self.force(self.wei)
        self.check()
        return receipt

    def buy(self, pid: int, quantity: int, buyer: str) -> int:
        no = self.env.order_no(self.step(self.env.buy(pid, quantity, buyer=buyer)))
        self.orders.append((pid, no))
        return no

    def act(self, fn: Any, sender: str) -> None:
        self.step(self.env.send(fn, sender))


@pytest.mark.anvil
@pytest.mark.reliability("attack")
def test_every_flow_settles_with_ether_forced_in(forced_env: CatalogEnv) -> None:
    env = forced_env
    f = env.catalog.functions
    seller, buyer, buyer2, arbiter, stranger = env.accounts[1:6]
    usd: Contract = env.deploy_token("TestUSD", holders=[buyer, buyer2], amount=10**12)
    ledger = Ledger(env, [ETH, usd.address])
    ledger.force(1)  # before anything is listed: the Catalog holds ether that nobody is owed
    ledger.check()
    for k, (currency, price) in enumerate([(ETH, PRICE), (usd.address, USD_PRICE)]):
        ledger.wei = 10**k + 1  # a different amount each round
        escrowed = env.list_escrowed(price=price, stock=20, currency=currency, arbiter=arbiter, seller=seller)
        immediate = env.list_product(price=price, stock=5, currency=currency, seller=seller)
        buy, act = ledger.buy, ledger.act
        assert env.order(immediate, buy(immediate, 2, buyer))["state"] == State.COMPLETED
        confirmed, released, resolved = buy(escrowed, 1, buyer), buy(escrowed, 1, buyer2), buy(escrowed, 2, buyer)
        refunded, cancelled = buy(escrowed, 1, buyer2), buy(escrowed, 1, buyer)
        confirmed_early = buy(escrowed, 3, buyer2)  # confirmed before it ships
        for no in (confirmed, released, resolved):
            act(f.ship(escrowed, no, b"\x01" * 32, 0), seller)
        act(f.confirm(escrowed, confirmed), buyer)
        act(f.dispute(escrowed, resolved), buyer)
        act(f.resolve(escrowed, resolved, 2 * price // 3), arbiter)
        act(f.refund(escrowed, refunded), seller)
        act(f.confirm(escrowed, confirmed_early), buyer2)
        env.advance_to(max(env.order(escrowed, released)["deadline"], env.order(escrowed, cancelled)["deadline"]))
        assert WINDOW > HANDLING
        act(f.release(escrowed, released), stranger)  # anyone may release once the window passed
        act(f.cancel(escrowed, cancelled), buyer)
        states = {no: env.order(escrowed, no)["state"] for no in range(1, 7)}
        assert states == {
            confirmed: State.COMPLETED, released: State.COMPLETED, resolved: State.RESOLVED,
            refunded: State.REFUNDED, cancelled: State.CANCELLED, confirmed_early: State.COMPLETED,
        }  # fmt: skip
        assert env.product(escrowed)["stock"] == 20 - 9 + 2  # the refund and the cancel went back on sale

    # Everyone withdraws everything, to the wei; the forced ether stays, owed to no one.
    assert all(env.order(pid, no)["state"] in FINAL for pid, no in ledger.orders)
    for currency in ledger.currencies:
        for account in (seller, buyer, buyer2):
            owed = env.withdrawable(account, currency)
            assert owed > 0
            before = env.balance(account, currency)
            receipt = env.send(f.withdraw(currency, account), account)
            gas = env.gas_cost(receipt) if currency == ETH else 0
            assert env.balance(account, currency) == before + owed - gas
            assert env.withdrawable(account, currency) == 0
            ledger.check()
        for account in (arbiter, stranger):  # the arbiter got nothing for its ruling; nobody claims the forced
            with env.expect_revert("CatalogNothingToWithdraw", account):
                env.send(f.withdraw(currency, account), account)
    assert env.balance(env.catalog.address) == ledger.forced
    assert env.balance(env.catalog.address, usd.address) == 0
