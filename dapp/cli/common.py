"""What every `dapp` command shares: options, the connection/client context, value parsing, output."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from dapp.accounts import use_account
from dapp.cli.output import json_option, progress
from dapp.client import CatalogClient
from dapp.deploy import live_deployment
from dapp.exceptions import DappValueError
from dapp.networks import Connection, connect, parse_network
from dapp.registry import Registry
from dapp.types import OrderRef

F = TypeVar("F", bound=Callable[..., Any])

_UNITS = {"wei": 0, "gwei": 9, "ether": 18, "eth": 18}


@dataclass(frozen=True)
class NetworkArgs:
    """The options every chain command takes, gathered by `network_options`."""

    network: str | None
    account_index: int | None
    keystore: Path | None
    deployments: Path | None
    as_json: bool


def network_options(func: F) -> F:
    """--network, --account, --keystore, --deployments and --json, declared once for every command,
    and handed to it as one `net: NetworkArgs` argument."""

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
        return func(*args, net=NetworkArgs(network, account_index, keystore, deployments, as_json), **kwargs)

    options = [
        click.option(
            "--network",
            "-n",
            help="embedded, anvil, ganache, or an http(s):// RPC URL "
            "(default: $DAPP_NETWORK, $DAPP_RPC_URL, else anvil).",
        ),
        click.option("--account", "account_index", type=int, help="Unlocked dev-node account number (default 0)."),
        click.option(
            "--keystore",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Encrypted JSON keystore to sign with (password: $DAPP_KEYSTORE_PASSWORD or a prompt).",
        ),
        click.option(
            "--deployments",
            type=click.Path(file_okay=False, path_type=Path),
            envvar="DAPP_DEPLOYMENTS",
            help="Deployment registry folder (default ./deployments; env DAPP_DEPLOYMENTS).",
        ),
        json_option,
    ]
    wrapped: Any = command
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, wrapped)


@dataclass
class Session:
    """A connected network, the signing account and the registry, for one command."""

    connection: Connection
    account: str | None
    registry: Registry

    @property
    def w3(self) -> Any:
        return self.connection.w3

    def client(self) -> CatalogClient:
        deployment, abi = live_deployment(self.w3, self.registry)
        return CatalogClient.from_deployment(
            self.w3, deployment, abi, account=self.account, fixed_gas=self.connection.is_ganache
        )


@contextmanager
def session(net: NetworkArgs, *, need_account: bool = True) -> Iterator[Session]:
    progress(f"connecting to {parse_network(net.network).label}")
    connection = connect(net.network)
    try:
        account = None
        if need_account or net.keystore or net.account_index is not None:
            account = use_account(
                connection.w3,
                keystore=net.keystore,
                index=net.account_index,
                password_prompt=lambda: click.prompt("keystore password", hide_input=True),
            )
        yield Session(connection, account, Registry(net.deployments))
    finally:
        connection.close()


def parse_amount(text: str) -> int:
    """'10000' (wei), '0.02ether', '0.02 eth', '5gwei' -> wei. Fractions need a unit; nothing is rounded."""
    raw = text.strip().lower().replace(" ", "").replace("_", "")
    unit = next((u for u in sorted(_UNITS, key=len, reverse=True) if raw.endswith(u)), "wei")
    number = raw[: len(raw) - len(unit)] if raw.endswith(unit) else raw
    # Decimal's default 28 digits would round a 29-digit wei amount without a word.
    with localcontext(prec=120):
        try:
            value = Decimal(number) * (Decimal(10) ** _UNITS[unit])
        except InvalidOperation:
            raise DappValueError(f"not an amount: {text!r} (wei, or a number with ether/gwei: 0.02ether)") from None
        if not value.is_finite() or value != value.to_integral_value() or value < 0:
            raise DappValueError(f"amount {text!r} is not a whole, non-negative number of wei")
        return int(value)


def parse_order(text: str) -> OrderRef:
    """'7-2' (order 2 of product 7), the form `dapp buy` and `dapp orders` print."""
    product, sep, number = text.partition("-")
    if not sep or not product.isdigit() or not number.isdigit() or int(product) < 1 or int(number) < 1:
        raise DappValueError(f"not an order: {text!r} (expected PRODUCT-ORDER, e.g. 7-2)")
    return OrderRef(int(product), int(number))
