"""What the chain commands share: the connection/account/registry session and amount parsing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import click

from dapp.accounts import use_account
from dapp.cli.options import NetworkArgs
from dapp.cli.output import progress
from dapp.client import CatalogClient
from dapp.deploy import live_deployment
from dapp.exceptions import DappValueError
from dapp.networks import Connection, connect
from dapp.registry import Registry

_UNITS = {"wei": 0, "gwei": 9, "ether": 18, "eth": 18}


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
        return CatalogClient.from_deployment(self.w3, deployment, abi, account=self.account)


@contextmanager
def session(net: NetworkArgs, *, need_account: bool = True) -> Iterator[Session]:
    progress(f"connecting to {net.network.label}")
    connection = connect(net.network, progress=progress)
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
