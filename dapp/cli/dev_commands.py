"""Developer commands: compile, deploy, status, background nodes, and `up` (the demo)."""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path
from types import FrameType

import click
from web3 import Web3

from dapp.accounts import use_account
from dapp.cli.common import NetworkArgs, network_options, session
from dapp.cli.ipfs_commands import ipfs_api_option
from dapp.cli.output import emit, format_wei, json_option, progress, table
from dapp.cli.store_commands import orders_table, products_table
from dapp.client import CatalogClient
from dapp.compile import REPO_ROOT, Artifact, compile_contracts, load_artifact, write_packaged_artifact
from dapp.demo import seed_catalog
from dapp.deploy import deploy_catalog, genesis_hash, stale_reason
from dapp.exceptions import CidMismatchError, DappValueError, IpfsError
from dapp.ipfs.kubo import open_kubo
from dapp.ipfs.metadata import parse_product_metadata
from dapp.networks import (
    DEV_NETWORKS,
    connect,
    ensure_background_node,
    parse_network,
    running_node,
    stop_background_node,
)
from dapp.registry import Registry


@click.command("compile")
@click.option("--write-package-artifacts", is_flag=True, help="Also refresh the ABI + bytecode shipped in dapp/.")
@json_option
def compile_cmd(write_package_artifacts: bool, as_json: bool) -> None:
    """Compile contracts/ with the pinned solc (cached by source hash)."""
    progress("compiling contracts/Catalog.sol with solc 0.8.30 (evm paris)")
    artifact = compile_contracts()
    written = str(write_packaged_artifact(artifact)) if write_package_artifacts else None
    if write_package_artifacts:  # the demo stablecoin `dapp up` deploys ships beside the Catalog
        write_packaged_artifact(compile_contracts(name="TestUSD"))
    size = (len(artifact.deployed_bytecode) - 2) // 2
    emit(
        as_json,
        {"contract": artifact.name, "sourceHash": artifact.source_hash, "runtimeBytes": size, "written": written},
        f"{artifact.name}: {size} bytes of runtime code, source hash {artifact.source_hash[:18]}…"
        + (f"\nwrote {written}" if written else ""),
    )


def current_artifact() -> Artifact:
    """The freshly compiled contract in a source checkout; the packaged one in an installed package."""
    if (REPO_ROOT / "contracts" / "Catalog.sol").is_file():
        progress("compiling contracts/Catalog.sol (cached by source hash)")
        return compile_contracts()
    return load_artifact()


@click.command("deploy")
@click.option("--force", is_flag=True, help="Deploy a new Catalog even if a live one is registered.")
@network_options
def deploy(
    force: bool,
    net: NetworkArgs,
) -> None:
    """Deploy the Catalog (or reuse the live one) and record it in deployments/CHAINID.json."""
    artifact = current_artifact()
    with session(net) as s:
        assert s.account is not None
        progress(f"deploying from {s.account} on chain {s.connection.chain_id}")
        result = deploy_catalog(
            s.w3, s.account, s.registry, artifact=artifact, force=force, fixed_gas=s.connection.is_ganache
        )
    d = result.deployment
    verb = "reusing live" if result.reused else "deployed"
    note = f"\n(the registry entry for {result.replaced.address} was replaced)" if result.replaced else ""
    emit(
        net.as_json,
        {
            "address": d.address,
            "chainId": d.chain_id,
            "block": d.deployed_on_block,
            "tx": d.tx_hash,
            "reused": result.reused,
            "registry": str(result.registry_path),
        },
        f"{verb} Catalog at {d.address} on chain {d.chain_id} (block {d.deployed_on_block})\n"
        f"registry: {result.registry_path}{note}",
    )


@click.command("status")
@network_options
def status(
    net: NetworkArgs,
) -> None:
    """Show the network, your account and the registered Catalog (live or stale)."""
    with session(net, need_account=False) as s:
        w3, chain_id = s.w3, s.connection.chain_id
        info: dict[str, object] = {
            "network": s.connection.choice.label,
            "chainId": chain_id,
            "client": s.connection.client_version,
            "block": w3.eth.block_number,
            "registry": str(s.registry.path_for(chain_id)),
        }
        genesis = genesis_hash(w3)
        deployment = s.registry.get(chain_id, genesis=genesis)
        client = None
        if deployment is None:
            info["catalog"] = None
        else:
            reason = stale_reason(w3, deployment, genesis)
            info["catalog"] = {
                "address": deployment.address,
                "deployedOnBlock": deployment.deployed_on_block,
                "tool": deployment.tool,
                "live": reason is None,
                "stale": reason,
            }
            if reason is None:
                client = s.client()
                info["productCount"] = client.product_count()
        account = s.account
        if account is None and s.connection.choice.kind != "url":
            account = str(w3.eth.accounts[0])  # a dev node: show its default account
        if account:
            info["account"] = account
            info["balance"] = str(w3.eth.get_balance(Web3.to_checksum_address(account)))
            if client is not None:
                info["withdrawable"] = str(client.withdrawable(account))

    def text() -> str:
        lines = [f"network   {info['network']} (chain {chain_id}, {info['client']}, block {info['block']})"]
        catalog = info["catalog"]
        if catalog is None:
            lines.append(f"catalog   not deployed on this chain (no entry in {info['registry']})")
        else:
            assert isinstance(catalog, dict)
            state = "live" if catalog["live"] else f"STALE: {catalog['stale']}"
            lines.append(f"catalog   {catalog['address']} ({state}; deployed by {catalog['tool']})")
            if "productCount" in info:
                lines.append(f"products  {info['productCount']}")
        if "account" in info:
            lines.append(f"account   {info['account']}: {format_wei(int(str(info['balance'])))}")
            if "withdrawable" in info:
                lines.append(f"withdraw  {format_wei(int(str(info['withdrawable'])))} available")
        return "\n".join(lines)

    emit(net.as_json, info, text)


@click.group("node")
def node() -> None:
    """Background dev nodes (anvil, ganache) that later `dapp` commands reuse."""


@node.command("start")
@click.argument("kind", type=click.Choice(DEV_NETWORKS), default="anvil")
def node_start(kind: str) -> None:
    """Start a background node for this project (or show the running one)."""
    record = ensure_background_node(kind)
    click.echo(f"{kind} running at {record['url']} (pid {record['pid']}); stop it with `dapp node stop {kind}`")


@node.command("stop")
@click.argument("kind", type=click.Choice(DEV_NETWORKS), default="anvil")
def node_stop(kind: str) -> None:
    """Stop this project's background node of KIND (by its recorded PID)."""
    pid = stop_background_node(kind)
    click.echo(f"stopped {kind} (pid {pid})" if pid else f"no {kind} node was running")


@node.command("status")
def node_status() -> None:
    """Show this project's background nodes."""
    rows = [[kind, r["url"], r["pid"]] for kind in DEV_NETWORKS if (r := running_node(kind))]
    click.echo(table(["node", "url", "pid"], rows) if rows else "no background nodes")


@click.command("up")
@click.option("--network", "-n", default="anvil", show_default=True,
              help="anvil or ganache (a fresh node, stopped on exit), embedded, or an RPC URL.")  # fmt: skip
@click.option("--deployments", type=click.Path(file_okay=False, path_type=Path), envvar="DAPP_DEPLOYMENTS")
@ipfs_api_option
@click.option("--no-ipfs", is_flag=True, help="Do not add the sample documents to IPFS.")
@click.option("--no-wait", is_flag=True, help="Exit after seeding instead of serving until Ctrl-C.")
def up(network: str, deployments: Path | None, ipfs_api: str | None, no_ipfs: bool, no_wait: bool) -> None:
    """The demo: start a chain, compile, deploy, seed a sample merch shop, and serve until Ctrl-C."""
    artifact = current_artifact()
    progress(f"starting {network}" if network in DEV_NETWORKS else f"connecting to {parse_network(network).label}")
    with contextlib.ExitStack() as stack:
        connection = stack.enter_context(connect(network, own_node=True))
        w3 = connection.w3
        if len(w3.eth.accounts) < 4:  # checked before anything is sent
            raise DappValueError("dapp up seeds a shop with 4 accounts: use a dev node (anvil, ganache, embedded)")
        deployer = use_account(w3)
        registry = Registry(deployments)
        progress("deploying the Catalog")
        result = deploy_catalog(w3, deployer, registry, artifact=artifact, fixed_gas=connection.is_ganache)
        address = result.deployment.address
        client = CatalogClient(w3, address, artifact.abi, fixed_gas=connection.is_ganache)
        documents: dict[str, bytes] = {}
        if client.product_count() == 0:
            progress("seeding a sample merch catalog with orders and reviews")
            documents = seed_catalog(w3, address, artifact.abi, fixed_gas=connection.is_ganache).documents
        gateway = None if no_ipfs else _serve_documents(stack, ipfs_api, documents)
        products = client.products()
        metadata_cids = {p.metadata_cid for p in products}
        orders = [o for p in products for o in client.orders(p.id)]
        names = {cid: parse_product_metadata(cid, doc).name for cid, doc in documents.items() if cid in metadata_cids}
        where = connection.node.url if connection.node else connection.choice.label
        click.echo(f"\nCatalog {address} on chain {connection.chain_id} at {where}")
        click.echo(f"registry: {result.registry_path}")
        if gateway:
            click.echo(f"IPFS gateway: {gateway}  (product metadata: {gateway}/ipfs/{products[0].metadata_cid})")
        click.echo("\n" + products_table(products, names))
        click.echo("\n" + orders_table(orders))
        if no_wait:
            return
        if connection.choice.kind == "embedded":
            click.echo("\nserving the in-process chain; other processes cannot reach it. Ctrl-C stops.")
        else:
            click.echo(f"\nserving on {where}; try `dapp products --network {where}`. Ctrl-C stops.")
        _wait_for_stop_signal()
        progress("stopping")


def _wait_for_stop_signal() -> None:
    """Block until SIGINT or SIGTERM (before this, Ctrl-C interrupts and everything unwinds)."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve_documents(stack: contextlib.ExitStack, ipfs_api: str | None, documents: dict[str, bytes]) -> str | None:
    """Add the seeded documents to Kubo (ours unless an API is given) and keep it up; None if no Kubo."""
    try:
        progress("starting IPFS and adding the metadata and review documents")
        kubo = stack.enter_context(open_kubo(ipfs_api))
        for cid, document in documents.items():
            added = kubo.add_bytes(document, pin=True)
            if added != cid:
                raise CidMismatchError(cid, added, what="Kubo's import of a seeded document")
        return kubo.gateway_url()
    except IpfsError as exc:
        if isinstance(exc, CidMismatchError):
            raise
        progress(f"IPFS unavailable, documents not published ({exc}); the chain part still runs")
        return None
