"""Deploy the Catalog, record it in the registry, and find a live deployment again later.

A registry entry is trusted only while the chain still has the same genesis block and the same code at
the address: a restarted local chain (new genesis, or no code) or a different build (other code hash)
makes the entry stale, and `deploy_catalog` replaces it instead of reusing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak
from web3 import Web3
from web3.exceptions import TimeExhausted

from dapp.compile import CONTRACT_NAME, Artifact, load_artifact
from dapp.exceptions import DeploymentError, NotDeployedError, ReceiptTimeout
from dapp.registry import Deployment, Registry, abi_hash

DEPLOY_GAS = 3_500_000  # measured ~2.35M; explicit so Ganache skips its slow estimateGas


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


def register_deployment(
    w3: Web3,
    address: str,
    tx_hash: str,
    *,
    tool: str = "brownie",
    registry_dir: Path | None = None,
    abi: list[dict[str, Any]] | None = None,
) -> Deployment:
    """Record a Catalog someone deployed (e.g. Brownie) after checking its receipt and code on-chain."""
    receipt = w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
    address = Web3.to_checksum_address(address)
    if receipt["status"] != 1 or receipt.get("contractAddress") != address:
        raise DeploymentError(f"transaction {tx_hash} did not create a contract at {address}")
    code = bytes(w3.eth.get_code(address))
    if not code:
        raise DeploymentError(f"no contract code at {address}")
    abi = abi if abi is not None else load_artifact().abi
    deployment = Deployment(
        chain_id=int(w3.eth.chain_id),
        name=CONTRACT_NAME,
        address=address,
        tx_hash=tx_hash if tx_hash.startswith("0x") else "0x" + tx_hash,
        deployed_on_block=int(receipt["blockNumber"]),
        genesis_hash=genesis_hash(w3),
        code_hash=code_hash(code),
        abi_hash=abi_hash(abi),
        deployer=str(receipt["from"]),
        deployed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tool=tool,
    )
    Registry(registry_dir).record(deployment, abi)
    return deployment


def deploy_catalog(
    w3: Web3,
    account: str,
    registry: Registry,
    *,
    artifact: Artifact | None = None,
    force: bool = False,
    fixed_gas: bool = False,
    receipt_timeout: float = 180.0,
) -> DeployResult:
    """Reuse the registered Catalog if it is live and current; otherwise deploy and record a new one."""
    artifact = artifact or load_artifact()
    chain_id = int(w3.eth.chain_id)
    genesis = genesis_hash(w3)
    existing = registry.get(chain_id, CONTRACT_NAME, genesis)
    replaced = None
    if existing is not None:
        reason = stale_reason(w3, existing, genesis)
        if reason is None and existing.code_hash != code_hash(bytes.fromhex(artifact.deployed_bytecode[2:])):
            reason = "the contract was rebuilt since it was deployed"
        if reason is None and not force:
            return DeployResult(existing, reused=True, replaced=None, registry_path=registry.path_for(chain_id))
        replaced = existing

    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    params: dict[str, Any] = {"from": Web3.to_checksum_address(account)}
    if fixed_gas:
        params["gas"] = DEPLOY_GAS
    try:
        tx_hash = factory.constructor().transact(params)  # type: ignore[arg-type]
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=receipt_timeout, poll_latency=0.05)
    except TimeExhausted:
        raise ReceiptTimeout(f"deployment not mined within {receipt_timeout:.0f} s", "0x" + tx_hash.hex()) from None
    except Exception as exc:
        raise DeploymentError(f"deploying {CONTRACT_NAME} failed: {exc}") from exc
    if receipt["status"] != 1 or not receipt.get("contractAddress"):
        raise DeploymentError(f"deployment transaction 0x{bytes(tx_hash).hex()} failed")
    deployment = register_deployment(
        w3,
        str(receipt["contractAddress"]),
        "0x" + bytes(tx_hash).hex(),
        tool="dapp",
        registry_dir=registry.directory,
        abi=artifact.abi,
    )
    return DeployResult(deployment, reused=False, replaced=replaced, registry_path=registry.path_for(chain_id))


def live_deployment(w3: Web3, registry: Registry) -> tuple[Deployment, list[dict[str, Any]]]:
    """The registered Catalog on this chain and its ABI, or NotDeployedError saying why not."""
    chain_id = int(w3.eth.chain_id)
    genesis = genesis_hash(w3)
    found = registry.get_with_abi(chain_id, CONTRACT_NAME, genesis)
    if found is None:
        raise NotDeployedError(chain_id, f"no entry in {registry.path_for(chain_id)}")
    deployment, abi = found
    reason = stale_reason(w3, deployment, genesis)
    if reason:
        raise NotDeployedError(chain_id, f"the entry in {registry.path_for(chain_id)} is stale: {reason}")
    return deployment, abi
