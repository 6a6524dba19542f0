"""CatalogClient on every chain it must work with: eth-tester in process, real anvil, real Ganache.

The point is sameness: the same calls give the same typed results and the same named errors whatever
the provider, and a write that would revert is refused before anything is sent.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from web3 import Web3
from web3.middleware import Web3Middleware
from web3.types import RPCEndpoint

from dapp.client import CALL_BATCH, CatalogClient
from dapp.exceptions import (
    ContractRevert,
    DappValueError,
    InsufficientFundsError,
    NotATokenError,
    NotDeployedError,
    TokenDecimalsError,
)
from dapp.ipfs.cid import Cid, Codec
from dapp.networks import http_web3
from dapp.registry import Registry
from dapp.tokens import ETH_TOKEN, Token
from dapp.types import ETH, ListingTerms, OrderRef, OrderState, Payment, Product
from tests.support.capped_proxy import CappedRpcProxy
from tests.support.fixtures import DIGEST, Chain, ClientFor

PRICE = 10**16
SELLER, BUYER, OTHER, ARBITER = 1, 2, 3, 4
HOUR, DAY = 3600, 86_400
RAW = Cid(DIGEST, Codec.RAW)


def escrowed(client: CatalogClient, price: int = PRICE, stock: int = 5, **terms: Any) -> int:
    """An escrowed product: 1 h to ship, then 1 day to dispute (unless `terms` say otherwise): the shortest
    windows Catalog v3 allows."""
    terms = {"escrow_window": DAY, "handling_time": HOUR, **terms}
    return client.list_product(ListingTerms(price, stock, RAW, **terms)).product_id


def test_full_purchase_flow_with_escrow(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    arbiter = str(chain.w3.eth.accounts[ARBITER])
    listing = seller.list_product(
        ListingTerms(PRICE, 5, Cid(DIGEST, Codec.DAG_PB), escrow_window=DAY, handling_time=HOUR, arbiter=arbiter)
    )
    product = buyer.product(listing.product_id)
    assert product == Product(
        id=listing.product_id,
        seller=seller.account,  # type: ignore[arg-type]
        currency=ETH,
        price=PRICE,
        stock=5,
        handling_time=HOUR,
        escrow_window=DAY,
        arbiter=arbiter,
        order_count=0,
        terms_version=0,
        rating_count=0,
        rating_sum=0,
        metadata_digest=DIGEST,
        metadata_codec=Codec.DAG_PB,
        listed=True,
    )
    assert str(product.metadata_cid).startswith("bafy")  # dag-pb CIDv1 in base32
    assert product.has_arbiter and not product.in_token and not product.settles_immediately

    purchase = buyer.buy(product, 2)
    assert purchase.escrowed and purchase.amount == 2 * PRICE and purchase.payment is Payment.ETH
    order = buyer.order(purchase.order)
    assert (order.buyer, order.currency, order.quantity, order.unit_price, order.amount, order.state) == (
        buyer.account,
        ETH,
        2,
        PRICE,
        2 * PRICE,
        OrderState.PAID,
    )
    assert order.deadline == order.placed_at + HOUR and order.shipped_at == 0
    assert seller.withdrawable() == 0

    seller.ship(purchase.order, Cid(DIGEST, Codec.RAW))
    shipped = buyer.order(purchase.order)
    assert shipped.state is OrderState.SHIPPED and shipped.placed_at == 0
    assert shipped.deadline == shipped.shipped_at + DAY

    buyer.confirm(purchase.order)
    assert seller.withdrawable() == 2 * PRICE
    buyer.review(purchase.order, 4, Cid(DIGEST, Codec.RAW))
    assert buyer.product(listing.product_id).rating == 4.0
    assert buyer.order(purchase.order).state is OrderState.REVIEWED
    (review,) = buyer.reviews(listing.product_id)
    assert (review.reviewer, review.rating, review.review_digest, review.order_no) == (buyer.account, 4, DIGEST, 1)

    before = chain.w3.eth.get_balance(seller.account)  # type: ignore[arg-type]
    withdrawal = seller.withdraw()
    assert (withdrawal.amount, withdrawal.currency, withdrawal.to) == (2 * PRICE, ETH, seller.account)
    gas_cost = withdrawal.tx.gas_used * chain.w3.eth.get_transaction(withdrawal.tx.tx_hash)["gasPrice"]  # type: ignore[arg-type]
    assert chain.w3.eth.get_balance(seller.account) == before + 2 * PRICE - gas_cost  # type: ignore[arg-type]


def test_immediate_settlement_refund_and_release(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer, other = client_for(SELLER), client_for(BUYER), client_for(OTHER)
    now = seller.list_product(ListingTerms(PRICE, 10, RAW)).product_id
    later = escrowed(seller, stock=10)

    assert not buyer.buy(now, 1).escrowed
    assert seller.withdrawable() == PRICE
    assert buyer.order(OrderRef(now, 1)).state is OrderState.COMPLETED

    refunded = buyer.buy(later, 3).order
    seller.refund(refunded)
    assert buyer.withdrawable() == 3 * PRICE
    assert seller.product(later).stock == 10
    assert buyer.order(refunded).state is OrderState.REFUNDED

    released = buyer.buy(later, 1).order
    seller.ship(released)
    with pytest.raises(ContractRevert) as early:
        other.release(released)
    assert early.value.name == "CatalogEscrowNotExpired"
    chain.advance_time(DAY + 1)
    other.release(released)  # anyone may release; the money goes to the seller only
    assert seller.withdrawable() == 2 * PRICE
    assert other.withdrawable() == 0
    assert seller.order(released).state is OrderState.COMPLETED


def test_cancel_after_the_handling_time_and_not_before(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = escrowed(seller, handling_time=2 * HOUR)
    order = buyer.buy(pid, 2).order
    placed = buyer.order(order)
    with pytest.raises(ContractRevert) as early:
        buyer.cancel(order)
    assert early.value.name == "CatalogHandlingTimeNotOver"
    assert early.value.args_by_name["deadline"] == placed.deadline == placed.placed_at + 2 * HOUR
    chain.advance_time(2 * HOUR)
    buyer.cancel(order)
    assert buyer.order(order).state is OrderState.CANCELLED
    assert buyer.withdrawable() == 2 * PRICE
    assert seller.product(pid).stock == 5  # back in stock


def test_dispute_and_resolve_by_the_arbiter_only(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer, arbiter = client_for(SELLER), client_for(BUYER), client_for(ARBITER)
    pid = escrowed(seller, arbiter=arbiter.account)
    order = buyer.buy(pid, 1).order
    seller.ship(order)
    buyer.dispute(order)
    assert buyer.order(order).state is OrderState.DISPUTED

    for who in (seller, buyer):
        with pytest.raises(ContractRevert) as refused:
            who.resolve(order, PRICE // 2)
        assert refused.value.name == "CatalogNotArbiter"
    with pytest.raises(ContractRevert, match="CatalogInvalidSplit"):
        arbiter.resolve(order, PRICE + 1)
    result = arbiter.resolve(order, PRICE // 4)
    assert (result.buyer_amount, result.seller_amount) == (PRICE // 4, PRICE - PRICE // 4)
    assert buyer.order(order).state is OrderState.RESOLVED
    assert (buyer.withdrawable(), seller.withdrawable(), arbiter.withdrawable()) == (PRICE // 4, 3 * PRICE // 4, 0)


def test_dispute_after_the_window_is_refused(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    order = buyer.buy(escrowed(seller), 1).order
    seller.ship(order)
    chain.advance_time(DAY)
    with pytest.raises(ContractRevert) as late:
        buyer.dispute(order)
    assert late.value.name == "CatalogDisputeWindowClosed"
    assert buyer.order(order).state is OrderState.SHIPPED


def test_withdraw_to_another_address(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = seller.list_product(ListingTerms(PRICE, 3, RAW)).product_id
    buyer.buy(pid, 1)
    elsewhere = str(chain.w3.eth.accounts[5])
    before = chain.w3.eth.get_balance(elsewhere)  # type: ignore[arg-type]
    withdrawal = seller.withdraw(to=elsewhere)
    assert (withdrawal.account, withdrawal.to, withdrawal.amount) == (seller.account, elsewhere, PRICE)
    assert chain.w3.eth.get_balance(elsewhere) == before + PRICE  # type: ignore[arg-type]


def test_reverts_are_named_and_nothing_is_sent(chain: Chain, client_for: ClientFor, usd: str) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = seller.list_product(ListingTerms(PRICE, 1, RAW)).product_id
    in_usd = buyer.product(seller.list_product(ListingTerms(PRICE, 1, RAW, currency=usd)).product_id)
    seen = buyer.product(pid)
    changed = seller.list_product(ListingTerms(PRICE, 5, RAW)).product_id
    stale = buyer.product(changed)
    seller.set_metadata(changed, Cid(b"\x22" * 32, Codec.RAW))  # a photo of the item, after the buyer looked
    nonce = chain.w3.eth.get_transaction_count(buyer.account)  # type: ignore[arg-type]
    block = chain.w3.eth.block_number

    cases = [
        (lambda: buyer.buy(pid, 2), "CatalogInsufficientStock", {"productId": pid, "requested": 2, "available": 1}),
        (
            lambda: buyer.buy(dataclasses.replace(seen, price=PRICE + 1), 1),
            "CatalogPriceChanged",
            {"expected": PRICE + 1, "actual": PRICE},
        ),
        (lambda: buyer.buy(stale, 1), "CatalogTermsChanged", {"productId": changed, "expected": 0, "actual": 1}),
        (
            lambda: buyer.buy(dataclasses.replace(in_usd, currency=ETH), 1),  # thought it was priced in ETH
            "CatalogWrongCurrency",
            {"productId": in_usd.id, "expected": ETH, "actual": usd},
        ),
        (lambda: buyer.buy(99, 1), "CatalogUnknownProduct", {"productId": 99}),
        (lambda: buyer.set_price(pid, 5), "CatalogNotSeller", {"productId": pid, "caller": buyer.account}),
        (lambda: buyer.confirm(OrderRef(pid, 1)), "CatalogUnknownOrder", {"productId": pid, "orderNo": 1}),
        (lambda: buyer.cancel(OrderRef(pid, 1)), "CatalogUnknownOrder", {"productId": pid, "orderNo": 1}),
        (lambda: buyer.withdraw(), "CatalogNothingToWithdraw", {"account": buyer.account}),
        (lambda: buyer.product(42), "CatalogUnknownProduct", {"productId": 42}),
    ]
    for action, name, expected_args in cases:
        with pytest.raises(ContractRevert) as info:
            action()
        assert info.value.name == name, info.value
        assert type(info.value).__name__ == name
        for key, value in expected_args.items():
            assert info.value.args_by_name[key] == value, (name, key)

    assert chain.w3.eth.get_transaction_count(buyer.account) == nonce  # type: ignore[arg-type]
    assert chain.w3.eth.block_number == block


def test_order_state_is_named_in_errors(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = seller.list_product(ListingTerms(PRICE, 3, RAW)).product_id
    order = buyer.buy(pid, 1).order
    with pytest.raises(ContractRevert, match=r"state='completed'") as info:
        buyer.confirm(order)
    assert info.value.name == "CatalogWrongOrderState"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.list_product(ListingTerms(0, 1, RAW)), "price must be between 1"),
        (lambda c: c.list_product(ListingTerms(2**96, 1, RAW)), "price must be between 1"),
        (lambda c: c.list_product(ListingTerms(1, 2**32, RAW)), "stock must be between 0"),
        (lambda c: c.list_product(ListingTerms(1, 1, Cid(b"\x00" * 32, Codec.RAW))), "must not be all zeros"),
        (lambda c: c.list_product(ListingTerms(1, 1, Cid(b"\x01" * 31, Codec.RAW))), "must be 32 bytes"),
        (lambda c: c.list_product(ListingTerms(1, 1, RAW, escrow_window=60)), "needs a handling time"),
        (lambda c: c.list_product(ListingTerms(1, 1, RAW, handling_time=60)), "needs an escrow window"),
        (
            lambda c: c.list_product(ListingTerms(1, 1, RAW, arbiter=OUTSIDER)),
            "only an escrowed product can have an arbiter",
        ),
        (lambda c: c.list_product(ListingTerms(1, 1, RAW, currency="0x12")), "currency is not an Ethereum address"),
        (lambda c: c.buy(1, 0), "quantity must be between 1"),
        (lambda c: c.buy(1, True), "quantity must be an integer"),
        (lambda c: c.buy(1, 1, payment="cheque"), "payment must be one of"),
        (lambda c: c.withdraw(to="0xabc"), "recipient is not an Ethereum address"),
        (lambda c: c.resolve(OrderRef(1, 1), -1), "buyer amount must be between 0"),
        (lambda c: c.review(OrderRef(1, 1), 6, RAW), "rating must be between 1 and 5"),
    ],
)
def test_bad_arguments_fail_before_any_rpc(chain: Chain, client_for: ClientFor, call: object, message: str) -> None:
    client = client_for(SELLER)
    requests = record_requests(chain.w3)
    with pytest.raises(DappValueError, match=message):
        call(client)  # type: ignore[operator]
    assert requests == []
    client.product_count()  # the recorder sees the client's own requests, so the empty list above means something
    assert requests


def record_requests(w3: Web3) -> list[str]:
    """Record the method of every JSON-RPC request `w3` sends from now on (batched ones too)."""
    methods: list[str] = []

    class Recorder(Web3Middleware):
        def request_processor(self, method: RPCEndpoint, params: Any) -> Any:
            methods.append(method)
            return method, params

    # Innermost: it sees what reaches the provider, i.e. what is sent to the node (a caching middleware
    # further out may answer a request without sending it).
    w3.middleware_onion.inject(Recorder, "request recorder", layer=0)
    return methods


OUTSIDER = "0x000000000000000000000000000000000000dEaD"


def test_pagination_reads_everything_in_pages(chain: Chain, client_for: ClientFor) -> None:
    seller = client_for(SELLER)
    ids = [seller.list_product(ListingTerms(PRICE + i, 1, RAW)).product_id for i in range(7)]
    assert [p.id for p in seller.products(page_size=3)] == ids
    assert [p.id for p in seller.products(offset=2, limit=3, page_size=2)] == ids[2:5]
    assert seller.products(offset=7) == []
    assert [p.price for p in seller.products(limit=2)] == [PRICE, PRICE + 1]


def test_history_from_indexed_events(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer, other = client_for(SELLER), client_for(BUYER), client_for(OTHER)
    first = seller.list_product(ListingTerms(PRICE, 9, RAW)).product_id
    second = other.list_product(ListingTerms(PRICE, 9, RAW)).product_id
    buyer.buy(first, 1)
    other.buy(first, 1)
    buyer.buy(second, 2)
    mine = buyer.orders_of(buyer.account)  # type: ignore[arg-type]
    assert [(o.product_id, o.order_no, o.quantity) for o in mine] == [(first, 1, 1), (second, 1, 2)]
    assert [p.id for p in seller.products_of(seller.account)] == [first]  # type: ignore[arg-type]
    assert [o.buyer for o in seller.orders(first)] == [buyer.account, other.account]


def test_histories_read_their_orders_in_json_rpc_batches(chain: Chain, client_for: ClientFor) -> None:
    """A buyer's history is one log query and then one request per CALL_BATCH orders, not one per order (a
    public RPC counts and rate-limits requests); a batch with a failing call is asked again call by call,
    so the failure is the one `order` names. eth-tester has no JSON-RPC: there the calls go one by one."""
    seller, buyer = client_for(SELLER), client_for(BUYER)
    product = seller.list_product(ListingTerms(PRICE, 9, RAW)).product_id
    for _ in range(3):
        buyer.buy(product, 1)
    one_by_one = [buyer.order(OrderRef(product, n)) for n in (1, 2, 3)]
    missing = OrderRef(product, 4)
    with pytest.raises(ContractRevert) as alone:
        buyer.order(missing)
    if chain.node is None:
        assert buyer.orders_of(buyer.account) == one_by_one  # type: ignore[arg-type]
        return
    assert CALL_BATCH >= 3
    with CappedRpcProxy(chain.url, rate=10_000) as proxy:
        deployment = buyer.deployment
        assert deployment is not None
        counted = CatalogClient.from_deployment(http_web3(proxy.url), deployment, buyer.abi)
        proxy.reset()
        assert counted.orders_of(buyer.account) == one_by_one  # type: ignore[arg-type]
        assert proxy.counts["batch"] == 1 and proxy.counts["eth_call"] == 0, proxy.counts
        proxy.reset()
        with pytest.raises(ContractRevert) as batched:
            counted.orders_by_ref([OrderRef(product, 1), missing, OrderRef(product, 2)])
        assert str(batched.value) == str(alone.value)
        assert proxy.counts["batch"] == 1 and proxy.counts["eth_call"] == 2, proxy.counts  # 1 read, then the failure


def test_price_change_keeps_what_earlier_orders_paid(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = escrowed(seller, stock=9)
    seen = buyer.product(pid)
    cheap = buyer.buy(seen, 2).order
    seller.set_price(pid, 3 * PRICE)
    with pytest.raises(ContractRevert, match="CatalogPriceChanged"):
        buyer.buy(seen, 1)  # the front-running guard: the buyer agreed to the old price
    dear = buyer.buy(pid, 1).order
    assert buyer.order(cheap).amount == 2 * PRICE
    assert buyer.order(dear).amount == 3 * PRICE
    assert (buyer.order(cheap).terms_version, buyer.order(dear).terms_version) == (0, 1)
    seller.refund(cheap)
    assert buyer.withdrawable() == 2 * PRICE


def test_missing_deployment_is_reported_not_called(chain: Chain, tmp_path: object) -> None:
    from dapp.liveness import live_deployment

    with pytest.raises(NotDeployedError, match="no entry"):
        live_deployment(chain.w3, Registry(tmp_path))  # type: ignore[arg-type]


# --- tokens ---------------------------------------------------------------------------------------------

USD = 10**6


def test_token_purchase_with_a_permit_or_an_approve(chain: Chain, client_for: ClientFor, usd: str) -> None:
    seller, buyer, other = client_for(SELLER), client_for(BUYER), client_for(OTHER)
    assert buyer.token(usd) == Token(usd, "tUSD", 6, "Test USD")
    pid = escrowed(seller, price=12 * USD + USD // 2, stock=10, currency=usd)
    product = buyer.product(pid)
    assert product.in_token and product.currency == usd
    assert buyer.format(product.price, usd) == "12.50 tUSD"

    permitted = buyer.buy(product, 2)
    # eth-tester's accounts cannot sign typed data (no eth_signTypedData_v4): the client falls back to approve
    assert permitted.payment is (Payment.APPROVE if chain.kind == "embedded" else Payment.PERMIT)
    assert (permitted.amount, permitted.currency, permitted.escrowed) == (25 * USD, usd, True)
    assert (permitted.approve_tx is None) == (permitted.payment is Payment.PERMIT)

    approved = other.buy(product, 1, payment="approve")
    assert approved.payment is Payment.APPROVE and approved.approve_tx is not None
    order = other.order(approved.order)
    assert (order.currency, order.amount, order.state) == (usd, 12 * USD + USD // 2, OrderState.PAID)

    seller.ship(permitted.order)
    buyer.confirm(permitted.order)
    assert seller.withdrawable(currency=usd) == 25 * USD and seller.withdrawable() == 0
    assert usd in seller.currencies() and ETH in seller.currencies()
    withdrawal = seller.withdraw(usd)
    assert (withdrawal.currency, withdrawal.amount) == (usd, 25 * USD)
    assert seller.tokens.balance_of(usd, seller.account) == 25 * USD  # type: ignore[arg-type]


def test_an_allowance_already_given_is_used(chain: Chain, client_for: ClientFor, usd: str) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = seller.list_product(ListingTerms(3 * USD, 10, RAW, currency=usd)).product_id
    buyer.transactions.execute(buyer.tokens.approve_request(usd, buyer.address, 100 * USD))
    purchase = buyer.buy(pid, 2)
    assert (purchase.payment, purchase.escrowed, purchase.approve_tx) == (Payment.ALLOWANCE, False, None)
    assert seller.withdrawable(currency=usd) == 6 * USD


def test_token_problems_are_refused_before_anything_is_sent(
    chain: Chain, client_for: ClientFor, usd: str, no_decimals_token: str
) -> None:
    seller, poor = client_for(SELLER), client_for(OTHER + 2)  # account 5 holds no tUSD
    pid = escrowed(seller, price=5 * USD, currency=usd)
    block = chain.w3.eth.block_number
    with pytest.raises(NotATokenError, match="no contract at that address"):
        seller.list_product(ListingTerms(1, 1, RAW, currency=OUTSIDER))
    with pytest.raises(NotATokenError, match="not an ERC-20 token"):
        seller.list_product(ListingTerms(1, 1, RAW, currency=seller.address))  # the Catalog: code, but no token
    with pytest.raises(TokenDecimalsError, match="no usable decimals"):
        seller.list_product(ListingTerms(1, 1, RAW, currency=no_decimals_token))
    with pytest.raises(InsufficientFundsError, match=r"costs 5.00 tUSD .* holds 0.00 tUSD"):
        poor.buy(pid, 1)
    with pytest.raises(ContractRevert, match="CatalogInsufficientStock"):  # checked before the approve
        client_for(BUYER).buy(pid, 6, payment="approve")
    assert chain.w3.eth.block_number == block


@pytest.mark.parametrize(
    ("token", "amount", "text"),
    [
        (Token(ETH, "tUSD", 6, "Test USD"), 12_500_000, "12.50 tUSD"),
        (Token(ETH, "tUSD", 6, "Test USD"), 1, "0.000001 tUSD"),
        (Token(ETH, "tUSD", 6, "Test USD"), 0, "0.00 tUSD"),
        (ETH_TOKEN, 2 * 10**16, "0.02 ETH"),
        (ETH_TOKEN, 5 * 10**15, "0.005 ETH"),
        (ETH_TOKEN, 3 * 10**18, "3.00 ETH"),
        (Token(ETH, "WHOLE", 0, "No decimals at all"), 42, "42 WHOLE"),
        (Token(ETH, "ONE", 1, "One decimal"), 425, "42.5 ONE"),
    ],
)
def test_amounts_are_shown_in_the_tokens_units(token: Token, amount: int, text: str) -> None:
    assert token.format(amount) == text
    assert token.parse(text.split()[0]) == amount


def test_token_amounts_are_never_rounded() -> None:
    usd_token = Token(ETH, "tUSD", 6, "Test USD")
    assert usd_token.parse("12.5") == 12_500_000
    for bad in ("12.0000001", "-1", "abc", "NaN"):
        with pytest.raises(DappValueError):
            usd_token.parse(bad)
