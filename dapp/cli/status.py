"""`dapp status`: the chain, its registered Catalog (live or why not) and an account's balances."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from dapp.client import CatalogClient
from dapp.compile import CONTRACT_NAME
from dapp.liveness import genesis_hash, stale_reason
from dapp.registry import Deployment, Registry


@dataclass(frozen=True)
class CatalogStatus:
    """What `dapp status` shows: the chain, the registered Catalog (live or why not) and an account."""

    chain_id: int
    block: int
    registry_path: Path
    deployment: Deployment | None
    stale: str | None  # why the registered entry is not trusted; None if live or absent
    product_count: int | None  # None unless the Catalog is live
    account: str | None
    balance: int | None
    withdrawable: int | None

    @property
    def live(self) -> bool:
        return self.deployment is not None and self.stale is None


def catalog_status(
    w3: Web3, registry: Registry, account: str | None = None, *, dev_node: bool = False
) -> CatalogStatus:
    """The chain's registered Catalog and `account`'s balances (on a `dev_node` without an account: its
    first unlocked one), asking for the genesis block, the code and the registry file once each."""
    if account is None and dev_node:
        unlocked = w3.eth.accounts
        account = str(unlocked[0]) if unlocked else None
    chain_id = int(w3.eth.chain_id)
    genesis = genesis_hash(w3)
    found = registry.get_with_abi(chain_id, CONTRACT_NAME, genesis)
    deployment, abi = found if found else (None, None)
    stale = stale_reason(w3, deployment, genesis) if deployment else None
    client = None
    if deployment is not None and abi is not None and stale is None:
        client = CatalogClient.from_deployment(w3, deployment, abi, account=account)
    return CatalogStatus(
        chain_id=chain_id,
        block=int(w3.eth.block_number),
        registry_path=registry.path_for(chain_id),
        deployment=deployment,
        stale=stale,
        product_count=client.product_count() if client else None,
        account=account,
        balance=int(w3.eth.get_balance(Web3.to_checksum_address(account))) if account else None,
        withdrawable=client.withdrawable(account) if client and account else None,
    )
