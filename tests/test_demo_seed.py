"""What `dapp up` seeds (dapp.demo.seed_catalog), read back through the client: an order in every state,
an open settlement offer, the sample seller's profile with its shipping key, and sealed shipping addresses
that the seller's key opens."""

from __future__ import annotations

from typing import Any

import pytest

from dapp.client import CatalogClient
from dapp.demo import SAMPLE_ADDRESSES, SHOP_NAME, seed_catalog, shipping_keypair
from dapp.ipfs.metadata import parse_profile_document
from dapp.registry import Deployment
from dapp.shipping import OrderContext, open_envelope
from dapp.types import OrderState
from tests.support.fixtures import Chain


@pytest.fixture
def seeded(chain: Chain, deployed: tuple[Deployment, list[dict[str, Any]]], usd: str) -> Any:
    deployment, abi = deployed
    result = seed_catalog(chain.w3, deployment.address, abi, usd)
    return CatalogClient.from_deployment(chain.w3, deployment, abi), result


def test_the_seed_has_every_state_an_open_offer_and_a_profile(chain: Chain, seeded: Any) -> None:
    client, result = seeded
    orders = [o for p in client.products() for o in client.orders(p.id)]
    assert {o.state for o in orders} == set(OrderState) - {OrderState.NONE}
    offers = [o for o in orders if o.offer is not None]
    assert len(offers) == 1 and offers[0].state is OrderState.SHIPPED and offers[0].offer.author == "buyer"
    seller = str(chain.w3.eth.accounts[1])
    profile = client.profile(seller)
    assert profile is not None and profile.document == result.profile
    document = parse_profile_document(profile.document, result.documents[profile.document])
    assert document.name == SHOP_NAME and document.banner is not None
    assert document.banner in {str(cid) for cid in result.documents}
    keys = shipping_keypair(chain.w3, seller, client.address)
    if chain.kind == "embedded":  # eth-tester signs no messages: no key, no sealed addresses
        assert keys is None and document.encryption_key is None
        assert all(client.order_data(o.ref) == b"" for o in orders)
        return
    assert keys is not None and document.encryption_key == keys.public_key
    sealed = [o for o in orders if client.order_data(o.ref)]
    assert len(sealed) == 2
    chain_id = int(chain.w3.eth.chain_id)
    opened = [
        open_envelope(client.order_data(o.ref), keys, OrderContext(chain_id, client.address, o.product_id, o.buyer))
        for o in sealed
    ]
    by_name = sorted(SAMPLE_ADDRESSES.values(), key=lambda details: details.name)
    assert sorted(opened, key=lambda details: details.name) == by_name
