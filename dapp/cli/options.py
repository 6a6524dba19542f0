"""The options `dapp` commands share, declared once. Light on purpose: importing this module loads
neither web3 nor ipfshttpclient, so every command can use it and still start fast."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from dapp import settings
from dapp.cli.paramtypes import WEI
from dapp.settings import Settings

if TYPE_CHECKING:
    from dapp.networks import NetworkChoice

F = TypeVar("F", bound=Callable[..., Any])


def cli_settings() -> Settings:
    """The environment's settings (dapp.settings), read once per command line."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return settings.load()
    meta = ctx.find_root().meta
    if "dapp.settings" not in meta:
        meta["dapp.settings"] = settings.load()
    found: Settings = meta["dapp.settings"]
    return found


def from_settings(name: str) -> Callable[[], Any]:
    """An option's default: the setting `name` (an environment variable, read by dapp.settings)."""
    return lambda: getattr(cli_settings(), name)


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")

ipfs_api_option = click.option(
    "--ipfs-api",
    default=from_settings("ipfs_api"),
    metavar="MULTIADDR_OR_URL",
    help=f"Kubo RPC API to use, e.g. /ip4/127.0.0.1/tcp/5001 (env {settings.IPFS_API}). "
    f"Default: start our own offline Kubo on the repo in ${settings.IPFS_REPO} or .cache/ipfs.",
)

deployments_option = click.option(
    "--deployments",
    type=click.Path(file_okay=False, path_type=Path),
    default=from_settings("deployments"),
    show_default=False,
    help=f"Deployment registry folder (default ./deployments; env {settings.DEPLOYMENTS}).",
)


def _indexer_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from dapp._utils.validate import check_http_url
    from dapp.exceptions import DappValueError

    try:
        return check_http_url("--indexer", value) if value else None
    except DappValueError as exc:
        raise click.BadParameter(str(exc)) from None


indexer_option = click.option(
    "--indexer",
    metavar="URL",
    default=from_settings("indexer_url"),
    callback=_indexer_url,
    help=f"Our Ponder indexer of this Catalog (`dapp indexer start` prints it; env {settings.INDEXER_URL}): "
    "histories come from it once it proves it follows this chain and Catalog up to the head; "
    "otherwise, and without one, from the chain's logs.",
)


NETWORK_HELP = (
    f"embedded, anvil, ganache, or an http(s):// RPC URL (default: ${settings.NETWORK}, ${settings.RPC_URL}, "
    f"else {settings.DEFAULT_NETWORK})."
)


@dataclass(frozen=True)
class NetworkArgs:
    """The options every chain command takes, gathered by `network_options`; the network already parsed."""

    network: NetworkChoice
    account_index: int | None
    keystore: Path | None
    deployments: Path
    as_json: bool
    chain_id: int | None = None  # the chain expected (--chain-id / its setting); another is an error


@dataclass(frozen=True)
class TxArgs:
    """The options of commands that send a transaction, gathered by `tx_options` (amounts in wei)."""

    max_fee: int | None = None
    priority_fee: int | None = None
    gas_limit: int | None = None
    timeout: float = 120.0


def tx_options(func: F) -> F:
    """--max-fee, --priority-fee, --gas-limit and --timeout, handed to the command as `tx: TxArgs`."""

    @functools.wraps(func)
    def command(
        *args: Any, max_fee: int | None, priority_fee: int | None, gas_limit: int | None, timeout: float, **kwargs: Any
    ) -> Any:
        tx = TxArgs(max_fee=max_fee, priority_fee=priority_fee, gas_limit=gas_limit, timeout=timeout)
        return func(*args, tx=tx, **kwargs)

    options = [
        click.option(
            "--max-fee",
            type=WEI,
            metavar="AMOUNT",
            help="Most to pay per gas, e.g. 30gwei (default: 2 x base fee + tip).",
        ),
        click.option(
            "--priority-fee",
            type=WEI,
            metavar="AMOUNT",
            help="Tip per gas for the block producer (default: recent median).",
        ),
        click.option("--gas-limit", type=click.IntRange(21_000), help="Gas limit (default: the estimate + 20%)."),
        click.option(
            "--timeout",
            type=click.FloatRange(0, min_open=True),
            default=120.0,
            show_default=True,
            help="Seconds to wait for the receipt; the transaction stays in the journal after that.",
        ),
    ]
    wrapped: Any = command
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, wrapped)


def network_options(func: F) -> F:
    """--network, --chain-id, --account, --keystore, --deployments and --json, declared once for every command,
    and handed to it as one `net: NetworkArgs` argument (the network string parsed here, once)."""

    @functools.wraps(func)
    def command(
        *args: Any,
        network: str | None,
        chain_id: int | None,
        account_index: int | None,
        keystore: Path | None,
        deployments: Path,
        as_json: bool,
        **kwargs: Any,
    ) -> Any:
        from dapp.networks import parse_network

        found = cli_settings()
        choice = parse_network(network or found.network_choice)
        chain_id = chain_id if chain_id is not None else found.chain_id
        net = NetworkArgs(choice, account_index, keystore, deployments, as_json, chain_id)
        return func(*args, net=net, **kwargs)

    options = [
        click.option("--network", "-n", help=NETWORK_HELP),
        click.option(
            "--chain-id",
            type=click.IntRange(1),
            help=f"The chain you mean (env {settings.CHAIN_ID}): any other is refused before anything is sent.",
        ),
        click.option("--account", "account_index", type=int, help="Unlocked dev-node account number (default 0)."),
        click.option(
            "--keystore",
            type=click.Path(dir_okay=False, path_type=Path),
            help=f"Encrypted JSON keystore to sign with (password: ${settings.KEYSTORE_PASSWORD} or a prompt).",
        ),
        deployments_option,
        json_option,
    ]
    wrapped: Any = command
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, wrapped)
