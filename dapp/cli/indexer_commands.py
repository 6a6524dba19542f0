"""dapp indexer start|stop|status: the Ponder indexer of this chain's registered Catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from dapp import settings
from dapp.cli.options import NetworkArgs, cli_settings, from_settings, network_options
from dapp.cli.output import emit, progress
from dapp.exceptions import ConfigError, IndexerError
from dapp.networks import Connection, connect

if TYPE_CHECKING:
    from dapp.indexer.process import IndexerProcess


def rpc_url(connection: Connection) -> str:
    """The URL the indexer (another process) reaches this chain at: the in-process chain has none."""
    url = getattr(connection.w3.provider, "endpoint_uri", None)
    if not url:
        raise ConfigError("the indexer needs a chain reachable over HTTP: use --network anvil, ganache or a URL")
    return str(url)


def _database_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from dapp.indexer.process import check_database_url

    try:
        return check_database_url(value) if value is not None else None
    except ConfigError as error:
        raise click.BadParameter(str(error), ctx, param) from None


DATABASE_URL = click.option(
    "--database-url", metavar="URL", default=from_settings("indexer_database_url"), callback=_database_url,
    help=f"PostgreSQL to index into, postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (env "
    f"{settings.INDEXER_DATABASE_URL}, the better place for a password); default: PGlite in the state folder.",
)  # fmt: skip


@click.group("indexer")
def indexer() -> None:
    """The Ponder indexer of this chain's Catalog: orders, inboxes, reviews and search without log scans."""


@indexer.command("start")
@network_options
@click.option("--gateway", metavar="URL", help="IPFS gateway the indexer fetches product documents from "
              "(checked against the digests on chain); without one, names are not indexed.")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="HTTP port (0: a free one).")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait until it has caught up.")
@click.option("--timeout", type=click.FloatRange(1), default=3600, show_default=True,
              help="Seconds to wait for the first sync.")  # fmt: skip
@click.option("--logs-block-range", type=click.IntRange(1), metavar="BLOCKS",
              help="The most blocks one eth_getLogs asks for (default: Ponder learns the provider's cap from its "
              "errors). Give one for a store whose blocks hold hundreds of purchases: a reply over ~512 MB "
              "crashes Ponder.")  # fmt: skip
@click.option("--rpc-timeout", type=click.FloatRange(1), metavar="SECONDS",
              help="How long the indexer waits for one RPC answer (default: Ponder's 10 s). Raise it for a "
              "node that answers ranges of full blocks slowly: Ponder gives up after repeated timeouts.")  # fmt: skip
@DATABASE_URL
def start(
    net: NetworkArgs,
    gateway: str | None,
    port: int,
    wait: bool,
    timeout: float,
    logs_block_range: int | None,
    rpc_timeout: float | None,
    database_url: str | None,
) -> None:
    """Start the indexer in the background (or find the running one). Its database lives in the state folder,
    or in PostgreSQL with --database-url, where any number of `dapp indexer serve` replicas read it."""
    from dapp.indexer.service import indexer_for, wait_synced
    from dapp.registry import Registry

    progress(f"connecting to {net.network.label}")
    with _connect(net) as connection:
        process = indexer_for(
            connection.w3, Registry(net.deployments), rpc_url(connection), cli_settings().home,
            gateway_url=gateway, get_logs_block_range=logs_block_range,
            rpc_timeout_ms=round(rpc_timeout * 1000) if rpc_timeout is not None else None,
            database_url=database_url,
        )  # fmt: skip
        progress("starting the indexer (Ponder: ~10-20 s until it answers)")
        info, started = process.start(port)
        if not started:
            progress(f"the indexer of this Catalog already runs (pid {info.pid})")
        indexed = wait_synced(process, info.url, connection.w3, timeout, progress) if wait else None
    state = f"caught up at block {indexed}" if indexed is not None else "catching up"
    text = (
        f"indexer at {info.url} (pid {info.pid}), {state}; GraphQL {info.url}/graphql, SQL {info.url}/sql\n"
        f"  use it: export DAPP_INDEXER_URL={info.url}   stop it: dapp indexer stop   log: {info.log}"
    )
    emit(net.as_json, {**info.to_json(), "started": started, "indexedBlock": indexed}, text)


@indexer.command("serve")
@network_options
@DATABASE_URL
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="HTTP port (0: a free one).")
def serve(net: NetworkArgs, database_url: str | None, port: int) -> None:
    """A read-only replica (`ponder serve`) of the indexer that `dapp indexer start --database-url` runs,
    on this machine or another: it answers the same queries from the same PostgreSQL. Runs until Ctrl-C."""
    from dapp.indexer.service import indexer_for
    from dapp.registry import Registry

    if database_url is None:
        raise ConfigError(
            f"a replica reads the writer's PostgreSQL: give --database-url (or {settings.INDEXER_DATABASE_URL})"
        )
    with _connect(net) as connection:
        process = indexer_for(connection.w3, Registry(net.deployments), rpc_url(connection), cli_settings().home,
                              database_url=database_url)  # fmt: skip
    progress("starting a read-only replica (ponder serve)")
    replica = process.serve_replica(port)
    try:
        url = replica.url
        emit(net.as_json, {"url": url, "pid": replica.child.pid},
             f"replica at {url}\n  GraphQL {url}/graphql, SQL {url}/sql; Ctrl-C stops it")  # fmt: skip
        code = replica.child.wait()
        if code != 0:  # Ponder gave up (its database gone, say): say why, and exit non-zero
            raise IndexerError(f"the replica (ponder serve) exited with code {code}:\n{replica.child.output_tail()}")
    except KeyboardInterrupt:
        progress("stopping the replica")
    finally:
        replica.stop()


@indexer.command("stop")
@network_options
def stop(net: NetworkArgs) -> None:
    """Stop this chain's indexer (by its recorded PID). Its database stays: a restart resumes from it."""
    process = _process(net)
    pid = process.stop()
    click.echo(f"stopped the indexer (pid {pid})" if pid else "no indexer was running for this Catalog")


@indexer.command("status")
@network_options
def status(net: NetworkArgs) -> None:
    """Whether this chain's indexer runs, how far it got, and where it answers."""
    from dapp.indexer.reader import IndexerReader

    with _connect(net) as connection:
        process = _process(net, connection)
        info = process.running()
        head = int(connection.w3.eth.block_number)
        indexed, ready = -1, False
        if info is None:
            report = {"running": False, "folder": str(process.folder), "head": head}
        else:
            reader = IndexerReader(info.url)
            try:
                indexed, ready = reader.indexed_block(), reader.ready()
            except IndexerError:
                indexed, ready = -1, False
            report = {**info.to_json(), "running": True, "ready": ready, "indexedBlock": indexed, "head": head}
    if info is None:
        text = f"no indexer runs for this Catalog (chain head {head}); `dapp indexer start` starts one"
    else:
        behind = head - indexed
        sync = "caught up" if behind <= 0 and ready else f"{behind} blocks behind, syncing"
        text = f"indexer at {info.url} (pid {info.pid}): block {indexed} of {head}, {sync}"
    emit(net.as_json, report, text)


def _process(net: NetworkArgs, connection: Connection | None = None) -> IndexerProcess:
    from dapp.indexer.service import indexer_for
    from dapp.registry import Registry

    if connection is None:
        with _connect(net) as own:
            return indexer_for(own.w3, Registry(net.deployments), rpc_url(own), cli_settings().home)
    return indexer_for(connection.w3, Registry(net.deployments), rpc_url(connection), cli_settings().home)


def _connect(net: NetworkArgs) -> Connection:
    found = cli_settings()
    return connect(
        net.network,
        expected_chain_id=net.chain_id,
        home=found.home,
        node_binary=found.node_binary(net.network.kind),
        progress=progress,
    )
