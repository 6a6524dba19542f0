"""scripts/deploy.py and scripts/seed.py record and seed a Catalog that `dapp` then uses as its own."""

import pytest
from brownie import web3

from dapp.client import CatalogClient
from dapp.demo import SAMPLE_PRODUCTS, metadata_document
from dapp.ipfs.metadata import parse_product_metadata
from dapp.liveness import live_deployment, live_token
from dapp.registry import Registry
from dapp.types import ETH
from scripts import deploy, seed

# The products `dapp up` lists: the six samples and the three other sizes (S, L, XL) of the tee and the hoodie.
LISTED = 12


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """A registry folder of its own, where the scripts write (they read $DAPP_DEPLOYMENTS like dapp)."""
    monkeypatch.setenv("DAPP_DEPLOYMENTS", str(tmp_path))
    return Registry(tmp_path)


def test_deploy_records_a_live_brownie_deployment(registry, deployer):
    address = deploy.main()

    deployment, abi = live_deployment(web3, registry)  # raises if missing or stale
    assert deployment.address == address
    assert deployment.chain_id == web3.eth.chain_id
    assert (deployment.tool, deployment.deployer) == ("brownie", deployer.address)
    assert web3.eth.get_transaction_receipt(deployment.tx_hash)["contractAddress"] == address
    assert deployment.deployed_on_block == web3.eth.get_transaction_receipt(deployment.tx_hash)["blockNumber"]
    assert any(item.get("name") == "buy" for item in abi)


def test_seed_lists_the_sample_products_on_the_registered_catalog(registry, seller):
    address = deploy.main()

    product_ids = seed.main()

    deployment, abi = live_deployment(web3, registry)
    assert deployment.address == address  # seeded the registered Catalog, did not deploy another
    usd = live_token(web3, registry)  # the demo stablecoin, deployed and recorded by the seed
    assert usd is not None
    # dapp's own client reads what Brownie wrote (through Brownie's Web3, i.e. web3.py 7.16 here).
    client = CatalogClient.from_deployment(web3, deployment, abi)
    products = client.products()
    assert [p.id for p in products] == product_ids == list(range(1, LISTED + 1))
    assert client.token(usd).symbol == "tUSD"
    # The six samples, then the other sizes of the tee and the hoodie, as dapp.demo.seed_catalog lists them.
    listed = [(s, None, s.stock) for s in SAMPLE_PRODUCTS]
    listed += [(s, size, stock) for s in SAMPLE_PRODUCTS for size, stock in s.other_sizes]
    groups: dict[str, dict[str, int]] = {}
    for product, (sample, size, stock) in zip(products, listed, strict=True):
        assert (product.price, product.stock, product.seller) == (sample.price, stock, seller.address)
        assert product.currency == (ETH if sample.currency == "ETH" else usd)
        assert (product.escrow_window, product.handling_time) == (sample.escrow_window, sample.handling_time)
        assert product.has_arbiter == sample.with_arbiter and product.arbiter != seller.address
        document, cid = metadata_document(sample, size)  # the demo's document of that size
        assert product.metadata_cid == cid
        variant = parse_product_metadata(cid, document).variant
        if variant is not None:
            assert variant.choices == {"size": ("S", "M", "L", "XL")}
            groups.setdefault(variant.group, {})[variant.options["size"]] = product.stock
    assert groups == {
        "tour-tee-2026": {"M": 50, "S": 12, "L": 20, "XL": 2},
        "hoodie-grey-2026": {"M": 30, "S": 6, "L": 10, "XL": 0},
    }
    # the seller's profile, with the shipping key its account derives, as `dapp up` sets it
    profile = client.profile(seller.address)
    assert profile is not None
    assert profile.document == list(seed.profile_documents(seed.shipping_key(seller, address)))[-1]


def test_seed_deploys_first_when_the_registry_has_no_catalog(registry):
    assert registry.get(web3.eth.chain_id) is None

    product_ids = seed.main()

    deployment, _ = live_deployment(web3, registry)
    assert deployment.tool == "brownie"
    assert len(product_ids) == LISTED
    assert live_token(web3, registry) is not None
