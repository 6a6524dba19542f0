"""The options `dapp` commands share, declared once. Light on purpose: importing this module loads
neither web3 nor ipfshttpclient, so every command can use it and still start fast."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from dapp.ipfs import API_ENV, REPO_ENV

if TYPE_CHECKING:
    from dapp.networks import NetworkChoice

F = TypeVar("F", bound=Callable[..., Any])

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")

ipfs_api_option = click.option(
    "--ipfs-api",
    envvar=API_ENV,
    metavar="MULTIADDR_OR_URL",
    help=f"Kubo RPC API to use, e.g. /ip4/127.0.0.1/tcp/5001 (env {API_ENV}). "
    f"Default: start our own offline Kubo on the repo in ${REPO_ENV} or .cache/ipfs.",
)

deployments_option = click.option(
    "--deployments",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DAPP_DEPLOYMENTS",
    help="Deployment registry folder (default ./deployments; env DAPP_DEPLOYMENTS).",
)


def _indexer_default() -> str | None:
    from dapp import settings

    return settings.indexer_url()


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
    default=_indexer_default,
    callback=_indexer_url,
    help="Our Ponder indexer of this Catalog (`dapp indexer start` prints it; env DAPP_INDEXER_URL): "
    "histories come from it once it proves it follows this chain and Catalog up to the head; "
    "otherwise, and without one, from the chain's logs.",
)


NETWORK_HELP = "embedded, anvil, ganache, or an http(s):// RPC URL (default: $DAPP_NETWORK, $DAPP_RPC_URL, else anvil)."


@dataclass(frozen=True)
class NetworkArgs:
    """The options every chain command takes, gathered by `network_options`; the network already parsed."""

    network: NetworkChoice
    account_index: int | None
    keystore: Path | None
    deployments: Path | None
    as_json: bool
    chain_id: int | None = None  # the chain expected (--chain-id / $DAPP_CHAIN_ID); another is an error


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
        *args: Any, max_fee: str | None, priority_fee: str | None, gas_limit: int | None, timeout: float, **kwargs: Any
    ) -> Any:
        from dapp.cli.common import parse_amount

        tx = TxArgs(
            max_fee=parse_amount(max_fee) if max_fee is not None else None,
            priority_fee=parse_amount(priority_fee) if priority_fee is not None else None,
            gas_limit=gas_limit,
            timeout=timeout,
        )
        return func(*args, tx=tx, **kwargs)

    options = [
        click.option(
            "--max-fee", metavar="AMOUNT", help="Most to pay per gas, e.g. 30gwei (default: 2 x base fee + tip)."
        ),
        click.option(
            "--priority-fee", metavar="AMOUNT", help="Tip per gas for the block producer (default: recent median)."
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
        deployments: Path | None,
        as_json: bool,
        **kwargs: Any,
    ) -> Any:
        from dapp.networks import parse_network

        net = NetworkArgs(parse_network(network), account_index, keystore, deployments, as_json, chain_id)
        return func(*args, net=net, **kwargs)

    options = [
        click.option("--network", "-n", help=NETWORK_HELP),
        click.option(
            "--chain-id",
            type=click.IntRange(1),
            envvar="DAPP_CHAIN_ID",
            help="The chain you mean (env DAPP_CHAIN_ID): any other is refused before anything is sent.",
        ),
        click.option("--account", "account_index", type=int, help="Unlocked dev-node account number (default 0)."),
        click.option(
            "--keystore",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Encrypted JSON keystore to sign with (password: $DAPP_KEYSTORE_PASSWORD or a prompt).",
        ),
        deployments_option,
        json_option,
    ]
    wrapped: Any = command
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, wrapped)
