"""What `dapp up` seeds (dapp.demo.seed_catalog), read back through the client: an order in every state,
an open settlement offer, the sample seller's profile with its shipping key, and sealed shipping addresses
that the seller's key opens."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dapp.client import CatalogClient
from dapp.demo import SAMPLE_ADDRESSES, SHOP_NAME, seed_catalog, shipping_keypair
from dapp.ipfs.metadata import parse_product_metadata, parse_profile_document
from dapp.registry import Deployment
from dapp.shipping import OrderContext, open_envelope
from dapp.types import OrderState
from tests.support.fixtures import Chain


@pytest.fixture
def seeded(chain: Chain, deployed: tuple[Deployment, list[dict[str, Any]]], usd: str) -> Any:
    deployment, abi = deployed
    result = seed_catalog(chain.w3, deployment.address, abi, usd)
    return CatalogClient.from_deployment(chain.w3, deployment, abi), result


# One test per chain: seeding is the cost (on eth-tester, most of a minute), so everything is read from one seed.
def test_the_seed_has_every_state_sizes_an_open_offer_and_a_profile(chain: Chain, seeded: Any) -> None:
    client, result = seeded
    _check_sizes(client, result)
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
    assert len(sealed) == 4
    chain_id = int(chain.w3.eth.chain_id)
    sizes = {o.product_id: _size(client, result, o.product_id) for o in sealed}
    for o in sealed:
        context = OrderContext(chain_id, client.address, o.product_id, o.buyer)
        opened = open_envelope(client.order_data(o.ref), keys, context)
        assert dataclasses.replace(opened, options={}) in SAMPLE_ADDRESSES.values()
        assert opened.options == ({"size": sizes[o.product_id]} if sizes[o.product_id] else {})  # the size bought
    assert sorted(s for s in sizes.values() if s) == ["L", "M", "S"]  # three sized orders to ship, one vinyl


def _size(client: CatalogClient, result: Any, product_id: int) -> str | None:
    cid = client.product(product_id).metadata_cid
    variant = parse_product_metadata(cid, result.documents[cid]).variant
    return variant.options["size"] if variant else None


def _check_sizes(client: CatalogClient, result: Any) -> None:
    """The tee and the hoodie come in sizes, each size its own product with its own stock."""
    groups: dict[str, dict[str, int]] = {}
    for p in client.products():
        variant = parse_product_metadata(p.metadata_cid, result.documents[p.metadata_cid]).variant
        if variant is not None:
            assert variant.choices == {"size": ("S", "M", "L", "XL")}
            groups.setdefault(variant.group, {})[variant.options["size"]] = p.stock
    assert set(groups) == {"tour-tee-2026", "hoodie-grey-2026"}
    m_tee, m_hoodie = groups["tour-tee-2026"].pop("M"), groups["hoodie-grey-2026"].pop("M")
    assert 0 < m_tee < 50 and 0 < m_hoodie < 30  # products 1 and 6, bought in the other seeded orders
    # one L tee and one S hoodie were bought (with a sealed address where the node signs); XL hoodie sold out
    assert groups == {"tour-tee-2026": {"S": 12, "L": 19, "XL": 2}, "hoodie-grey-2026": {"S": 5, "L": 10, "XL": 0}}
    first = [
        parse_product_metadata(c, result.documents[c]).variant for c in (client.product(i).metadata_cid for i in (1, 6))
    ]
    assert [v.options if v else None for v in first] == [{"size": "M"}, {"size": "M"}]  # the six keep their ids
