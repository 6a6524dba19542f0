"""Developer commands: compile, deploy, status, background nodes, and `up` (the demo)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import click

from dapp import settings
from dapp.cli.common import session
from dapp.cli.options import (
    NetworkArgs,
    TxArgs,
    cli_settings,
    deployments_option,
    ipfs_api_option,
    json_option,
    network_options,
    tx_options,
)
from dapp.cli.output import emit, format_wei, progress, table
from dapp.cli.render import orders_table, products_table
from dapp.cli.status import catalog_status
from dapp.compile import REPO_ROOT, Artifact, compile_contracts, load_artifact, write_packaged_artifact
from dapp.demo import Demo, Ports, run_demo
from dapp.deploy import deploy_catalog
from dapp.ipfs.documents import NameLookup
from dapp.networks import DEV_NETWORKS, parse_network
from dapp.nodes import DEV_MNEMONIC, ensure_background_node, running_node, stop_background_node
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
    found = cli_settings()
    record = ensure_background_node(found.home, kind, found.node_binary(kind), progress)
    click.echo(f"{kind} running at {record['url']} (pid {record['pid']}); stop it with `dapp node stop {kind}`")


@node.command("stop")
@click.argument("kind", type=click.Choice(DEV_NETWORKS), default="anvil")
def node_stop(kind: str) -> None:
    """Stop this project's background node of KIND (by its recorded PID)."""
    pid = stop_background_node(cli_settings().home, kind)
    click.echo(f"stopped {kind} (pid {pid})" if pid else f"no {kind} node was running")


@node.command("status")
def node_status() -> None:
    """Show this project's background nodes."""
    rows = [[kind, r["url"], r["pid"]] for kind in DEV_NETWORKS if (r := running_node(cli_settings().home, kind))]
    click.echo(table(["node", "url", "pid"], rows) if rows else "no background nodes")


def _port(name: str, default: int) -> Callable[[], int]:
    """`dapp up`'s port option default: its setting, else `default`."""

    def port() -> int:
        value = getattr(cli_settings(), name)
        return default if value is None else int(value)

    return port


@click.command("up")
@click.option("--network", "-n", default="anvil", show_default=True,
              help="anvil or ganache (a fresh node, stopped on exit), embedded, or an RPC URL.")  # fmt: skip
@click.option("--port", "rpc_port", type=click.IntRange(0, 65535), default=_port("up_rpc_port", Ports.rpc),
              show_default=str(Ports.rpc), help="Port of the anvil/Ganache started here (0: any; a free one if "
              f"taken). Env {settings.UP_RPC_PORT}.")  # fmt: skip
@click.option("--gateway-port", type=click.IntRange(0, 65535), default=_port("up_gateway_port", Ports.gateway),
              show_default=str(Ports.gateway), help="Port of our Kubo's gateway, which serves the page. "
              f"Env {settings.UP_GATEWAY_PORT}.")  # fmt: skip
@click.option("--api-port", type=click.IntRange(0, 65535), default=_port("up_api_port", Ports.api),
              show_default=str(Ports.api), help="Port of our Kubo's RPC API (the page publishes reviews through it). "
              f"Env {settings.UP_API_PORT}.")  # fmt: skip
@click.option("--indexer-port", type=click.IntRange(0, 65535), default=_port("up_indexer_port", Ports.indexer),
              show_default=str(Ports.indexer), help="Port of our Ponder indexer (a free one if taken). "
              f"Env {settings.UP_INDEXER_PORT}.")  # fmt: skip
@click.option("--seller", metavar="ADDRESS", help="Build the page as this seller's storefront (only their "
              "products, under their name and banner); the sample seller is dev account 1.")  # fmt: skip
@deployments_option
@ipfs_api_option
@click.option("--no-ipfs", is_flag=True, help="Do not start IPFS: no documents, no page.")
@click.option("--no-indexer", is_flag=True, help="Do not start the indexer: every view reads the chain's logs.")
@click.option("--no-wait", is_flag=True, help="Exit after seeding instead of serving until Ctrl-C.")
def up(
    network: str,
    rpc_port: int,
    gateway_port: int,
    api_port: int,
    indexer_port: int,
    seller: str | None,
    deployments: Path,
    ipfs_api: str | None,
    no_ipfs: bool,
    no_indexer: bool,
    no_wait: bool,
) -> None:
    """The demo: start a chain and IPFS, deploy, seed a sample merch shop, publish the shop page, start the
    indexer in the background, and serve until Ctrl-C, which stops every process started here."""
    choice = parse_network(network)
    artifact = current_artifact()
    registry = Registry(deployments)
    ports = Ports(rpc_port, gateway_port, api_port, indexer_port)
    # With --no-wait everything stops as soon as the shop is seeded: an indexer would not outlive its start.
    with_indexer = not (no_indexer or no_wait)
    try:
        with run_demo(
            choice, registry, artifact, ipfs_api=ipfs_api, with_ipfs=not no_ipfs, ports=ports, seller=seller,
            with_indexer=with_indexer, state_home=cli_settings().home,
            node_binary=cli_settings().node_binary(choice.kind), progress=progress,
        ) as demo:  # fmt: skip
            names = {cid: NameLookup(cid, name, variant=demo.variants.get(cid)) for cid, name in demo.names.items()}
            products_by_id = {p.id: p for p in demo.products}
            click.echo("\n" + products_table(demo.products, demo.tokens, names))
            click.echo("\n" + orders_table(demo.orders, demo.tokens, names, products_by_id))
            click.echo("\n" + _summary(demo))
            if no_wait:
                return
            # Handlers first, then the line that tells whoever waits for it that a Ctrl-C now stops cleanly.
            with _stop_signals() as stop:
                urls = demo.page.urls if demo.page else None
                what = f"the shop at {urls.subdomain_url or urls.path_url}" if urls else f"the chain at {demo.where}"
                click.echo(f"\nserving {what} ; Ctrl-C stops everything started here")
                stop.wait()
            progress("stopping")
    except KeyboardInterrupt:  # Ctrl-C before the shop was up: the with-block has stopped everything
        progress("interrupted; everything started here is stopped")
        raise SystemExit(130) from None


def _summary(demo: Demo) -> str:
    """What to open and how to connect: the page's URLs and CID, the contracts, the wallet settings."""
    chain_id = demo.connection.chain_id
    lines: list[str] = []
    if demo.page:
        urls = demo.page.urls
        lines += ["Shop page", f"  open       {urls.subdomain_url or urls.path_url}"]
        if urls.subdomain_url:
            lines.append(f"  or         {urls.path_url}  (path gateway: one origin shared by every page)")
        lines += [f"  CID        {urls.cid}", f"  check      dapp verify-page {urls.cid} --gateway {urls.gateway}"]
        if demo.page.config.seller:
            lines.append(f"  storefront of {demo.page.config.seller}")
    elif demo.gateway:
        lines.append(f"IPFS gateway {demo.gateway} (no shop page)")
    lines += [
        f"Catalog      {demo.deployed.deployment.address} on chain {chain_id} ({demo.where})",
        f"Test USD     {demo.token.address} (tUSD); the sample buyers, dev accounts 2 and 3, hold some",
        f"registry     {demo.deployed.registry_path}",
    ]
    if demo.indexer:
        url = demo.indexer.url
        lines += [
            f"Indexer      {url} (starting in the background: the shop reads the chain until it has caught up)",
            f"  GraphQL    {url}/graphql   use it: dapp orders --indexer {url}   log {demo.indexer.log}",
        ]
    if demo.rpc_url:
        name = {31337: "Local anvil", 1337: "Local Ganache"}.get(chain_id, f"chain {chain_id}")
        lines += [
            "Wallet",
            f'  add the network "{name}": RPC URL {demo.rpc_url}, chain id {chain_id}, currency ETH',
            f'  then import the dev accounts (mnemonic "{DEV_MNEMONIC}"): 1 is the seller, 2 and 3 hold tUSD',
            '  or, with no wallet: "Connect wallet" > "Burner wallet" (a key kept in the browser; local testing only)',
        ]
    lines += [f"note: {note}" for note in demo.notes]
    return "\n".join(lines)


@contextlib.contextmanager
def _stop_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while the block runs; the previous handlers come back after."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
