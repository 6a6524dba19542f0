"""CatalogClient's Catalog v3 actions and views on every chain it must work with (eth-tester, anvil,
Ganache): settlement by agreement, seller profiles, order data, and the new rules named by their errors
with nothing sent."""

from __future__ import annotations

from typing import Any

import pytest

from dapp.client import CatalogClient
from dapp.exceptions import ContractRevert, DappValueError
from dapp.ipfs.cid import Cid, Codec
from dapp.types import MAX_ORDER_DATA, NO_OFFER, OrderRef, OrderState
from tests.support.fixtures import DIGEST, Chain, ClientFor

PRICE = 10**16
SELLER, BUYER, OTHER, ARBITER = 1, 2, 3, 4
HOUR, DAY = 3600, 86_400
RAW = Cid(DIGEST, Codec.RAW)


def escrowed(client: CatalogClient, **terms: Any) -> int:
    """An escrowed product: 1 h to ship, then 1 day to dispute (the shortest the contract allows)."""
    return client.list_product(PRICE, 5, RAW, **{"escrow_window": DAY, "handling_time": HOUR, **terms}).product_id


def unchanged(chain: Chain, client: CatalogClient) -> tuple[int, int]:
    """What must stay the same when nothing is sent: the block number and the sender's nonce."""
    return chain.w3.eth.block_number, chain.w3.eth.get_transaction_count(client.account)  # type: ignore[arg-type]


def refused(chain: Chain, client: CatalogClient, action: Any, name: str) -> ContractRevert:
    """`action` raises the revert `name` and sends nothing."""
    before = unchanged(chain, client)
    with pytest.raises(ContractRevert) as info:
        action()
    assert info.value.name == name, info.value
    assert unchanged(chain, client) == before
    return info.value


def test_settlement_by_agreement(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer, other = client_for(SELLER), client_for(BUYER), client_for(OTHER)
    pid = escrowed(seller)
    ref = buyer.buy(pid, 2).order
    seller.ship(ref)
    buyer.dispute(ref)  # no arbiter: only an agreement (or a refund, or a confirm) ends it
    assert buyer.order(ref).deadline == 0  # a dispute has no release time
    assert buyer.order(ref).offer is None

    offered = seller.offer_settlement(ref, PRICE // 2)
    assert (offered.by, offered.buyer_amount) == (seller.account, PRICE // 2)
    offer = buyer.order(ref).offer
    assert offer is not None
    assert (offer.by, offer.author, offer.buyer_amount, offer.seller_amount) == (
        seller.account, "seller", PRICE // 2, 2 * PRICE - PRICE // 2
    )  # fmt: skip
    assert buyer.order(ref).to_json()["offer"] == {
        "by": seller.account, "author": "seller", "buyerAmount": str(PRICE // 2),
        "sellerAmount": str(2 * PRICE - PRICE // 2),
    }  # fmt: skip

    mismatch = refused(chain, buyer, lambda: buyer.accept_settlement(ref, PRICE), "CatalogOfferMismatch")
    assert (mismatch.args_by_name["offered"], mismatch.args_by_name["accepted"]) == (PRICE // 2, PRICE)
    refused(chain, seller, lambda: seller.accept_settlement(ref, PRICE // 2), "CatalogOwnOffer")
    refused(chain, other, lambda: other.offer_settlement(ref, 0), "CatalogNotParty")
    refused(chain, buyer, lambda: buyer.offer_settlement(ref, 2 * PRICE + 1), "CatalogInvalidSplit")

    settled = buyer.accept_settlement(ref, PRICE // 2)
    assert (settled.buyer_amount, settled.seller_amount) == (PRICE // 2, 2 * PRICE - PRICE // 2)
    order = buyer.order(ref)
    assert (order.state, order.offer, order.offer_by) == (OrderState.SETTLED, None, NO_OFFER)
    assert order.state.reviewable and not order.state.escrowed
    assert (buyer.withdrawable(), seller.withdrawable()) == (PRICE // 2, 2 * PRICE - PRICE // 2)
    assert seller.product(pid).stock == 3  # it shipped: the units are gone
    buyer.review(ref, 3, RAW)
    assert buyer.order(ref).state is OrderState.REVIEWED


def test_an_offer_is_withdrawn_by_its_author_and_accepting_none_is_named(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    ref = buyer.buy(escrowed(seller), 1).order
    refused(chain, seller, lambda: seller.accept_settlement(ref, 0), "CatalogNoOffer")
    buyer.offer_settlement(ref, PRICE)  # everything back, before it shipped
    buyer.withdraw_settlement(ref)
    assert buyer.order(ref).offer is None
    refused(chain, seller, lambda: seller.accept_settlement(ref, PRICE), "CatalogNoOffer")
    seller.offer_settlement(ref, PRICE)
    buyer.accept_settlement(ref, PRICE)
    assert buyer.product(ref.product_id).stock == 5  # never shipped: back on sale


def test_profiles_the_latest_wins_and_a_zero_digest_clears(chain: Chain, client_for: ClientFor) -> None:
    seller, other = client_for(SELLER), client_for(OTHER)
    assert other.profile(seller.account) is None  # type: ignore[arg-type]
    first = Cid(b"\x21" * 32, Codec.RAW)
    second = Cid(b"\x22" * 32, Codec.DAG_PB)
    seller.set_profile(first)
    tx = seller.set_profile(second)
    found = other.profile(seller.account)  # type: ignore[arg-type]
    assert found is not None
    assert (found.seller, found.document, found.tx_hash, found.block_number) == (
        seller.account, second, tx.tx_hash, tx.block_number
    )  # fmt: skip
    assert other.profile(other.account) is None  # type: ignore[arg-type]
    seller.set_profile(None)
    cleared = other.profile(seller.account)  # type: ignore[arg-type]
    assert cleared is not None and cleared.document is None
    assert cleared.to_json()["profileCid"] is None


def test_order_data_travels_in_the_purchase_event(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = escrowed(seller)
    sealed = bytes(range(256)) + b"\xff" * 44
    purchase = buyer.buy(pid, 1, order_data=sealed)
    assert purchase.order_data == sealed
    plain = buyer.buy(pid, 1).order
    biggest = buyer.buy(pid, 1, order_data=b"\x01" * MAX_ORDER_DATA).order
    assert seller.order_data(purchase.order) == sealed
    assert seller.order_data(plain) == b""
    assert seller.order_data(biggest) == b"\x01" * MAX_ORDER_DATA
    before = unchanged(chain, buyer)
    with pytest.raises(DappValueError, match=f"order data is {MAX_ORDER_DATA + 1} bytes; a purchase carries at most"):
        buyer.buy(pid, 1, order_data=b"\x01" * (MAX_ORDER_DATA + 1))
    with pytest.raises(DappValueError, match="order data must be bytes, got str"):
        buyer.buy(pid, 1, order_data="0xabcd")  # type: ignore[arg-type]
    assert unchanged(chain, buyer) == before
    refused(chain, buyer, lambda: buyer.order_data(OrderRef(pid, 99)), "CatalogUnknownOrder")


def test_v3_rules_are_refused_by_name(chain: Chain, client_for: ClientFor) -> None:
    seller, buyer = client_for(SELLER), client_for(BUYER)
    pid = escrowed(seller)
    refused(chain, seller, lambda: seller.buy(pid, 1), "CatalogSellerIsBuyer")
    ref = buyer.buy(pid, 1).order
    deadline = buyer.order(ref).deadline
    chain.advance_time(HOUR)
    late = refused(chain, seller, lambda: seller.ship(ref), "CatalogShipDeadlinePassed")
    assert late.args_by_name["deadline"] == deadline
    buyer.cancel(ref)
    assert buyer.order(ref).state is OrderState.CANCELLED
    refused(chain, buyer, lambda: buyer.review(ref, 5, RAW), "CatalogOrderNotReviewable")
