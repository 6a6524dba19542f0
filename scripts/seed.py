"""List the sample products on the registered Catalog with Brownie.

    brownie run scripts/seed.py --network ganache-cli     (or --network anvil)

The Catalog is the one `deployments/<chainId>.json` records for this chain (from `scripts/deploy.py` or
`dapp deploy`); if there is none, or the entry is stale, this deploys and records one first. Likewise the
demo stablecoin TestUSD (the registry's "TestUSD" entry, as `dapp up` records it) prices the tUSD samples.
The products, their terms (currency, handling time, escrow window, arbiter) and their metadata documents
are the ones `dapp up` lists (dapp.demo), in the same order, so the page shows the same shop whichever tool
seeded it: the six samples (the T-shirt and the hoodie in size M), then the other sizes of those two (S, L,
XL), each size its own product and stock, named by its document as one of its size group. The
seller's profile is `dapp up`'s too (name, description, banner, and the shipping key its account's
signature derives). The documents' CIDs are computed, not published: add them to IPFS
(`dapp.demo.sample_documents()`, `profile_documents()` here) to show names, descriptions and pictures.
"""

from __future__ import annotations

import os

from brownie import Catalog, Contract, TestUSD, accounts, web3
from brownie.network.account import Account, LocalAccount

from dapp import settings
from dapp._utils.art import banner
from dapp.demo import SAMPLE_PRODUCTS, SHOP_DESCRIPTION, SHOP_NAME, SampleProduct, metadata_document
from dapp.deploy import register_deployment
from dapp.exceptions import NotDeployedError
from dapp.ipfs.cid import Cid
from dapp.ipfs.metadata import build_profile_document
from dapp.ipfs.unixfs import data_cid
from dapp.liveness import DEMO_TOKEN, live_deployment, live_token
from dapp.registry import Registry
from dapp.shipping import derive_keypair_checked
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


def shipping_key(lister: Account | LocalAccount, catalog: str) -> bytes:
    """The lister's shipping public key for `catalog`: from its personal_sign signature of the key message,
    by its own key (a `brownie accounts` one) or by the dev node (an unlocked account)."""

    def sign(text: str) -> bytes:
        if isinstance(lister, LocalAccount):
            return bytes(lister.sign_defunct_message(text).signature)
        return bytes(web3.eth.sign(lister.address, text=text))

    return derive_keypair_checked(sign, int(web3.eth.chain_id), catalog).public_key


def profile_documents(key: bytes | None) -> dict[Cid, bytes]:
    """The sample seller's profile document (with shipping key `key`) and its banner, by CID; the profile's
    CID is the last key."""
    picture = banner()
    document, cid = build_profile_document(SHOP_NAME, SHOP_DESCRIPTION, data_cid(picture), key)
    return {data_cid(picture): picture, cid: document}


def listings() -> list[tuple[SampleProduct, str | None, int]]:
    """(sample, size, stock) of each product in the order dapp.demo.seed_catalog lists them: the six (ids 1-6,
    which the docs and tests know; the sized ones in their own size, None), then the other sizes of each."""
    six: list[tuple[SampleProduct, str | None, int]] = [(sample, None, sample.stock) for sample in SAMPLE_PRODUCTS]
    return six + [(sample, size, stock) for sample in SAMPLE_PRODUCTS for size, stock in sample.other_sizes]


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
    for sample, size, stock in listings():
        _document, cid = metadata_document(sample, size)
        currency = ETH if sample.currency == "ETH" else usd
        tx = catalog.listProduct(
            currency,
            sample.price,
            stock,
            sample.handling_time,
            sample.escrow_window,
            judge if sample.with_arbiter else NO_ARBITER,
            cid.digest,
            int(cid.codec),
            params,
        )
        product_id = tx.events["ProductListed"]["productId"]
        product_ids.append(product_id)
        label = f"{sample.name}, size {size or sample.size}" if sample.size else sample.name
        print(f"product {product_id}: {label} (metadata {cid})")
    print(f"{len(product_ids)} products listed on the Catalog at {address}")
    profile = list(profile_documents(shipping_key(lister, address)))[-1]
    catalog.setProfile(profile.digest, int(profile.codec), params)
    print(f"seller profile {profile} (banner and shipping key) set for {lister.address}")
    return product_ids
