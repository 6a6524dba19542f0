"""List the sample products on the registered Catalog with Brownie.

    brownie run scripts/seed.py --network ganache-cli     (or --network anvil)

The Catalog is the one `deployments/<chainId>.json` records for this chain (from `scripts/deploy.py` or
`dapp deploy`); if there is none, or the entry is stale, this deploys and records one first. Likewise the
demo stablecoin TestUSD (the registry's "TestUSD" entry, as `dapp up` records it) prices the tUSD samples.
The products, their terms (currency, handling time, escrow window, arbiter) and their metadata documents
are the ones `dapp up` lists (dapp.demo), so the page shows the same shop whichever tool seeded it. The
documents' CIDs are computed, not published: add them to IPFS (`dapp.demo.sample_documents()`) to show
names, descriptions and pictures.
"""

from __future__ import annotations

import os

from brownie import Catalog, Contract, TestUSD, accounts, web3
from brownie.network.account import Account, LocalAccount

from dapp import settings
from dapp.demo import SAMPLE_PRODUCTS, metadata_document
from dapp.deploy import register_deployment
from dapp.exceptions import NotDeployedError
from dapp.liveness import DEMO_TOKEN, live_deployment, live_token
from dapp.registry import Registry
from dapp.types import ETH, NO_ARBITER
from scripts import deploy

ARBITER_INDEX = 4  # the dev account `dapp up` names as the sample arbiter


def seller() -> Account | LocalAccount:
    """The account that lists: $BROWNIE_DEPLOYER if set, else the dev node's second account (as `dapp up`)."""
    if os.environ.get("BROWNIE_DEPLOYER") or len(accounts) < 2:
        return deploy.deployer()
    return accounts[1]


def arbiter(lister: Account | LocalAccount) -> str:
    """The sample arbiter (dev account 4, as `dapp up`), or none where the node has no such other account."""
    if len(accounts) > ARBITER_INDEX and accounts[ARBITER_INDEX].address != lister.address:
        return str(accounts[ARBITER_INDEX].address)
    return NO_ARBITER


def demo_token(registry: Registry) -> str:
    """The registered TestUSD on this chain, deployed and recorded first if there is none (or it is stale)."""
    address = live_token(web3, registry)
    if address is not None:
        return address
    token = TestUSD.deploy(deploy.tx_params(deploy.deployer()))
    txid, abi = token.tx.txid, TestUSD.abi
    register_deployment(web3, token.address, txid, registry_dir=registry.directory, abi=abi, name=DEMO_TOKEN)
    print(f"{DEMO_TOKEN} deployed at {token.address}")
    return str(token.address)


def main() -> list[int]:
    registry = Registry(settings.load().deployments)  # where `dapp` looks, as $DAPP_DEPLOYMENTS says
    try:
        deployment, abi = live_deployment(web3, registry)
        address = deployment.address
    except NotDeployedError as exc:
        print(f"{exc}: deploying first")
        address = deploy.main()
        abi = Catalog.abi
    usd = demo_token(registry)
    # From the registry's ABI rather than Catalog.at(): the Catalog may come from `dapp deploy`.
    catalog = Contract.from_abi("Catalog", address, abi)
    lister = seller()
    params = deploy.tx_params(lister)
    judge = arbiter(lister)
    product_ids = []
    for sample in SAMPLE_PRODUCTS:
        _document, cid = metadata_document(sample)
        currency = ETH if sample.currency == "ETH" else usd
        tx = catalog.listProduct(
            currency,
            sample.price,
            sample.stock,
            sample.handling_time,
            sample.escrow_window,
            judge if sample.with_arbiter else NO_ARBITER,
            cid.digest,
            int(cid.codec),
            params,
        )
        product_id = tx.events["ProductListed"]["productId"]
        product_ids.append(product_id)
        print(f"product {product_id}: {sample.name} (metadata {cid})")
    print(f"{len(product_ids)} products listed on the Catalog at {address}")
    return product_ids
