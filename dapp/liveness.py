"""Whether a registry entry is live on the chain it names, and the live Catalog (or demo token) of a chain.

A registry entry is trusted only while the chain still has the same genesis block and the same code at
the address: a restarted local chain (new genesis, or no code) or a different build (other code hash)
makes the entry stale, and `deploy_catalog` replaces it instead of reusing it.
"""

from __future__ import annotations

from typing import Any, Literal

from eth_utils.crypto import keccak
from web3 import Web3

from dapp.compile import CONTRACT_NAME
from dapp.exceptions import NotDeployedError
from dapp.registry import Deployment, Registry

# Chain ids of local dev chains (anvil/Hardhat 31337, Ganache 1337): the only ones `dapp deploy` is advised on.
DEV_CHAIN_IDS = frozenset({1337, 31337})
DEMO_TOKEN = "TestUSD"  # the registry name of the demo stablecoin dev chains get


def genesis_hash(w3: Web3) -> str:
    return "0x" + bytes(w3.eth.get_block(0)["hash"]).hex()  # type: ignore[arg-type]


def code_hash(code: bytes) -> str:
    return "0x" + keccak(code).hex()


def stale_reason(w3: Web3, deployment: Deployment, genesis: str | None = None) -> str | None:
    """Why a registry entry cannot be trusted on this chain, or None if it is live."""
    genesis = genesis or genesis_hash(w3)
    if deployment.genesis_hash != genesis:
        return "the chain was reset (its genesis block changed)"
    code = bytes(w3.eth.get_code(Web3.to_checksum_address(deployment.address)))
    if not code:
        return f"there is no contract code at {deployment.address}"
    if code_hash(code) != deployment.code_hash:
        return f"the code at {deployment.address} is not the code that was recorded"
    return None


def live_token(w3: Web3, registry: Registry, name: str = DEMO_TOKEN) -> str | None:
    """The address of the demo stablecoin `dapp up` (or scripts/seed.py) deployed on this chain and
    recorded in the registry, if that entry is live; None otherwise."""
    genesis = genesis_hash(w3)
    found = registry.get(int(w3.eth.chain_id), name, genesis)
    if found is None or stale_reason(w3, found, genesis) is not None:
        return None
    return found.address


def live_deployment(
    w3: Web3, registry: Registry, *, check: Literal["now", "on_use"] = "now"
) -> tuple[Deployment, list[dict[str, Any]]]:
    """The registered Catalog on this chain and its ABI, or NotDeployedError saying why not.

    `check="now"` asks the chain for its genesis block and the code at the address (2 round trips).
    `check="on_use"` leaves that to the client's first call (`CatalogClient(verified=False)`): a view
    that returns data proves the contract is there, and only a call that finds no code pays for the
    check, to say why. The genesis block is still asked for when the registry holds several chains
    with this id (dev chains restarted or run side by side), to pick the right one."""
    chain_id = int(w3.eth.chain_id)
    several = registry.chain_instances(chain_id, CONTRACT_NAME) > 1
    genesis = genesis_hash(w3) if check == "now" or several else None
    found = registry.get_with_abi(chain_id, CONTRACT_NAME, genesis)
    if found is None:
        raise not_deployed(chain_id, registry, f"no entry in {registry.path_for(chain_id)}")
    deployment, abi = found
    if check == "on_use" and (genesis is None or deployment.genesis_hash == genesis):
        return deployment, abi
    reason = stale_reason(w3, deployment, genesis)
    if reason:
        raise not_deployed(chain_id, registry, f"the entry in {registry.path_for(chain_id)} is stale: {reason}")
    return deployment, abi


def not_deployed(chain_id: int, registry: Registry, detail: str) -> NotDeployedError:
    """NotDeployedError, advising `dapp deploy` only on a dev chain."""
    return NotDeployedError(chain_id, detail, dev_chain=chain_id in DEV_CHAIN_IDS, known_chains=registry.chains())
