"""The money invariants and the event log, over a scripted scenario and random action sequences.

Random sellers, buyers, arbiters and strangers call every state-changing function, valid or not, on
products priced in ETH, TestUSD and a USDT-style token, with ether forced in now and then. `buyWithPermit`
is called with TestUSD permits, valid or forged, and with the USDT-style token, which has no permit. Beside
the random rules, a few pick an order in the state their action needs (ship a Paid order, dispute a
Shipped one, release an expired one, rule on a Disputed one): without them a sample of 2,400 steps never
saw a successful dispute or ruling, since most orders settle before they ship. After every
step the chain must agree with a small Python model of the Catalog (which error each failing call raises,
each product, order and balance), and:
- per currency, the Catalog's balance == escrowed amounts + every balance (ETH: + what was forced in);
- an order's state only moves forward;
- an arbiter's balances never grow from its rulings, nor from settlements (it is no party to them);
- per listed product, stock = the stock last set (listing or setStock) - units sold since + units of
  orders that ended unshipped since (refund, cancel, settlement), computed from the orders themselves.
Buyer and seller offer, replace, withdraw and accept settlements on escrowed orders, and the model keeps
each order's open offer, which every view must show. Purchases carry `orderData` (none, up to 300 bytes,
the 1 KiB cap, or one byte over it, which must fail first), listings try the bounds of the escrow window
and handling time and every refused arbiter, and sellers set and clear profiles.
At the end of each run, the Catalog's logs alone are replayed into a fresh model (`tests/support/replay.py`), which
must equal every view: products, stock, orders and their states, every balance; and the latest profile
of each seller must be the one the machine set.

The random test runs on two chains:
- `test_random_actions_quick`, on eth-tester with a small fixed budget (`contract-quick`), so that
  `make check`, with no node process, runs the machine too;
- `test_random_actions_on_anvil`, on a real anvil (snapshots and time travel through its RPC), 9-16
  times as fast as eth-tester here (74-80 steps/s against 5-8, same budget, shared 2-core machine).
  `make test` runs a short budget (`contract-anvil-quick`, ~600 steps); `make fuzz` (the `fuzz`
  profile) the long one (`contract-anvil-fuzz`, ~13,000-14,000 steps, with shrinking) and fails if
  fewer than 10,000 steps ran. It counts the rule steps it executed into the reliability tally
  (`fuzz_steps`) and prints them with the number of failures.
Every step checks the money invariant and the model's balances (one eth_call through the Lens) and the
touched product and order; every fourth step compares every product and order (one batched request);
the log replay runs at the end of every example.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

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
from web3.contract import Contract

from tests.support.catalog_env import (
    DAY,
    DIGEST,
    DIGEST2,
    ETH,
    HOUR,
    MAX_ORDER_DATA,
    REVIEWABLE,
    UINT32_MAX,
    CatalogEnv,
    State,
    stage,
)
from tests.support.reliability import Tally
from tests.support.replay import compare, replay

PRICE = 10**15
PERMIT_DEADLINE = 2**48
UNLIMITED = 2**256 - 1
RIGHTFUL = st.sampled_from([True, True, True, False])  # the order's own party, or someone at random
ESCROWED = (State.PAID, State.SHIPPED, State.DISPUTED)
ERRORS_THAT_NAME_A_STATE = {"CatalogWrongOrderState", "CatalogOrderNotReviewable"}
YEAR = 365 * DAY
# order data: none, the page's sizes, the cap, one byte over it (refused before anything else is checked)
ORDER_DATA = st.one_of(
    st.just(b""),
    st.binary(min_size=1, max_size=300),
    st.sampled_from([b"\x7f" * MAX_ORDER_DATA, bytes(MAX_ORDER_DATA + 1)]),
)
VALID_ORDER_DATA = st.one_of(st.just(b""), st.binary(min_size=1, max_size=300), st.just(b"\x7f" * MAX_ORDER_DATA))


# -- a model of the Catalog ------------------------------------------------------------------------------


@dataclass
class ProductModel:
    seller: str
    currency: str
    price: int
    stock: int
    handling: int
    window: int
    arbiter: str
    listed: bool = True
    orders: int = 0
    terms: int = 0
    digest: bytes = DIGEST
    ratings: list[int] = field(default_factory=list)
    base: int = 0  # the stock last set (listing or setStock), and the step it was set at
    base_step: int = 0


@dataclass
class OrderModel:
    pid: int
    no: int
    buyer: str
    quantity: int
    unit_price: int
    terms: int
    state: State
    placed_at: int
    shipped_at: int = 0
    offer_by: str = ETH
    offer_amount: int = 0
    step: int = 0  # the machine step that placed it
    restocked_at: int | None = None  # the step that ended it unshipped, putting its units back

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


Error = tuple[Any, ...] | None


@dataclass
class StepCount:
    """What a run of the machine executed: examples started, and rule steps run (initialization included;
    a step that fails counts, and so do the steps Hypothesis replays while shrinking a failure)."""

    examples: int = 0
    steps: int = 0
    forced: int = 0  # steps that forced ether in
    offers: int = 0  # settlement offers made, and accepted (so a run shows the settlement paths ran)
    settled: int = 0
    bounds_refused: int = 0  # listings refused for a window, handling time or arbiter out of bounds
    with_order_data: int = 0  # purchases placed with order data, and refused for too much of it
    order_data_refused: int = 0
    profiles: int = 0  # profiles set


P = ParamSpec("P")
R = TypeVar("R")


def counted(rule_body: Callable[P, R]) -> Callable[P, R]:
    """Count each run of a rule in the machine's tally (under @rule, so Hypothesis sees the signature)."""

    @functools.wraps(rule_body)
    def step(*args: P.args, **kwargs: P.kwargs) -> R:
        machine = args[0]
        assert isinstance(machine, CatalogMachine)
        machine.tally.steps += 1
        return rule_body(*args, **kwargs)

    return step


class CatalogMachine(RuleBasedStateMachine):
    def __init__(self, env: CatalogEnv, currencies: list[str], tally: StepCount) -> None:
        super().__init__()
        self.tally = tally
        tally.examples += 1
        self.env = env
        self.f = env.catalog.functions
        self.people = env.accounts[1:7]
        self.currencies = currencies
        self.products: dict[int, ProductModel] = {}
        self.orders: list[OrderModel] = []
        self.credit = {(a, c): 0 for a in self.people for c in currencies}
        self.forced = 0
        self.steps = 0
        self.profiles: dict[str, tuple[bytes, int]] = {}
        self.start_block = env.w3.eth.block_number + 1
        self.snapshot = env.chain.snapshot()

    def teardown(self) -> None:
        """Every run ends with the log replay: the events alone rebuild what the views return."""
        try:
            replayed = replay(self.env, self.start_block)
            compare(self.env, replayed, self.people, self.currencies)
            assert replayed.profiles == self.profiles
        finally:
            self.env.chain.revert(self.snapshot)  # the tokens and the Lens predate the snapshot: keep them

    # -- helpers ----------------------------------------------------------------------------------------

    def _pid(self, index: int) -> int:
        """An existing product id, or one time in ten the id just past the end."""
        if index % 10 == 9:
            return len(self.products) + 1
        return index % len(self.products) + 1

    def _order(self, index: int, prefer: tuple[State, ...]) -> OrderModel:
        """Three times in four an order in a state the rule can act on (if any), else any order."""
        preferred = [o for o in self.orders if o.state in prefer]
        if preferred and index % 4 != 3:
            return preferred[index // 4 % len(preferred)]
        return self.orders[index % len(self.orders)]

    def _pick(self, index: int, states: tuple[State, ...]) -> OrderModel:
        """An order in one of `states` (the rule's precondition says there is one)."""
        orders = [o for o in self.orders if o.state in states]
        return orders[index % len(orders)]

    def _person(self, index: int) -> str:
        return self.people[index % len(self.people)]

    def _seller_or(self, pid: int, stranger: int) -> str:
        product = self.products.get(pid)
        return product.seller if product else self._person(stranger)

    def _run(self, fn: Any, sender: str, error: Error, value: int = 0) -> Any:
        if error is None:
            return self.env.send(fn, sender, value=value)
        with self.env.expect_revert(*error):
            self.env.send(fn, sender, value=value)
        return None

    def _seller_check(self, pid: int, caller: str) -> Error:
        product = self.products.get(pid)
        if product is None:
            return ("CatalogUnknownProduct", pid)
        if product.seller != caller:
            return ("CatalogNotSeller", pid, caller)
        if not product.listed:
            return ("CatalogProductDelisted", pid)
        return None

    def _state_check(self, o: OrderModel, allowed: tuple[State, ...]) -> Error:
        return None if o.state in allowed else ("CatalogWrongOrderState", o.pid, o.no, o.state)

    def _move(self, o: OrderModel, state: State) -> None:
        assert stage(state) > stage(o.state), "an order's state only moves forward"
        o.state = state
        if state not in ESCROWED:  # an open offer ends with the order
            o.offer_by, o.offer_amount = ETH, 0

    def _restock(self, o: OrderModel) -> None:
        """An order that ends unshipped puts its units back, if the product is listed."""
        product = self.products[o.pid]
        if o.shipped_at == 0 and product.listed:
            product.stock = min(product.stock + o.quantity, UINT32_MAX)
            o.restocked_at = self.tally.steps

    def _settle(self, o: OrderModel, to: str, state: State) -> None:
        product = self.products[o.pid]
        self._move(o, state)
        self.credit[to, product.currency] += o.amount
        if state in (State.REFUNDED, State.CANCELLED):
            self._restock(o)

    def _timestamp(self, receipt: Any) -> int:
        return self.env.block_timestamp(receipt)

    # -- products ---------------------------------------------------------------------------------------

    @initialize(seller=st.integers(0, 5), other_seller=st.integers(0, 5), token=st.integers(0, 1))
    @counted
    def first_products(self, seller: int, other_seller: int, token: int) -> None:
        self._list(seller, 0, 5 * PRICE, 12, "arbiter")
        self._list(other_seller, 1 + token, 3_000_000, 12, "escrow")
        self._list(seller, 0, 2 * PRICE, 12, "immediate")

    @rule(
        seller=st.integers(0, 5),
        currency=st.integers(0, 2),
        price=st.integers(1, 10 * PRICE),
        stock=st.integers(0, 20),
        mode=st.sampled_from(["immediate", "escrow", "arbiter", "arbiter"]),
    )
    @counted
    def list_product(self, seller: int, currency: int, price: int, stock: int, mode: str) -> None:
        self._list(seller, currency, price, stock, mode)

    def _list(self, seller: int, currency: int, price: int, stock: int, mode: str) -> None:
        who = self._person(seller)
        token = self.currencies[currency % len(self.currencies)]
        window, handling = (0, 0) if mode == "immediate" else (DAY, HOUR)
        arbiter = self._person(seller + 1) if mode == "arbiter" else ETH
        pid = self.env.list_product(
            price=price, stock=stock, escrow_window=window, handling_time=handling, currency=token,
            arbiter=arbiter, seller=who,
        )  # fmt: skip
        assert pid == len(self.products) + 1
        self._listed(ProductModel(who, token, price, stock, handling, window, arbiter))

    def _listed(self, model: ProductModel) -> None:
        """A listing the chain accepted: the next product id, its stock the base of the stock invariant."""
        pid = len(self.products) + 1
        model.base, model.base_step = model.stock, self.tally.steps
        self.products[pid] = model
        self._check(pid)

    @rule(
        seller=st.integers(0, 5),
        window=st.sampled_from([0, DAY - 1, DAY, YEAR, YEAR + 1]),
        handling=st.sampled_from([0, HOUR - 1, HOUR, YEAR, YEAR + 1]),
        arbiter=st.sampled_from(["none", "none", "other", "seller", "catalog"]),
    )
    @counted
    def list_at_the_bounds(self, seller: int, window: int, handling: int, arbiter: str) -> None:
        """A listing at, or one second past, each bound of the escrow window and handling time, with no
        arbiter, another account, or one the Catalog refuses (the seller itself, the Catalog)."""
        who = self._person(seller)
        judge = {"none": ETH, "other": self._person(seller + 1), "seller": who, "catalog": self.env.catalog.address}
        arbiter_address = judge[arbiter]
        error: Error = None
        if window and not DAY <= window <= YEAR:
            error = ("CatalogInvalidEscrowWindow", window)
        elif (handling != 0) if window == 0 else not HOUR <= handling <= YEAR:
            error = ("CatalogInvalidHandlingTime", handling)
        elif arbiter_address != ETH and (arbiter in ("seller", "catalog") or window == 0):
            error = ("CatalogInvalidArbiter", arbiter_address)
        fn = self.f.listProduct(ETH, PRICE, 5, handling, window, arbiter_address, DIGEST, 0)
        self.tally.bounds_refused += error is not None
        if self._run(fn, who, error) is not None:
            assert self.f.productCount().call() == len(self.products) + 1
            self._listed(ProductModel(who, ETH, PRICE, 5, handling, window, arbiter_address))

    @rule(product=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 5), price=st.integers(0, PRICE))
    @counted
    def set_price(self, product: int, as_seller: bool, stranger: int, price: int) -> None:
        pid = self._pid(product)
        who = self._seller_or(pid, stranger) if as_seller else self._person(stranger)
        error = self._seller_check(pid, who) or (("CatalogInvalidPrice", 0) if price == 0 else None)
        if self._run(self.f.setPrice(pid, price), who, error) is not None:
            self.products[pid].price = price
            self.products[pid].terms += 1
            self._check(pid)

    @rule(product=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 5), stock=st.integers(0, 12))
    @counted
    def set_stock(self, product: int, as_seller: bool, stranger: int, stock: int) -> None:
        pid = self._pid(product)
        who = self._seller_or(pid, stranger) if as_seller else self._person(stranger)
        if self._run(self.f.setStock(pid, stock), who, self._seller_check(pid, who)) is not None:
            self.products[pid].stock = stock
            self.products[pid].base, self.products[pid].base_step = stock, self.tally.steps
            self._check(pid)

    @rule(product=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 5), digest=st.booleans())
    @counted
    def set_metadata(self, product: int, as_seller: bool, stranger: int, digest: bool) -> None:
        pid = self._pid(product)
        who = self._seller_or(pid, stranger) if as_seller else self._person(stranger)
        new = DIGEST2 if digest else DIGEST
        if self._run(self.f.setMetadata(pid, new, 0), who, self._seller_check(pid, who)) is not None:
            self.products[pid].digest = new
            self.products[pid].terms += 1
            self._check(pid)

    @precondition(lambda self: sum(p.listed for p in self.products.values()) > 2)
    @rule(product=st.integers(0, 10**6), as_seller=st.sampled_from([True, False, False]), stranger=st.integers(0, 5))
    @counted
    def delist(self, product: int, as_seller: bool, stranger: int) -> None:
        pid = self._pid(product)
        who = self._seller_or(pid, stranger) if as_seller else self._person(stranger)
        if self._run(self.f.delist(pid), who, self._seller_check(pid, who)) is not None:
            self.products[pid].listed = False
            self.products[pid].stock = 0
            self._check(pid)

    # -- buying -----------------------------------------------------------------------------------------

    @rule(
        product=st.integers(0, 10**6),
        buyer=st.integers(0, 5),
        quantity=st.sampled_from([1, 1, 1, 2, 3, 0, 25]),
        stale=st.sampled_from([None] * 6 + ["price", "terms", "currency"]),
        pay_delta=st.sampled_from([0] * 6 + [-1, 1]),
        order_data=ORDER_DATA,
    )
    @counted
    def buy(
        self, product: int, buyer: int, quantity: int, stale: str | None, pay_delta: int, order_data: bytes
    ) -> None:
        self._buy(self._pid(product), self._person(buyer), quantity, stale, pay_delta, order_data=order_data)

    @precondition(lambda self: any(p.listed and p.stock for p in self.products.values()))
    @rule(
        product=st.integers(0, 10**6), buyer=st.integers(0, 5), quantity=st.integers(1, 3), order_data=VALID_ORDER_DATA
    )
    @counted
    def buy_in_stock(self, product: int, buyer: int, quantity: int, order_data: bytes) -> None:
        """A valid purchase (the random `buy` above mostly fails once stock runs low)."""
        in_stock = [pid for pid, p in self.products.items() if p.listed and p.stock]
        pid = in_stock[product % len(in_stock)]
        self._buy(pid, self._person(buyer), min(quantity, self.products[pid].stock), None, 0, order_data=order_data)

    @precondition(lambda self: any(p.listed and p.stock and p.currency != ETH for p in self.products.values()))
    @rule(
        product=st.integers(0, 10**6),
        buyer=st.integers(0, 5),
        quantity=st.integers(1, 3),
        stale=st.sampled_from([None] * 6 + ["price", "currency"]),
        signature=st.sampled_from(["valid", "valid", "forged"]),
        order_data=ORDER_DATA,
    )
    @counted
    def buy_with_permit(
        self, product: int, buyer: int, quantity: int, stale: str | None, signature: str, order_data: bytes
    ) -> None:
        """A token purchase with an EIP-2612 permit signed into it: TestUSD's permit (a forged one is
        ignored, and the buyer's standing allowance pays), or the USDT-style token, which has no permit."""
        in_stock = [pid for pid, p in self.products.items() if p.listed and p.stock and p.currency != ETH]
        pid = in_stock[product % len(in_stock)]
        self._buy(pid, self._person(buyer), min(quantity, self.products[pid].stock), stale, 0, signature, order_data)

    def _permit(self, token: str, owner: str, amount: int, signature: str) -> tuple[int, bytes, bytes]:
        """(v, r, s) letting the Catalog take `amount` of `owner`'s `token`: signed by the owner, or forged
        (signed by someone else), or filler for a token without permit."""
        if token != self.currencies[1]:  # not TestUSD
            return 27, b"\x01" * 32, b"\x02" * 32
        signer = owner if signature == "valid" else self._person(self.people.index(owner) + 1)
        sig = self.env.permit(self.env.token_at(token), signer, amount, deadline=PERMIT_DEADLINE)
        return sig.v, sig.r, sig.s

    def _buy(
        self,
        pid: int,
        who: str,
        quantity: int,
        stale: str | None,
        pay_delta: int,
        permit: str | None = None,
        order_data: bytes = b"",
    ) -> None:
        """`buy`, or with `permit` ("valid" or "forged") `buyWithPermit`, carrying `order_data`."""
        model = self.products.get(pid)
        currency = model.currency if model else ETH
        if stale == "currency":
            currency = self.currencies[(self.currencies.index(currency) + 1) % len(self.currencies)]
        unit = (model.price if model else PRICE) + (1 if stale == "price" else 0)
        terms = (model.terms if model else 0) + (1 if stale == "terms" else 0)
        in_eth = model is None or model.currency == ETH
        value = max(quantity * unit + pay_delta, 0) if in_eth else max(pay_delta, 0)
        error: Error = None
        if len(order_data) > MAX_ORDER_DATA:
            error = ("CatalogOrderDataTooLarge", len(order_data), MAX_ORDER_DATA)
        elif model is None:
            error = ("CatalogUnknownProduct", pid)
        elif not model.listed:
            error = ("CatalogProductDelisted", pid)
        elif who == model.seller:
            error = ("CatalogSellerIsBuyer", pid)
        elif currency != model.currency:
            error = ("CatalogWrongCurrency", pid, currency, model.currency)
        elif unit != model.price:
            error = ("CatalogPriceChanged", pid, unit, model.price)
        elif terms != model.terms:
            error = ("CatalogTermsChanged", pid, terms, model.terms)
        elif quantity == 0:
            error = ("CatalogInvalidQuantity", 0)
        elif quantity > model.stock:
            error = ("CatalogInsufficientStock", pid, quantity, model.stock)
        elif not in_eth and value:
            error = ("CatalogUnexpectedEth", value)
        elif in_eth and value != quantity * model.price:
            error = ("CatalogWrongPayment", value, quantity * model.price)
        if permit is None:
            receipt = self._run(self.f.buy(pid, quantity, currency, unit, terms, order_data), who, error, value=value)
        else:
            error = ("CatalogInvalidCurrency", ETH) if currency == ETH else error
            v, r, s = self._permit(currency, who, quantity * unit, permit)
            fn = self.f.buyWithPermit(pid, quantity, currency, unit, terms, PERMIT_DEADLINE, v, r, s, order_data)
            receipt = self._run(fn, who, error)
        if error is not None and error[0] == "CatalogOrderDataTooLarge":
            self.tally.order_data_refused += 1
        if receipt is None:
            return
        assert model is not None
        self.tally.with_order_data += bool(order_data)
        if permit is not None and currency == self.currencies[1]:
            token = self.env.token_at(currency)
            allowance = token.functions.allowance(who, self.env.catalog.address).call()
            # a valid permit set the allowance to the amount, which the purchase spent; a forged one was
            # ignored and the standing unlimited allowance paid
            assert allowance == (0 if permit == "valid" else UNLIMITED)
            if allowance != UNLIMITED:  # restore it for the plain purchases
                self.env.send(token.functions.approve(self.env.catalog.address, UNLIMITED), who)
        model.stock -= quantity
        model.orders += 1
        escrowed = model.window > 0
        state = State.PAID if escrowed else State.COMPLETED
        placed = self._timestamp(receipt)
        order = OrderModel(pid, model.orders, who, quantity, model.price, model.terms, state, placed)
        order.step = self.tally.steps
        self.orders.append(order)
        if not escrowed:
            self.credit[model.seller, model.currency] += order.amount
        assert self.env.events(receipt) == [
            ("Purchased", {"productId": pid, "buyer": who, "orderNo": order.no, "quantity": quantity,
                           "unitPrice": model.price, "escrowed": escrowed, "orderData": order_data})
        ]  # fmt: skip
        self._check(pid, order)

    # -- the order state machine ------------------------------------------------------------------------

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 5))
    @counted
    def ship(self, order: int, as_seller: bool, stranger: int) -> None:
        self._ship(self._order(order, (State.PAID,)), as_seller, stranger)

    @precondition(lambda self: any(o.state == State.PAID for o in self.orders))
    @rule(order=st.integers(0, 10**6))
    @counted
    def ship_paid(self, order: int) -> None:
        """The seller ships a Paid order: without it most orders settle before they ship, and few reach a
        dispute and a ruling."""
        self._ship(self._pick(order, (State.PAID,)), True, 0)

    def _ship(self, o: OrderModel, as_seller: bool, stranger: int) -> None:
        seller = self.products[o.pid].seller
        who = seller if as_seller else self._person(stranger)
        error = ("CatalogNotSeller", o.pid, who) if who != seller else self._state_check(o, (State.PAID,))
        deadline = o.placed_at + self.products[o.pid].handling
        if error is None and self.env.pending_timestamp() >= deadline:
            error = ("CatalogShipDeadlinePassed", o.pid, o.no, deadline)
        receipt = self._run(self.f.ship(o.pid, o.no, DIGEST, 1), who, error)
        if receipt is not None:
            self._move(o, State.SHIPPED)
            o.placed_at, o.shipped_at = 0, self._timestamp(receipt)
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_buyer=RIGHTFUL, stranger=st.integers(0, 5), wait=st.booleans())
    @counted
    def cancel(self, order: int, as_buyer: bool, stranger: int, wait: bool) -> None:
        o = self._order(order, (State.PAID,))
        product = self.products[o.pid]
        deadline = o.placed_at + product.handling
        now = self.env.advance_to(deadline) if wait and o.state == State.PAID else self.env.pending_timestamp()
        who = o.buyer if as_buyer else self._person(stranger)
        error = ("CatalogNotBuyer", o.pid, o.no, who) if who != o.buyer else self._state_check(o, (State.PAID,))
        if error is None and now < deadline:
            error = ("CatalogHandlingTimeNotOver", o.pid, o.no, deadline)
        if self._run(self.f.cancel(o.pid, o.no), who, error) is not None:
            self._settle(o, o.buyer, State.CANCELLED)
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_buyer=RIGHTFUL, stranger=st.integers(0, 5))
    @counted
    def confirm(self, order: int, as_buyer: bool, stranger: int) -> None:
        o = self._order(order, ESCROWED)
        who = o.buyer if as_buyer else self._person(stranger)
        error = ("CatalogNotBuyer", o.pid, o.no, who) if who != o.buyer else self._state_check(o, ESCROWED)
        if self._run(self.f.confirm(o.pid, o.no), who, error) is not None:
            self._settle(o, self.products[o.pid].seller, State.COMPLETED)
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_buyer=RIGHTFUL, stranger=st.integers(0, 5), late=st.booleans())
    @counted
    def dispute(self, order: int, as_buyer: bool, stranger: int, late: bool) -> None:
        self._dispute(self._order(order, (State.SHIPPED,)), as_buyer, stranger, late)

    @precondition(lambda self: any(o.state == State.SHIPPED for o in self.orders))
    @rule(order=st.integers(0, 10**6))
    @counted
    def dispute_shipped(self, order: int) -> None:
        """The buyer disputes a Shipped order, in time unless the window already passed."""
        self._dispute(self._pick(order, (State.SHIPPED,)), True, 0, False)

    def _dispute(self, o: OrderModel, as_buyer: bool, stranger: int, late: bool) -> None:
        deadline = o.shipped_at + self.products[o.pid].window
        now = self.env.advance_to(deadline + 1) if late and o.state == State.SHIPPED else self.env.pending_timestamp()
        if now == deadline:  # a revert at exactly the deadline would replay, one second earlier, as a success
            now = self.env.advance_to(deadline + 1)
        who = o.buyer if as_buyer else self._person(stranger)
        error = ("CatalogNotBuyer", o.pid, o.no, who) if who != o.buyer else self._state_check(o, (State.SHIPPED,))
        if error is None and now >= deadline:
            error = ("CatalogDisputeWindowClosed", o.pid, o.no, deadline)
        if self._run(self.f.dispute(o.pid, o.no), who, error) is not None:
            self._move(o, State.DISPUTED)
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), who=st.integers(0, 5), wait=st.booleans())
    @counted
    def release(self, order: int, who: int, wait: bool) -> None:
        self._release(self._order(order, (State.SHIPPED,)), who, wait)

    @precondition(lambda self: any(o.state == State.SHIPPED for o in self.orders))
    @rule(order=st.integers(0, 10**6), who=st.integers(0, 5))
    @counted
    def release_expired(self, order: int, who: int) -> None:
        """Anyone releases a Shipped order once its window passed (time moves on to the deadline)."""
        self._release(self._pick(order, (State.SHIPPED,)), who, True)

    def _release(self, o: OrderModel, who: int, wait: bool) -> None:
        deadline = o.shipped_at + self.products[o.pid].window
        now = self.env.advance_to(deadline) if wait and o.state == State.SHIPPED else self.env.pending_timestamp()
        error = self._state_check(o, (State.SHIPPED,))
        if error is None and now < deadline:
            error = ("CatalogEscrowNotExpired", o.pid, o.no, deadline)
        if self._run(self.f.release(o.pid, o.no), self._person(who), error) is not None:
            self._settle(o, self.products[o.pid].seller, State.COMPLETED)
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_seller=RIGHTFUL, stranger=st.integers(0, 5))
    @counted
    def refund(self, order: int, as_seller: bool, stranger: int) -> None:
        o = self._order(order, ESCROWED)
        seller = self.products[o.pid].seller
        who = seller if as_seller else self._person(stranger)
        error = ("CatalogNotSeller", o.pid, who) if who != seller else self._state_check(o, ESCROWED)
        if self._run(self.f.refund(o.pid, o.no), who, error) is not None:
            self._settle(o, o.buyer, State.REFUNDED)
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_arbiter=RIGHTFUL, stranger=st.integers(0, 5), share=st.integers(0, 110))
    @counted
    def resolve(self, order: int, as_arbiter: bool, stranger: int, share: int) -> None:
        self._resolve(self._order(order, (State.DISPUTED,)), as_arbiter, stranger, share)

    @precondition(lambda self: any(self._arbitrable(o) for o in self.orders))
    @rule(order=st.integers(0, 10**6), share=st.integers(0, 100))
    @counted
    def resolve_disputed(self, order: int, share: int) -> None:
        """The product's arbiter rules on a Disputed order."""
        disputed = [o for o in self.orders if self._arbitrable(o)]
        self._resolve(disputed[order % len(disputed)], True, 0, share)

    def _arbitrable(self, o: OrderModel) -> bool:
        return o.state == State.DISPUTED and self.products[o.pid].arbiter != ETH

    def _resolve(self, o: OrderModel, as_arbiter: bool, stranger: int, share: int) -> None:
        product = self.products[o.pid]
        who = product.arbiter if as_arbiter and product.arbiter != ETH else self._person(stranger)
        buyer_amount = o.amount * share // 100
        error: Error = self._state_check(o, (State.DISPUTED,))
        if who != product.arbiter:
            error = ("CatalogNotArbiter", o.pid, who)
        if error is None and o.buyer == who:
            error = ("CatalogArbiterIsParty", o.pid, o.no)
        if error is None and buyer_amount > o.amount:
            error = ("CatalogInvalidSplit", buyer_amount, o.amount)
        ruling_before = {c: self.env.withdrawable(who, c) for c in self.currencies}
        receipt = self._run(self.f.resolve(o.pid, o.no, buyer_amount), who, error)
        # an arbiter's balances never grow from its rulings (it is never the seller nor, here, the buyer)
        assert {c: self.env.withdrawable(who, c) for c in self.currencies} == ruling_before
        if receipt is not None:
            self._move(o, State.RESOLVED)
            self.credit[o.buyer, product.currency] += buyer_amount
            self.credit[product.seller, product.currency] += o.amount - buyer_amount
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_buyer=RIGHTFUL, stranger=st.integers(0, 5), rating=st.integers(0, 6))
    @counted
    def review(self, order: int, as_buyer: bool, stranger: int, rating: int) -> None:
        o = self._order(order, tuple(REVIEWABLE))
        who = o.buyer if as_buyer else self._person(stranger)
        error: Error = None
        if who != o.buyer:
            error = ("CatalogNotBuyer", o.pid, o.no, who)
        elif o.state not in REVIEWABLE:
            error = ("CatalogOrderNotReviewable", o.pid, o.no, o.state)
        elif not 1 <= rating <= 5:
            error = ("CatalogInvalidRating", rating)
        if self._run(self.f.review(o.pid, o.no, rating, DIGEST, 0), who, error) is not None:
            self._move(o, State.REVIEWED)
            self.products[o.pid].ratings.append(rating)
            self._check(o.pid, o)

    # -- settlement -------------------------------------------------------------------------------------

    def _party(self, o: OrderModel, who: int, as_party: bool, seller_side: bool) -> str:
        if not as_party:
            return self._person(who)
        return self.products[o.pid].seller if seller_side else o.buyer

    def _party_check(self, o: OrderModel, who: str) -> Error:
        if who not in (o.buyer, self.products[o.pid].seller):
            return ("CatalogNotParty", o.pid, o.no, who)
        return self._state_check(o, ESCROWED)

    @precondition(lambda self: self.orders)
    @rule(
        order=st.integers(0, 10**6),
        as_party=RIGHTFUL,
        seller_side=st.booleans(),
        who=st.integers(0, 5),
        share=st.sampled_from([0, 1, 25, 50, 99, 100, 101]),
    )
    @counted
    def offer_settlement(self, order: int, as_party: bool, seller_side: bool, who: int, share: int) -> None:
        o = self._order(order, ESCROWED)
        self._offer(o, self._party(o, who, as_party, seller_side), share)

    @precondition(lambda self: any(o.state in ESCROWED for o in self.orders))
    @rule(order=st.integers(0, 10**6), seller_side=st.booleans(), share=st.integers(0, 100))
    @counted
    def offer_escrowed(self, order: int, seller_side: bool, share: int) -> None:
        """Buyer or seller offers a valid split on an escrowed order (the random rule above mostly
        fails or hits an ended order)."""
        o = self._pick(order, ESCROWED)
        self._offer(o, self.products[o.pid].seller if seller_side else o.buyer, share)

    def _offer(self, o: OrderModel, caller: str, share: int) -> None:
        amount = o.amount * share // 100 + (1 if share > 100 else 0)
        error = self._party_check(o, caller)
        if error is None and amount > o.amount:
            error = ("CatalogInvalidSplit", amount, o.amount)
        receipt = self._run(self.f.offerSettlement(o.pid, o.no, amount), caller, error)
        if receipt is not None:
            o.offer_by, o.offer_amount = caller, amount
            self.tally.offers += 1
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(
        order=st.integers(0, 10**6),
        as_party=RIGHTFUL,
        seller_side=st.booleans(),
        who=st.integers(0, 5),
        exact=st.sampled_from([True, True, True, False]),
    )
    @counted
    def accept_settlement(self, order: int, as_party: bool, seller_side: bool, who: int, exact: bool) -> None:
        offered = [o for o in self.orders if o.offer_by != ETH]
        o = offered[order % len(offered)] if offered and order % 4 != 3 else self._order(order, ESCROWED)
        product = self.products[o.pid]
        if as_party and o.offer_by != ETH:  # mostly the other party
            seller_side = o.offer_by == o.buyer if order % 5 else o.offer_by == product.seller
        self._accept(o, self._party(o, who, as_party, seller_side), exact)

    @precondition(lambda self: any(o.offer_by != ETH for o in self.orders))
    @rule(order=st.integers(0, 10**6))
    @counted
    def accept_offered(self, order: int) -> None:
        """The other party accepts an open offer, naming its amount."""
        o = self._pick_offered(order)
        product = self.products[o.pid]
        self._accept(o, product.seller if o.offer_by == o.buyer else o.buyer, True)

    def _pick_offered(self, index: int) -> OrderModel:
        offered = [o for o in self.orders if o.offer_by != ETH]
        return offered[index % len(offered)]

    def _accept(self, o: OrderModel, caller: str, exact: bool) -> None:
        product = self.products[o.pid]
        amount = o.offer_amount if exact else o.offer_amount + 1
        error = self._party_check(o, caller)
        if error is None:
            if o.offer_by == ETH:
                error = ("CatalogNoOffer", o.pid, o.no)
            elif o.offer_by == caller:
                error = ("CatalogOwnOffer", o.pid, o.no)
            elif amount != o.offer_amount:
                error = ("CatalogOfferMismatch", o.pid, o.no, o.offer_amount, amount)
        arbiter_before = {c: self.env.withdrawable(product.arbiter, c) for c in self.currencies}
        receipt = self._run(self.f.acceptSettlement(o.pid, o.no, amount), caller, error)
        if product.arbiter != ETH and product.arbiter not in (o.buyer, product.seller):
            assert {c: self.env.withdrawable(product.arbiter, c) for c in self.currencies} == arbiter_before
        if receipt is not None:
            self._restock(o)
            self._move(o, State.SETTLED)
            self.tally.settled += 1
            self.credit[o.buyer, product.currency] += amount
            self.credit[product.seller, product.currency] += o.amount - amount
            assert self.env.events(receipt) == [
                ("OrderSettled", {"productId": o.pid, "orderNo": o.no, "buyerAmount": amount,
                                  "sellerAmount": o.amount - amount})
            ]  # fmt: skip
            self._check(o.pid, o)

    @precondition(lambda self: self.orders)
    @rule(order=st.integers(0, 10**6), as_party=RIGHTFUL, seller_side=st.booleans(), who=st.integers(0, 5))
    @counted
    def withdraw_settlement(self, order: int, as_party: bool, seller_side: bool, who: int) -> None:
        offered = [o for o in self.orders if o.offer_by != ETH]
        o = offered[order % len(offered)] if offered and order % 4 != 3 else self._order(order, ESCROWED)
        if as_party and o.offer_by != ETH and order % 3:  # mostly the author
            seller_side = o.offer_by == self.products[o.pid].seller
        caller = self._party(o, who, as_party, seller_side)
        error = self._party_check(o, caller)
        if error is None and o.offer_by != caller:
            error = ("CatalogNoOffer", o.pid, o.no)
        if self._run(self.f.withdrawSettlement(o.pid, o.no), caller, error) is not None:
            o.offer_by, o.offer_amount = ETH, 0
            self._check(o.pid, o)

    # -- profiles ---------------------------------------------------------------------------------------

    @rule(
        who=st.integers(0, 5), digest=st.sampled_from([DIGEST, DIGEST2, bytes(32)]), codec=st.sampled_from([0, 1, 1, 2])
    )
    @counted
    def set_profile(self, who: int, digest: bytes, codec: int) -> None:
        """Anyone points at a profile (a zero digest clears it); only the codec is checked. The latest
        one of each account must come back from the log replay."""
        caller = self._person(who)
        error = ("CatalogInvalidMetadata", digest, codec) if codec > 1 else None
        receipt = self._run(self.f.setProfile(digest, codec), caller, error)
        if receipt is not None:
            assert self.env.events(receipt) == [("ProfileSet", {"seller": caller, "digest": digest, "codec": codec})]
            self.profiles[caller] = (digest, codec)
            self.tally.profiles += 1

    # -- money ------------------------------------------------------------------------------------------

    @rule(account=st.integers(0, 5), currency=st.integers(0, 2), creditor=RIGHTFUL, to=st.integers(0, 6))
    @counted
    def withdraw(self, account: int, currency: int, creditor: bool, to: int) -> None:
        """Mostly someone with a balance, to itself or another account; otherwise anyone."""
        creditors = [key for key, amount in self.credit.items() if amount]
        if creditor and not creditors:
            return
        who, token = (
            creditors[account % len(creditors)]
            if creditor
            else (self._person(account), self.currencies[currency % len(self.currencies)])
        )
        recipient = who if to == 6 else self._person(to)
        amount = self.credit[who, token]
        before = self.env.balance(recipient, token)
        error = None if amount else ("CatalogNothingToWithdraw", who)
        receipt = self._run(self.f.withdraw(token, recipient), who, error)
        if receipt is not None:
            gas = self.env.gas_cost(receipt) if token == ETH and recipient == who else 0
            assert self.env.balance(recipient, token) == before + amount - gas
            self.credit[who, token] = 0

    @rule(amount=st.integers(1, PRICE))
    @counted
    def force_ether(self, amount: int) -> None:
        """Ether pushed in by a self-destruct: owed to no one."""
        self.env.deploy("ForceSend", self.env.catalog.address, value=amount)
        self.forced += amount
        self.tally.forced += 1

    @rule(seconds=st.integers(1, 4_000))
    @counted
    def wait(self, seconds: int) -> None:
        self.env.advance_to(self.env.pending_timestamp() + seconds)

    # -- invariants -------------------------------------------------------------------------------------

    @invariant()
    def money_invariant(self) -> None:
        """Every step, per currency: the Catalog holds the escrowed amounts plus every balance (plus, for
        ETH, what was forced in), and every balance is what the model expects."""
        credits, held = self.env.balances(self.people, self.currencies)
        assert credits == self.credit
        for currency in self.currencies:
            escrowed = sum(o.amount for o in self.orders if o.state in ESCROWED and self._currency(o) == currency)
            owed = escrowed + sum(v for (_, c), v in credits.items() if c == currency)
            assert held[currency] == owed + (self.forced if currency == ETH else 0)
            assert held[currency] >= owed

    def _currency(self, o: OrderModel) -> str:
        return self.products[o.pid].currency

    @invariant()
    def stock_invariant(self) -> None:
        """Per listed product: the stock last set, minus the units sold since, plus the units of the
        orders that ended unshipped since (shipped units never come back). Stocks stay far below 2^32 here,
        so nothing saturates."""
        for pid, p in self.products.items():
            if not p.listed:
                assert p.stock == 0
                continue
            sold = sum(o.quantity for o in self.orders if o.pid == pid and o.step > p.base_step)
            back = sum(
                o.quantity
                for o in self.orders
                if o.pid == pid and o.restocked_at is not None and o.restocked_at > p.base_step
            )
            assert all(o.shipped_at == 0 for o in self.orders if o.restocked_at is not None)
            assert p.stock == p.base - sold + back, pid

    @invariant()
    def full_comparison(self) -> None:
        """Every fourth step: all products and orders through the paged views, against the model; every
        order's state is at least what it was (forward only)."""
        self.steps += 1
        if self.steps % 4:
            return
        pids = list(self.products)
        products, *orders = self.env.views(
            [("getProducts", (0, 1_000)), *(("getOrders", (pid, 0, 1_000)) for pid in pids)]
        )  # one request on anvil
        assert [p[0] for p in products] == pids
        for view, page in zip(products, orders, strict=True):
            p = self.env.as_product(view)
            self._compare_product(p)
            expected = [o for o in self.orders if o.pid == p["id"]]
            assert len(page) == len(expected)
            for chain_order, model in zip(page, expected, strict=True):
                self._compare_order(self.env.as_order(chain_order), model)

    def _compare_product(self, chain: dict[str, Any]) -> None:
        m = self.products[int(chain["id"])]
        assert chain == {
            "id": chain["id"], "seller": m.seller, "currency": m.currency, "price": m.price, "stock": m.stock,
            "handlingTime": m.handling, "escrowWindow": m.window, "arbiter": m.arbiter, "orderCount": m.orders,
            "termsVersion": m.terms, "ratingCount": len(m.ratings), "ratingSum": sum(m.ratings),
            "metadataDigest": m.digest, "metadataCodec": 0, "listed": m.listed,
        }  # fmt: skip

    def _compare_order(self, chain: dict[str, Any], m: OrderModel) -> None:
        p = self.products[m.pid]
        deadline = 0
        if m.state == State.PAID:
            deadline = m.placed_at + p.handling
        elif m.state == State.SHIPPED:  # a Disputed order has no release time
            deadline = m.shipped_at + p.window
        assert chain == {
            "productId": m.pid, "orderNo": m.no, "buyer": m.buyer, "currency": p.currency, "quantity": m.quantity,
            "unitPrice": m.unit_price, "amount": m.amount, "termsVersion": m.terms, "state": m.state,
            "placedAt": m.placed_at, "shippedAt": m.shipped_at, "deadline": deadline,
            "offerBy": m.offer_by, "offerBuyerAmount": m.offer_amount,
        }  # fmt: skip

    def _check(self, pid: int, order: OrderModel | None = None) -> None:
        """After a successful step: the product (and order) it touched, as the views return them."""
        self._compare_product(self.env.product(pid))
        if order is not None:
            self._compare_order(self.env.order(order.pid, order.no), order)


def _currencies(env: CatalogEnv) -> list[str]:
    """ETH, TestUSD and a USDT-style token, minted to and approved by every account the machine uses."""
    people = env.accounts[1:7]
    tokens: list[Contract] = [
        env.deploy_token(name, holders=people, amount=10**40) for name in ("TestUSD", "NoReturnToken")
    ]  # enough for any price the rules draw
    env.balances(people, [ETH])  # deploys the Lens before any machine snapshot
    return [ETH, *(t.address for t in tokens)]


def _run_machine(env: CatalogEnv, budget: settings, tally: StepCount | None = None) -> StepCount:
    currencies = _currencies(env)
    tally = tally or StepCount()
    run_state_machine_as_test(lambda: CatalogMachine(env, currencies, tally), settings=budget)
    return tally


@pytest.mark.eth_tester
@pytest.mark.filterwarnings("ignore:SELFDESTRUCT opcode:DeprecationWarning")
def test_random_actions_quick(env: CatalogEnv) -> None:
    _run_machine(env, settings.get_profile("contract-quick"))


FUZZ_STEPS = 10_000  # the least `make fuzz` must run (the figure)


@pytest.mark.anvil
@pytest.mark.reliability("fuzz")
@pytest.mark.timeout(3_600)
def test_random_actions_on_anvil(anvil_env: CatalogEnv, reliability: Tally, capsys: pytest.CaptureFixture[str]) -> None:
    """The same machine on a real anvil: the long run of `make fuzz` (the `fuzz` profile loaded), else a
    short one. Reports the steps it ran to the reliability tally and prints them with the failures."""
    fuzz = settings.get_current_profile_name() == "fuzz"
    tally = StepCount()
    started = time.monotonic()
    failures = 1
    try:
        _run_machine(anvil_env, settings.get_profile("contract-anvil-fuzz" if fuzz else "contract-anvil-quick"), tally)
        if fuzz:
            assert tally.steps >= FUZZ_STEPS, f"the fuzz profile ran {tally.steps} steps, fewer than {FUZZ_STEPS}"
        failures = 0
    finally:
        elapsed = time.monotonic() - started
        reliability.add("fuzz_steps", tally.steps)
        with capsys.disabled():
            print(
                f"\nCatalog state machine on anvil: {tally.steps} steps in {tally.examples} examples "
                f"({tally.forced} forcing ether in, {tally.offers} settlement offers, {tally.settled} settled, "
                f"{tally.with_order_data} purchases with order data, {tally.order_data_refused} refused for its size, "
                f"{tally.bounds_refused} listings refused out of bounds, {tally.profiles} profiles set), "
                f"{failures} failures, {elapsed:.0f} s "
                f"({tally.steps / elapsed:.0f} steps/s)"
            )


# -- a scripted scenario through every event, replayed from the logs -------------------------------------


@pytest.mark.filterwarnings("ignore:SELFDESTRUCT opcode:DeprecationWarning")
def test_every_event_replayed_from_the_logs_alone(env: CatalogEnv) -> None:
    """Several sellers, buyers and currencies, every action: the logs rebuild every view, and the money
    invariant holds per currency after each step."""
    currencies = _currencies(env)
    usd, nrt = currencies[1:]
    start = env.w3.eth.block_number + 1
    f = env.catalog.functions
    s1, s2, b1, b2, arb = env.accounts[1:6]
    a = env.list_escrowed(price=PRICE, stock=20, arbiter=arb, seller=s1)
    b = env.list_escrowed(price=2_000_000, stock=20, currency=usd, seller=s2)
    c = env.list_product(price=500, stock=5, currency=nrt, seller=s1)
    env.deploy("ForceSend", env.catalog.address, value=123)
    steps = [
        lambda: env.buy(a, 2, buyer=b1),  # a/1
        lambda: env.buy(a, 1, buyer=b2),  # a/2
        lambda: env.buy(a, 3, buyer=b1),  # a/3
        lambda: env.buy(b, 4, buyer=b2),  # b/1
        lambda: env.buy(b, 1, buyer=b1),  # b/2
        lambda: env.buy(c, 2, buyer=b2),  # c/1 immediate
        lambda: env.send(f.setPrice(a, 3 * PRICE), s1),
        lambda: env.send(f.setMetadata(b, DIGEST2, 1), s2),
        lambda: env.send(f.setStock(c, 9), s1),
        lambda: env.buy(a, 1, buyer=b2),  # a/4 at the new price
        lambda: env.buy(a, 2, buyer=b1),  # a/5: settled before shipping (restocks)
        lambda: env.buy(b, 1, buyer=b2),  # b/3: settled after shipping (does not)
        lambda: env.send(f.ship(a, 1, DIGEST, 0), s1),
        lambda: env.send(f.ship(a, 3, b"\x00" * 32, 0), s1),
        lambda: env.send(f.ship(b, 1, DIGEST2, 1), s2),
        lambda: env.send(f.dispute(a, 1), b1),
        lambda: env.send(f.resolve(a, 1, PRICE // 3), arb),
        lambda: env.send(f.confirm(a, 2), b2),  # from Paid
        lambda: env.send(f.refund(a, 4), s1),
        lambda: env.send(f.offerSettlement(a, 5, PRICE), b1),
        lambda: env.send(f.withdrawSettlement(a, 5), b1),
        lambda: env.send(f.offerSettlement(a, 5, 2 * PRICE), s1),
        lambda: env.send(f.offerSettlement(a, 5, 3 * PRICE), b1),  # replaces the seller's offer
        lambda: env.send(f.acceptSettlement(a, 5, 3 * PRICE), s1),
        lambda: env.send(f.ship(b, 3, DIGEST, 0), s2),
        lambda: env.send(f.offerSettlement(b, 3, 1_000_000), s2),
        lambda: env.send(f.dispute(b, 3), b2),  # the offer stays open
        lambda: env.send(f.acceptSettlement(b, 3, 1_000_000), b2),
        lambda: env.send(f.review(b, 3, 2, DIGEST, 0), b2),  # a settled order can be rated
        lambda: env.send(f.setProfile(DIGEST2, 1), s1),
        lambda: env.send(f.setProfile(b"\x00" * 32, 0), s2),
        lambda: env.send(f.review(a, 2, 4, DIGEST, 0), b2),
        lambda: env.send(f.review(c, 1, 5, DIGEST2, 1), b2),
        lambda: env.advance_to(max(env.order(a, 3)["deadline"], env.order(b, 1)["deadline"])),
        lambda: env.send(f.release(a, 3), b2),  # by someone else than the seller
        lambda: env.send(f.cancel(b, 2), b1),  # the handling time passed meanwhile
        lambda: env.send(f.release(b, 1), s2),
        lambda: env.send(f.delist(c), s1),
        lambda: env.send(f.withdraw(ETH, b2), s1),
        lambda: env.send(f.withdraw(usd, s2), s2),
        lambda: env.send(f.withdraw(nrt, b1), s1),
        lambda: env.send(f.withdraw(usd, b1), b1),
    ]
    for step in steps:
        step()
        env.assert_money_invariant(ETH, forced=123)
        env.assert_money_invariant(usd)
        env.assert_money_invariant(nrt)
    replayed = replay(env, start)
    every_event = {e["name"] for e in env.catalog.abi if e["type"] == "event"}
    assert set(replayed.events) == every_event
    compare(env, replayed, env.accounts, currencies)
    assert replayed.profiles == {s1: (DIGEST2, 1), s2: (b"\x00" * 32, 0)}
