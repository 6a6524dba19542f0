"""Deploy the Catalog, record it in the registry, find a live deployment again later, and report on it.

A registry entry is trusted only while the chain still has the same genesis block and the same code at
the address: a restarted local chain (new genesis, or no code) or a different build (other code hash)
makes the entry stale, and `deploy_catalog` replaces it instead of reusing it.

Each function asks the chain for each fact once: the chain id, the genesis block, the code at the
address and the deployment receipt (`deploy_catalog`: 7 round trips on anvil, was 16).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from eth_utils.crypto import keccak
from web3 import Web3

from dapp._utils.abi import constructor_types, encode_arguments
from dapp._utils.revert import ErrorDecoder
from dapp._utils.validate import check_address
from dapp.compile import CONTRACT_NAME, Artifact, load_artifact
from dapp.exceptions import DeploymentError, NetworkError, NotDeployedError
from dapp.registry import Deployment, Registry, abi_hash
from dapp.transactions import TransactionPipeline, TxRequest

Progress = Callable[[str], None]

DEMO_TOKEN = "TestUSD"  # the registry name of the demo stablecoin dev chains get


@dataclass(frozen=True)
class DeployResult:
    deployment: Deployment
    reused: bool
    replaced: Deployment | None  # the stale entry this deployment replaced, if any
    registry_path: Path


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


def _record(
    w3: Web3,
    registry: Registry,
    *,
    chain_id: int,
    genesis: str,
    address: str,
    tx_hash: str,
    block: int,
    deployer: str,
    tool: str,
    abi: list[dict[str, Any]],
    name: str = CONTRACT_NAME,
) -> Deployment:
    code = bytes(w3.eth.get_code(Web3.to_checksum_address(address)))
    if not code:
        raise DeploymentError(f"no contract code at {address}")
    deployment = Deployment(
        chain_id=chain_id,
        name=name,
        address=address,
        tx_hash=tx_hash if tx_hash.startswith("0x") else "0x" + tx_hash,
        deployed_on_block=block,
        genesis_hash=genesis,
        code_hash=code_hash(code),
        abi_hash=abi_hash(abi),
        deployer=deployer,
        deployed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tool=tool,
    )
    registry.record(deployment, abi)
    return deployment


def register_deployment(
    w3: Web3,
    address: str,
    tx_hash: str,
    *,
    tool: str = "brownie",
    registry_dir: Path | None = None,
    abi: list[dict[str, Any]] | None = None,
    name: str = CONTRACT_NAME,
) -> Deployment:
    """Record a contract someone deployed (e.g. Brownie) after checking its receipt and code on-chain;
    `name` is its name in the registry (the Catalog, or the demo stablecoin TestUSD)."""
    receipt = w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
    address = check_address("contract address", address)
    if receipt["status"] != 1 or receipt.get("contractAddress") != address:
        raise DeploymentError(f"transaction {tx_hash} did not create a contract at {address}")
    return _record(
        w3,
        Registry(registry_dir),
        chain_id=int(w3.eth.chain_id),
        genesis=genesis_hash(w3),
        address=address,
        tx_hash=tx_hash,
        block=int(receipt["blockNumber"]),
        deployer=str(receipt["from"]),
        tool=tool,
        abi=abi if abi is not None else load_artifact(name).abi,
        name=name,
    )


def deploy_catalog(
    w3: Web3,
    account: str,
    registry: Registry,
    *,
    artifact: Artifact | None = None,
    force: bool = False,
    receipt_timeout: float = 180.0,
    progress: Progress | None = None,
    **pipeline: Any,
) -> DeployResult:
    """Reuse the registered Catalog if it is live and current; otherwise deploy and record a new one.
    `pipeline` options go to the TransactionPipeline (signer, fees, journal_root, on_event)."""
    return deploy_contract(
        w3,
        account,
        registry,
        artifact or load_artifact(),
        force=force,
        receipt_timeout=receipt_timeout,
        progress=progress,
        **pipeline,
    )


def deploy_contract(
    w3: Web3,
    account: str,
    registry: Registry,
    artifact: Artifact,
    *,
    force: bool = False,
    receipt_timeout: float = 180.0,
    progress: Progress | None = None,
    **pipeline: Any,
) -> DeployResult:
    """Reuse the registered contract named `artifact.name` if it is live and current; otherwise deploy the
    artifact (a constructor without arguments) and record it under that name. `pipeline` options go to the
    TransactionPipeline (signer, fees, journal_root, on_event)."""
    name = artifact.name
    chain_id = int(w3.eth.chain_id)
    genesis = genesis_hash(w3)
    existing = registry.get(chain_id, name, genesis)
    replaced = None
    if existing is not None:
        reason = stale_reason(w3, existing, genesis)
        if reason is None and existing.code_hash != code_hash(bytes.fromhex(artifact.deployed_bytecode[2:])):
            reason = "the contract was rebuilt since it was deployed"
        if reason is None and not force:
            return DeployResult(existing, reused=True, replaced=None, registry_path=registry.path_for(chain_id))
        replaced = existing

    if progress:
        progress(f"deploying {name} from {account} on chain {chain_id}")
    init_code = bytes.fromhex(artifact.bytecode.removeprefix("0x"))
    init_code += encode_arguments(constructor_types(artifact.abi), (), f"{name} constructor")
    options = {"receipt_timeout": receipt_timeout, **pipeline}
    transactions = TransactionPipeline(w3, account, errors=ErrorDecoder(artifact.abi), **options)
    try:
        mined = transactions.execute(TxRequest(label=f"deploy {name}", to=None, data=init_code))
    except NetworkError as exc:
        raise DeploymentError(f"deploying {name} failed: {exc}") from exc
    if mined.contract_address is None:
        raise DeploymentError(f"deployment transaction {mined.tx.tx_hash} created no contract")
    deployment = _record(
        w3,
        registry,
        chain_id=chain_id,
        genesis=genesis,
        address=check_address("contract address", mined.contract_address),
        tx_hash=mined.tx.tx_hash,
        block=mined.tx.block_number,
        deployer=check_address("deployer", account),
        tool="dapp",
        abi=artifact.abi,
        name=name,
    )
    return DeployResult(deployment, reused=False, replaced=replaced, registry_path=registry.path_for(chain_id))


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
    from dapp.networks import DEV_CHAIN_IDS

    return NotDeployedError(chain_id, detail, dev_chain=chain_id in DEV_CHAIN_IDS, known_chains=registry.chains())


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
    from dapp.client import CatalogClient

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
