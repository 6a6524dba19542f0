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

NETWORK_HELP = "embedded, anvil, ganache, or an http(s):// RPC URL (default: $DAPP_NETWORK, $DAPP_RPC_URL, else anvil)."


@dataclass(frozen=True)
class NetworkArgs:
    """The options every chain command takes, gathered by `network_options`; the network already parsed."""

    network: NetworkChoice
    account_index: int | None
    keystore: Path | None
    deployments: Path | None
    as_json: bool


def network_options(func: F) -> F:
    """--network, --account, --keystore, --deployments and --json, declared once for every command,
    and handed to it as one `net: NetworkArgs` argument (the network string parsed here, once)."""

    @functools.wraps(func)
    def command(
        *args: Any,
        network: str | None,
        account_index: int | None,
        keystore: Path | None,
        deployments: Path | None,
        as_json: bool,
        **kwargs: Any,
    ) -> Any:
        from dapp.networks import parse_network

        net = NetworkArgs(parse_network(network), account_index, keystore, deployments, as_json)
        return func(*args, net=net, **kwargs)

    options = [
        click.option("--network", "-n", help=NETWORK_HELP),
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
