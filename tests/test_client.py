"""CatalogClient on every chain it must work with: eth-tester in process, real anvil, real Ganache.

The point is sameness: the same calls give the same typed results and the same named errors whatever
the provider, and a write that would revert is refused before anything is sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from web3 import Web3
from web3.middleware import Web3Middleware
from web3.types import RPCEndpoint

from dapp.exceptions import ContractRevert, DappValueError, NotDeployedError
from dapp.ipfs.cid import Cid, Codec
from dapp.registry import Registry
from dapp.types import OrderRef, OrderState, Product
from tests.fixtures import DIGEST, Chain, ClientFor

PRICE = 10**16
SELLER, BUYER, OTHER = 1, 2, 3


def test_full_purchase_flow_with_escrow(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    listing = seller.list_product(PRICE, 5, 3600, Cid(DIGEST, Codec.DAG_PB))
    product = buyer.product(listing.product_id)
    assert product == Product(
        id=listing.product_id,
        seller=seller.account,
        price=PRICE,
        stock=5,
        escrow_window=3600,
        order_count=0,
        rating_count=0,
        rating_sum=0,
        metadata_digest=DIGEST,
        metadata_codec=Codec.DAG_PB,
        listed=True,
    )
    assert str(product.metadata_cid).startswith("bafy")  # dag-pb CIDv1 in base32

    purchase = buyer.buy(listing.product_id, 2)
    assert purchase.escrowed and purchase.amount == 2 * PRICE
    order = buyer.order(purchase.order)
    assert (order.buyer, order.quantity, order.amount, order.state) == (
        buyer.account,
        2,
        2 * PRICE,
        OrderState.ESCROWED,
    )
    assert order.releasable_at == order.created_at + 3600
    assert seller.withdrawable() == 0

    buyer.confirm(OrderRef(listing.product_id, purchase.order.order_no))
    assert seller.withdrawable() == 2 * PRICE
    buyer.review(OrderRef(listing.product_id, purchase.order.order_no), 4, Cid(DIGEST, Codec.RAW))
    assert buyer.product(listing.product_id).rating == 4.0
    (review,) = buyer.reviews(listing.product_id)
    assert (review.reviewer, review.rating, review.review_digest, review.order_no) == (buyer.account, 4, DIGEST, 1)

    before = chain.w3.eth.get_balance(seller.account)  # type: ignore[arg-type]
    withdrawal = seller.withdraw()
    assert withdrawal.amount == 2 * PRICE
    gas_cost = withdrawal.tx.gas_used * chain.w3.eth.get_transaction(withdrawal.tx.tx_hash)["gasPrice"]  # type: ignore[arg-type]
    assert chain.w3.eth.get_balance(seller.account) == before + 2 * PRICE - gas_cost  # type: ignore[arg-type]


def test_immediate_settlement_refund_and_release(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    now = seller.list_product(PRICE, 10, 0, Cid(DIGEST, Codec.RAW)).product_id
    later = seller.list_product(PRICE, 10, 600, Cid(DIGEST, Codec.RAW)).product_id

    assert not buyer.buy(now, 1).escrowed
    assert seller.withdrawable() == PRICE

    refunded = buyer.buy(later, 3).order
    seller.refund(refunded)
    assert buyer.withdrawable() == 3 * PRICE
    assert seller.product(later).stock == 10

    released = buyer.buy(later, 1).order
    with pytest.raises(ContractRevert) as early:
        seller.release(released)
    assert early.value.name == "CatalogEscrowNotExpired"
    chain.advance_time(601)
    seller.release(released)
    assert seller.withdrawable() == 2 * PRICE
    assert seller.order(released).state is OrderState.COMPLETED


def test_reverts_are_named_and_nothing_is_sent(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = seller.list_product(PRICE, 1, 0, Cid(DIGEST, Codec.RAW)).product_id
    nonce = chain.w3.eth.get_transaction_count(buyer.account)  # type: ignore[arg-type]
    block = chain.w3.eth.block_number

    cases = [
        (lambda: buyer.buy(pid, 2), "CatalogInsufficientStock", {"productId": pid, "requested": 2, "available": 1}),
        (lambda: buyer.buy(pid, 1, PRICE + 1), "CatalogPriceChanged", {"expected": PRICE + 1, "actual": PRICE}),
        (lambda: buyer.buy(99, 1, PRICE), "CatalogUnknownProduct", {"productId": 99}),
        (lambda: buyer.set_price(pid, 5), "CatalogNotSeller", {"productId": pid, "caller": buyer.account}),
        (lambda: buyer.confirm(OrderRef(pid, 1)), "CatalogUnknownOrder", {"productId": pid, "orderNo": 1}),
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
    pid = seller.list_product(PRICE, 3, 0, Cid(DIGEST, Codec.RAW)).product_id
    order = buyer.buy(pid, 1).order
    with pytest.raises(ContractRevert, match=r"state='completed'") as info:
        buyer.confirm(order)
    assert info.value.name == "CatalogOrderNotEscrowed"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.list_product(0, 1, 0, Cid(DIGEST, Codec.RAW)), "price must be between 1"),
        (lambda c: c.list_product(2**96, 1, 0, Cid(DIGEST, Codec.RAW)), "price must be between 1"),
        (lambda c: c.list_product(1, 2**32, 0, Cid(DIGEST, Codec.RAW)), "stock must be between 0"),
        (lambda c: c.list_product(1, 1, 0, Cid(b"\x00" * 32, Codec.RAW)), "must not be all zeros"),
        (lambda c: c.list_product(1, 1, 0, Cid(b"\x01" * 31, Codec.RAW)), "must be 32 bytes"),
        (lambda c: c.buy(1, 0), "quantity must be between 1"),
        (lambda c: c.buy(1, True), "quantity must be an integer"),
        (lambda c: c.review(OrderRef(1, 1), 6, Cid(DIGEST, Codec.RAW)), "rating must be between 1 and 5"),
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


def test_pagination_reads_everything_in_pages(chain: Chain, client_for: ClientFor) -> None:
    seller = client_for(SELLER)
    ids = [seller.list_product(PRICE + i, 1, 0, Cid(DIGEST, Codec.RAW)).product_id for i in range(7)]
    assert [p.id for p in seller.products(page_size=3)] == ids
    assert [p.id for p in seller.products(offset=2, limit=3, page_size=2)] == ids[2:5]
    assert seller.products(offset=7) == []
    assert [p.price for p in seller.products(limit=2)] == [PRICE, PRICE + 1]


def test_history_from_indexed_events(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer, other = client_for(SELLER), client_for(BUYER), client_for(OTHER)
    first = seller.list_product(PRICE, 9, 0, Cid(DIGEST, Codec.RAW)).product_id
    second = other.list_product(PRICE, 9, 0, Cid(DIGEST, Codec.RAW)).product_id
    buyer.buy(first, 1)
    other.buy(first, 1)
    buyer.buy(second, 2)
    mine = buyer.orders_of(buyer.account)  # type: ignore[arg-type]
    assert [(o.product_id, o.order_no, o.quantity) for o in mine] == [(first, 1, 1), (second, 1, 2)]
    assert [p.id for p in seller.products_of(seller.account)] == [first]  # type: ignore[arg-type]
    assert [o.buyer for o in seller.orders(first)] == [buyer.account, other.account]


def test_price_change_keeps_what_earlier_orders_paid(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = seller.list_product(PRICE, 9, 3600, Cid(DIGEST, Codec.RAW)).product_id
    cheap = buyer.buy(pid, 2).order
    seller.set_price(pid, 3 * PRICE)
    with pytest.raises(ContractRevert, match="CatalogPriceChanged"):
        buyer.buy(pid, 1, PRICE)  # the front-running guard: the buyer agreed to the old price
    dear = buyer.buy(pid, 1).order
    assert buyer.order(cheap).amount == 2 * PRICE
    assert buyer.order(dear).amount == 3 * PRICE
    seller.refund(cheap)
    assert buyer.withdrawable() == 2 * PRICE


def test_missing_deployment_is_reported_not_called(chain: Chain, tmp_path: object) -> None:
    from dapp.deploy import live_deployment

    with pytest.raises(NotDeployedError, match="no entry"):
        live_deployment(chain.w3, Registry(tmp_path))  # type: ignore[arg-type]
