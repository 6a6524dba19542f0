"""Developer commands: compile, deploy, status, background nodes, and `up` (the demo)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from dapp.cli.common import session
from dapp.cli.options import (
    NetworkArgs,
    TxArgs,
    deployments_option,
    ipfs_api_option,
    json_option,
    network_options,
    tx_options,
)
from dapp.cli.output import emit, format_wei, progress, table
from dapp.cli.store_commands import orders_table, products_table
from dapp.compile import REPO_ROOT, Artifact, compile_contracts, load_artifact, write_packaged_artifact
from dapp.demo import run_demo
from dapp.deploy import catalog_status, deploy_catalog
from dapp.ipfs.documents import NameLookup
from dapp.networks import DEV_NETWORKS, ensure_background_node, parse_network, running_node, stop_background_node
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
@tx_options
def deploy(force: bool, net: NetworkArgs, tx: TxArgs) -> None:
    """Deploy the Catalog (or reuse the live one) and record it in deployments/CHAINID.json."""
    artifact = current_artifact()
    with session(net, tx=tx) as s:
        assert s.account is not None
        result = deploy_catalog(
            s.w3, s.account, s.registry, artifact=artifact, force=force, progress=progress, **s.pipeline_options()
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
def status(net: NetworkArgs) -> None:
    """Show the network, your account and the registered Catalog (live or stale)."""
    with session(net, need_account=False) as s:
        found = catalog_status(s.w3, s.registry, s.account, dev_node=net.network.kind != "url")
        client_version = s.connection.client_version
    deployment = found.deployment
    info: dict[str, object] = {
        "network": net.network.label,
        "chainId": found.chain_id,
        "client": client_version,
        "block": found.block,
        "registry": str(found.registry_path),
        "catalog": None
        if deployment is None
        else {
            "address": deployment.address,
            "deployedOnBlock": deployment.deployed_on_block,
            "tool": deployment.tool,
            "live": found.live,
            "stale": found.stale,
        },
    }
    if found.product_count is not None:
        info["productCount"] = found.product_count
    if found.account:
        info["account"] = found.account
        info["balance"] = str(found.balance)
        if found.withdrawable is not None:
            info["withdrawable"] = str(found.withdrawable)

    def text() -> str:
        lines = [f"network   {info['network']} (chain {found.chain_id}, {client_version}, block {found.block})"]
        if deployment is None:
            lines.append(f"catalog   not deployed on this chain (no entry in {found.registry_path})")
        else:
            state = "live" if found.live else f"STALE: {found.stale}"
            lines.append(f"catalog   {deployment.address} ({state}; deployed by {deployment.tool})")
            if found.product_count is not None:
                lines.append(f"products  {found.product_count}")
        if found.account:
            lines.append(f"account   {found.account}: {format_wei(found.balance or 0)}")
            if found.withdrawable is not None:
                lines.append(f"withdraw  {format_wei(found.withdrawable)} available")
        return "\n".join(lines)

    emit(net.as_json, info, text)


@click.group("node")
def node() -> None:
    """Background dev nodes (anvil, ganache) that later `dapp` commands reuse."""


@node.command("start")
@click.argument("kind", type=click.Choice(DEV_NETWORKS), default="anvil")
def node_start(kind: str) -> None:
    """Start a background node for this project (or show the running one)."""
    record = ensure_background_node(kind, progress)
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
@deployments_option
@ipfs_api_option
@click.option("--no-ipfs", is_flag=True, help="Do not add the sample documents to IPFS.")
@click.option("--no-wait", is_flag=True, help="Exit after seeding instead of serving until Ctrl-C.")
def up(network: str, deployments: Path | None, ipfs_api: str | None, no_ipfs: bool, no_wait: bool) -> None:
    """The demo: start a chain, compile, deploy, seed a sample merch shop, and serve until Ctrl-C."""
    choice = parse_network(network)
    artifact = current_artifact()
    registry = Registry(deployments)
    with run_demo(choice, registry, artifact, ipfs_api=ipfs_api, with_ipfs=not no_ipfs, progress=progress) as demo:
        address, where = demo.deployed.deployment.address, demo.where
        click.echo(f"\nCatalog {address} on chain {demo.connection.chain_id} at {where}")
        click.echo(f"Test USD (tUSD) {demo.token.address}; the sample buyers (accounts 2, 3) hold some")
        click.echo(f"registry: {demo.deployed.registry_path}")
        if demo.gateway:
            metadata = demo.products[0].metadata_cid
            click.echo(f"IPFS gateway: {demo.gateway}  (product metadata: {demo.gateway}/ipfs/{metadata})")
        names = {cid: NameLookup(cid, name) for cid, name in demo.names.items()}
        products_by_id = {p.id: p for p in demo.products}
        click.echo("\n" + products_table(demo.products, demo.tokens, names))
        click.echo("\n" + orders_table(demo.orders, demo.tokens, names, products_by_id))
        if no_wait:
            return
        if choice.kind == "embedded":
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
