"""The money invariant and stock accounting, over a scripted scenario and random action sequences.

After every state-changing step:
    balance(Catalog) == sum(amounts of escrowed orders) + sum(withdrawable over every account)
and the chain agrees with a small Python model of the Catalog: each product's stock, price and counters,
each order's state and amount, each account's credit, and which error each failing call raises.

The random test runs twice: `test_random_actions_quick` with a fixed small budget on every run, and
`test_random_actions` (marked slow) with the long `contract-fuzz` budget when the `fuzz` profile is
loaded (`make fuzz`), otherwise the small one (a second quick run with other random examples).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .conftest import DIGEST, CatalogEnv, State

PRICE = 10**15
RIGHTFUL = st.sampled_from([True, True, True, False])  # the order's own party, or someone at random


# -- a scripted scenario ---------------------------------------------------------------------------------


def test_money_invariant_through_a_scenario(env: CatalogEnv) -> None:
    f = env.catalog.functions
    seller, buyer, other = env.seller, env.buyer, env.other
    steps: list[Callable[[], object]] = [
        lambda: env.list_product(price=PRICE, stock=10, escrow_window=1_000),  # 1, escrowed
        lambda: env.list_product(price=3 * PRICE, stock=5, escrow_window=0, seller=other),  # 2, immediate
        lambda: env.buy(1, 2),  # 1/1
        lambda: env.buy(1, 3, buyer=other),  # 1/2
        lambda: env.buy(2, 1),  # 2/1 -> other +3
        lambda: env.send(f.setPrice(1, 2 * PRICE), seller),
        lambda: env.buy(1, 1),  # 1/3 at 2 PRICE
        lambda: env.send(f.confirm(1, 1), buyer),  # seller +2
        lambda: env.send(f.refund(1, 2), seller),  # other +3
        lambda: env.send(f.withdraw(), other),  # other -6
        lambda: env.buy(2, 4, buyer=seller),  # 2/2 -> other +12
        lambda: env.send(f.delist(1), seller),
        lambda: env.next_block_at(env.order(1, 3)["releasableAt"]),
        lambda: env.send(f.release(1, 3), seller),  # seller +2
        lambda: env.send(f.withdraw(), seller),
        lambda: env.send(f.withdraw(), other),
    ]
    env.assert_money_invariant()
    for step in steps:
        step()
        env.assert_money_invariant()
    assert env.balance(env.catalog.address) == 0
    assert [env.product(1)["stock"], env.product(2)["stock"]] == [0, 0]


# -- a model of the Catalog ------------------------------------------------------------------------------


@dataclass
class ProductModel:
    seller: str
    price: int
    stock: int
    window: int
    listed: bool = True
    orders: int = 0
    ratings: list[int] = field(default_factory=list)


@dataclass
class OrderModel:
    pid: int
    no: int
    buyer: str
    quantity: int
    amount: int
    state: State
    releasable_at: int


class CatalogMachine(RuleBasedStateMachine):
    """Random sellers, buyers and strangers calling every state-changing function, valid or not."""

    def __init__(self, env: CatalogEnv) -> None:
        super().__init__()
        self.env = env
        self.f = env.catalog.functions
        self.people = env.accounts[1:6]
        self.products: dict[int, ProductModel] = {}
        self.orders: list[OrderModel] = []
        self.credit = dict.fromkeys(self.people, 0)
        self.steps = 0
        self.snapshot = env.tester.take_snapshot()

    def teardown(self) -> None:
        self.env.tester.revert_to_snapshot(self.snapshot)

    # -- helpers ----------------------------------------------------------------------------------------

    def _pid(self, index: int) -> int:
        """An existing product id, or one time in ten the id just past the end."""
        if index % 10 == 9:
            return len(self.products) + 1
        return index % len(self.products) + 1

    def _order(self, index: int, prefer: State) -> OrderModel:
        """Three times in four an order in the state the rule can act on (if any), else any order."""
        preferred = [o for o in self.orders if o.state == prefer]
        if preferred and index % 4 != 3:
            return preferred[index // 4 % len(preferred)]
        return self.orders[index % len(self.orders)]

    def _person(self, index: int) -> str:
        return self.people[index % len(self.people)]

    def _seller_or(self, pid: int, stranger: int) -> str:
        product = self.products.get(pid)
        return product.seller if product else self._person(stranger)

    def _run(self, fn: object, sender: str, error: tuple[object, ...] | None, value: int = 0) -> object:
        if error is None:
            return self.env.send(fn, sender, value=value)
        with self.env.expect_revert(*error):
            self.env.send(fn, sender, value=value)
        return None

    def _seller_check(self, pid: int, caller: str) -> tuple[object, ...] | None:
        product = self.products.get(pid)
        if product is None:
            return ("CatalogUnknownProduct", pid)
        if product.seller != caller:
            return ("CatalogNotSeller", pid, caller)
        if not product.listed:
            return ("CatalogProductDelisted", pid)
        return None

    def _escrow_check(self, order: OrderModel) -> tuple[object, ...] | None:
        if order.state != State.ESCROWED:
            return ("CatalogOrderNotEscrowed", order.pid, order.no, order.state)
        return None

    # -- rules ------------------------------------------------------------------------------------------

    @initialize(seller=st.integers(0, 4), other_seller=st.integers(0, 4))
    def first_products(self, seller: int, other_seller: int) -> None:
        self.list_product(seller, 5 * PRICE, 12, 100)
        self.list_product(other_seller, 3 * PRICE, 12, 0)

    @rule(
        seller=st.integers(0, 4),
        price=st.integers(1, 10 * PRICE),
        stock=st.integers(0, 20),
        window=st.sampled_from([0, 0, 60, 3_600]),
    )
    def list_product(self, seller: int, price: int, stock: int, window: int) -> None:
        who = self._person(seller)
        pid = self.env.list_product(price=price, stock=stock, escrow_window=window, seller=who)
        assert pid == len(self.products) + 1
        self.products[pid] = ProductModel(who, price, stock, window)
        self._check(pid)

    @rule(
        product=st.integers(0, 10**6),
        buyer=st.integers(0, 4),
        quantity=st.sampled_from([1, 1, 1, 2, 2, 3, 0, 25]),
        stale_price=st.sampled_from([False] * 7 + [True]),
        pay_delta=st.sampled_from([0] * 6 + [-1, 1]),
    )
    def buy(self, product: int, buyer: int, quantity: int, stale_price: bool, pay_delta: int) -> None:
        self._buy(self._pid(product), self._person(buyer), quantity, stale_price, pay_delta)

    def _buy(self, pid: int, who: str, quantity: int, stale_price: bool, pay_delta: int) -> None:
        model = self.products.get(pid)
        unit = (model.price if model else PRICE) + (1 if stale_price else 0)
        value = max(quantity * unit + pay_delta, 0)
        error: tuple[object, ...] | None = None
        if model is None:
            error = ("CatalogUnknownProduct", pid)
        elif not model.listed:
            error = ("CatalogProductDelisted", pid)
        elif quantity == 0:
            error = ("CatalogInvalidQuantity", 0)
        elif quantity > model.stock:
            error = ("CatalogInsufficientStock", pid, quantity, model.stock)
        elif unit != model.price:
            error = ("CatalogPriceChanged", pid, unit, model.price)
        elif value != quantity * model.price:
            error = ("CatalogWrongPayment", value, quantity * model.price)
        now = self.env.pending_timestamp()
        receipt = self._run(self.f.buy(pid, quantity, unit), who, error, value=value)
        if receipt is None:
            return
        assert model is not None
        model.stock -= quantity
        model.orders += 1
        escrowed = model.window > 0
        amount = quantity * model.price
        state = State.ESCROWED if escrowed else State.COMPLETED
        self.orders.append(OrderModel(pid, model.orders, who, quantity, amount, state, now + model.window))
        if not escrowed:
            self.credit[model.seller] += amount
        assert self.env.events(receipt) == [
            (
                "Purchased",
                {"productId": pid, "buyer": who, "orderNo": model.orders, "quantity": quantity, "escrowed": escrowed},
            )
        ]
        self._check(pid, self.orders[-1])

    @rule(
        product=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 4), price=st.integers(1, 10 * PRICE)
    )
    def set_price(self, product: int, as_seller: bool, stranger: int, price: int) -> None:
        pid = self._pid(product)
        who = self._seller_or(pid, stranger) if as_seller else self._person(stranger)
        error = self._seller_check(pid, who)
        if self._run(self.f.setPrice(pid, price), who, error) is not None:
            self.products[pid].price = price
            self._check(pid)

    @rule(product=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 4), stock=st.integers(0, 12))
    def set_stock(self, product: int, as_seller: bool, stranger: int, stock: int) -> None:
        pid = self._pid(product)
        who = self._seller_or(pid, stranger) if as_seller else self._person(stranger)
        error = self._seller_check(pid, who)
        if self._run(self.f.setStock(pid, stock), who, error) is not None:
            self.products[pid].stock = stock
            self._check(pid)

    @precondition(lambda self: any(p.listed and p.stock for p in self.products.values()))
    @rule(product=st.integers(0, 10**6), buyer=st.integers(0, 4), quantity=st.integers(1, 3))
    def buy_in_stock(self, product: int, buyer: int, quantity: int) -> None:
        """A valid purchase (the random `buy` above mostly fails once stock runs low)."""
        in_stock = [pid for pid, p in self.products.items() if p.listed and p.stock]
        pid = in_stock[product % len(in_stock)]
        self._buy(pid, self._person(buyer), min(quantity, self.products[pid].stock), False, 0)

    @precondition(lambda self: sum(p.listed for p in self.products.values()) > 1)
    @rule(product=st.integers(0, 10**6), as_seller=st.sampled_from([True, False, False]), stranger=st.integers(0, 4))
    def delist(self, product: int, as_seller: bool, stranger: int) -> None:
        pid = self._pid(product)
        who = self._seller_or(pid, stranger) if as_seller else self._person(stranger)
        error = self._seller_check(pid, who)
        if self._run(self.f.delist(pid), who, error) is not None:
            self.products[pid].listed = False
            self.products[pid].stock = 0
            self._check(pid)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_buyer=RIGHTFUL, stranger=st.integers(0, 4))
    def confirm(self, order: int, as_buyer: bool, stranger: int) -> None:
        o = self._order(order, State.ESCROWED)
        who = o.buyer if as_buyer else self._person(stranger)
        error = self._escrow_check(o) or (None if who == o.buyer else ("CatalogNotBuyer", o.pid, o.no, who))
        if self._run(self.f.confirm(o.pid, o.no), who, error) is not None:
            o.state = State.COMPLETED
            self.credit[self.products[o.pid].seller] += o.amount
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 4), wait=st.booleans())
    def release(self, order: int, as_seller: bool, stranger: int, wait: bool) -> None:
        o = self._order(order, State.ESCROWED)
        seller = self.products[o.pid].seller
        who = seller if as_seller else self._person(stranger)
        now = self.env.advance_to(o.releasable_at) if wait else self.env.pending_timestamp()
        error = self._escrow_check(o)
        if error is None and who != seller:
            error = ("CatalogNotSeller", o.pid, who)
        if error is None and now < o.releasable_at:
            error = ("CatalogEscrowNotExpired", o.pid, o.no, o.releasable_at)
        if self._run(self.f.release(o.pid, o.no), who, error) is not None:
            o.state = State.COMPLETED
            self.credit[seller] += o.amount
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 4))
    def refund(self, order: int, as_seller: bool, stranger: int) -> None:
        o = self._order(order, State.ESCROWED)
        product = self.products[o.pid]
        who = product.seller if as_seller else self._person(stranger)
        error = self._escrow_check(o)
        if error is None and who != product.seller:
            error = ("CatalogNotSeller", o.pid, who)
        if self._run(self.f.refund(o.pid, o.no), who, error) is not None:
            o.state = State.REFUNDED
            self.credit[o.buyer] += o.amount
            if product.listed:
                product.stock += o.quantity
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_buyer=RIGHTFUL, stranger=st.integers(0, 4), rating=st.integers(0, 6))
    def review(self, order: int, as_buyer: bool, stranger: int, rating: int) -> None:
        o = self._order(order, State.COMPLETED)
        who = o.buyer if as_buyer else self._person(stranger)
        error: tuple[object, ...] | None = None
        if who != o.buyer:
            error = ("CatalogNotBuyer", o.pid, o.no, who)
        elif o.state != State.COMPLETED:
            error = ("CatalogOrderNotReviewable", o.pid, o.no, o.state)
        elif not 1 <= rating <= 5:
            error = ("CatalogInvalidRating", rating)
        if self._run(self.f.review(o.pid, o.no, rating, DIGEST, 0), who, error) is not None:
            o.state = State.REVIEWED
            self.products[o.pid].ratings.append(rating)
            self._check(o.pid, o)

    @rule(account=st.integers(0, 4), creditor=RIGHTFUL)
    def withdraw(self, account: int, creditor: bool) -> None:
        """Mostly someone with a credit; otherwise anyone."""
        creditors = [a for a in self.people if self.credit[a]]
        if creditor and not creditors:
            return
        who = creditors[account % len(creditors)] if creditor else self._person(account)
        amount = self.credit[who]
        before = self.env.balance(who)
        error = None if amount else ("CatalogNothingToWithdraw", who)
        receipt = self._run(self.f.withdraw(), who, error)
        if receipt is not None:
            assert self.env.balance(who) == before + amount - self.env.gas_cost(receipt)
            self.credit[who] = 0

    @rule(seconds=st.integers(1, 4_000))
    def wait(self, seconds: int) -> None:
        self.env.advance_to(self.env.pending_timestamp() + seconds)

    # -- invariants -------------------------------------------------------------------------------------

    @invariant()
    def money_invariant(self) -> None:
        """Every step: the Catalog's ether is the escrowed amounts plus every credit, and every credit is
        what the model expects. The escrowed sum comes from the model, whose orders are compared with the
        chain after each step that touches one and in full every few steps (`full_comparison`)."""
        env = self.env
        credits = {a: env.withdrawable(a) for a in self.people}
        assert credits == self.credit
        escrowed = sum(o.amount for o in self.orders if o.state == State.ESCROWED)
        assert env.balance(env.catalog.address) == escrowed + sum(credits.values())

    @invariant()
    def full_comparison(self) -> None:
        """Every fourth step: all products and orders through the paged views, against the model."""
        self.steps += 1
        if self.steps % 4:
            return
        chain_products = self.env.products(0, 1_000)
        assert [p["id"] for p in chain_products] == list(self.products)
        escrowed = 0
        for p in chain_products:
            self._compare_product(p)
            orders = self.env.orders(p["id"], 0, 1_000)
            expected = [o for o in self.orders if o.pid == p["id"]]
            assert len(orders) == len(expected)
            for chain_order, model in zip(orders, expected, strict=True):
                self._compare_order(chain_order, model)
            escrowed += sum(o["amount"] for o in orders if o["state"] == State.ESCROWED)
        assert self.env.balance(self.env.catalog.address) == escrowed + sum(self.credit.values())

    def _compare_product(self, chain: dict[str, object]) -> None:
        model = self.products[int(chain["id"])]  # type: ignore[call-overload]
        assert (chain["seller"], chain["price"], chain["stock"], chain["listed"], chain["orderCount"]) == (
            model.seller,
            model.price,
            model.stock,
            model.listed,
            model.orders,
        )
        assert (chain["ratingCount"], chain["ratingSum"]) == (len(model.ratings), sum(model.ratings))

    def _compare_order(self, chain: dict[str, object], model: OrderModel) -> None:
        assert (chain["productId"], chain["orderNo"], chain["buyer"], chain["quantity"]) == (
            model.pid,
            model.no,
            model.buyer,
            model.quantity,
        )
        assert (chain["amount"], chain["state"], chain["releasableAt"]) == (
            model.amount,
            model.state,
            model.releasable_at,
        )

    def _check(self, pid: int, order: OrderModel | None = None) -> None:
        """After a successful step: the product (and order) it touched, as the views return them."""
        self._compare_product(self.env.product(pid))
        if order is not None:
            self._compare_order(self.env.order(order.pid, order.no), order)


def _run_machine(env: CatalogEnv, budget: settings) -> None:
    run_state_machine_as_test(lambda: CatalogMachine(env), settings=budget)


def test_random_actions_quick(env: CatalogEnv) -> None:
    _run_machine(env, settings.get_profile("contract-quick"))


@pytest.mark.slow
@pytest.mark.timeout(3_600)  # under `make fuzz`: ~6000 steps at ~80 ms, plus shrinking
def test_random_actions(env: CatalogEnv) -> None:
    profile = "contract-fuzz" if settings.get_current_profile_name() == "fuzz" else "contract-quick"
    _run_machine(env, settings.get_profile(profile))
