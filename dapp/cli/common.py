"""What the chain commands share: the connection/account/registry session and amount parsing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import click

from dapp.accounts import PRIVATE_KEY_ENV, use_account
from dapp.cli.options import NetworkArgs, TxArgs
from dapp.cli.output import progress, remember_transaction
from dapp.client import CatalogClient
from dapp.deploy import live_deployment
from dapp.exceptions import DappValueError
from dapp.networks import Connection, connect
from dapp.registry import Registry
from dapp.transactions import TxEvent, TxEventKind
from dapp.transactions.fees import FeeOverrides

_UNITS = {"wei": 0, "gwei": 9, "ether": 18, "eth": 18}


@dataclass
class Session:
    """A connected network, the signing account, the registry and the transaction options, for one command."""

    connection: Connection
    account: str | None
    registry: Registry
    tx: TxArgs

    @property
    def w3(self) -> Any:
        return self.connection.w3

    def pipeline_options(self) -> dict[str, Any]:
        """What every transaction of this command is sent with: the user's fees and timeout, and the hash
        printed the moment a transaction is signed."""
        fees = FeeOverrides(self.tx.max_fee, self.tx.priority_fee, self.tx.gas_limit)
        return {"fees": fees, "receipt_timeout": self.tx.timeout, "on_event": announce}

    def client(self) -> CatalogClient:
        # The registered contract is checked by the client's first call, not by two extra round trips here.
        deployment, abi = live_deployment(self.w3, self.registry, check="on_use")
        return CatalogClient.from_deployment(
            self.w3, deployment, abi, account=self.account, verified=False, **self.pipeline_options()
        )


def announce(event: TxEvent) -> None:
    """Progress lines for a transaction; the hash comes first, before anything is sent (with a key) or as
    soon as the node has it (a dev node's unlocked account, which the node signs)."""
    remember_transaction(event.tx_hash)
    if event.kind is TxEventKind.SIGNED:
        nonce = f" (nonce {event.nonce})" if event.nonce is not None else ""
        progress(f"{event.label}: transaction {event.tx_hash}{nonce} signed, sending")
    elif event.kind is TxEventKind.SENT:
        progress(f"{event.label}: transaction {event.tx_hash} sent, waiting for it to be mined")


@contextmanager
def session(net: NetworkArgs, *, need_account: bool = True, tx: TxArgs | None = None) -> Iterator[Session]:
    progress(f"connecting to {net.network.label}")
    connection = connect(net.network, expected_chain_id=net.chain_id, progress=progress)
    try:
        account = None
        if need_account or net.keystore or net.account_index is not None or os.environ.get(PRIVATE_KEY_ENV):
            account = use_account(
                connection.w3,
                keystore=net.keystore,
                index=net.account_index,
                password_prompt=lambda: click.prompt("keystore password", hide_input=True),
            )
        yield Session(connection, account, Registry(net.deployments), tx or TxArgs())
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
