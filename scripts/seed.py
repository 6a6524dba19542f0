"""List the sample products on the registered Catalog with Brownie.

    brownie run scripts/seed.py --network ganache-cli     (or --network anvil)

The Catalog is the one `deployments/<chainId>.json` records for this chain (from `scripts/deploy.py` or
`dapp deploy`); if there is none, or the entry is stale, this deploys and records one first. The products
and their metadata documents are the ones `dapp up` lists (dapp.demo), so the page shows the same shop
whichever tool seeded it. The documents' CIDs are computed, not published: add them to IPFS to show
names and descriptions.
"""

from __future__ import annotations

import os

from brownie import Catalog, Contract, accounts, web3
from brownie.network.account import Account, LocalAccount

from dapp.demo import SAMPLE_PRODUCTS, metadata_document
from dapp.deploy import live_deployment
from dapp.exceptions import NotDeployedError
from dapp.registry import Registry
from scripts import deploy


def seller() -> Account | LocalAccount:
    """The account that lists: $BROWNIE_DEPLOYER if set, else the dev node's second account (as `dapp up`)."""
    if os.environ.get("BROWNIE_DEPLOYER") or len(accounts) < 2:
        return deploy.deployer()
    return accounts[1]


def main() -> list[int]:
    try:
        deployment, abi = live_deployment(web3, Registry())
        address = deployment.address
    except NotDeployedError as exc:
        print(f"{exc}: deploying first")
        address = deploy.main()
        abi = Catalog.abi
    # From the registry's ABI rather than Catalog.at(): the Catalog may come from `dapp deploy`.
    catalog = Contract.from_abi("Catalog", address, abi)
    params = deploy.tx_params(seller())
    product_ids = []
    for sample in SAMPLE_PRODUCTS:
        _document, cid = metadata_document(sample)
        tx = catalog.listProduct(sample.price, sample.stock, sample.escrow_window, cid.digest, int(cid.codec), params)
        product_id = tx.events["ProductListed"]["productId"]
        product_ids.append(product_id)
        print(f"product {product_id}: {sample.name} (metadata {cid})")
    print(f"{len(product_ids)} products listed on the Catalog at {address}")
    return product_ids
