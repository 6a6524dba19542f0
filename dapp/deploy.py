"""Deploy the Catalog (or reuse a live one) and record it in the registry; record one deployed elsewhere.

A stale registry entry (dapp.liveness) is replaced, not reused. Each function asks the chain for each fact
once: the chain id, the genesis block, the code at the address and the deployment receipt
(`deploy_catalog`: 7 round trips on anvil).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from web3 import Web3

from dapp._utils.abi import constructor_types, encode_arguments
from dapp._utils.revert import ErrorDecoder
from dapp._utils.validate import check_address
from dapp.compile import CONTRACT_NAME, Artifact, load_artifact
from dapp.exceptions import DeploymentError, NetworkError
from dapp.liveness import code_hash, genesis_hash, stale_reason
from dapp.registry import Deployment, Registry, abi_hash
from dapp.settings import DEFAULT_DEPLOYMENTS
from dapp.transactions import TransactionPipeline, TxRequest

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DeployResult:
    deployment: Deployment
    reused: bool
    replaced: Deployment | None  # the stale entry this deployment replaced, if any
    registry_path: Path


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
    registry_dir: Path = DEFAULT_DEPLOYMENTS,
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
