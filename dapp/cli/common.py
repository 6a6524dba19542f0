"""What the chain commands share: the connection/account/registry session and amount parsing."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import click

from dapp._utils.validate import check_address
from dapp.accounts import KEYSTORE_PASSWORD_ENV, PRIVATE_KEY_ENV, use_account
from dapp.cli.options import NetworkArgs, TxArgs
from dapp.cli.output import progress, remember_transaction
from dapp.client import CatalogClient
from dapp.deploy import live_deployment, live_token
from dapp.exceptions import AccountError, DappValueError
from dapp.networks import Connection, connect
from dapp.registry import Registry
from dapp.tokens import ETH_TOKEN, Token
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

    def client(self, indexer: str | None = None) -> CatalogClient:
        """`indexer`: histories from that indexer once it passes its checks (a warning on stderr and the
        log scan otherwise)."""
        # The registered contract is checked by the client's first call, not by two extra round trips here.
        deployment, abi = live_deployment(self.w3, self.registry, check="on_use")
        return CatalogClient.from_deployment(
            self.w3, deployment, abi, account=self.account, verified=False, indexer=indexer,
            on_warning=lambda message: progress(f"warning: {message}"), **self.pipeline_options(),
        )  # fmt: skip

    def currency(self, client: CatalogClient, text: str | None) -> Token:
        """--currency: an address, ETH, or the symbol of the demo stablecoin registered on this chain."""
        if text is None or text.strip().upper() == "ETH":
            return ETH_TOKEN
        if text.strip().lower().startswith("0x"):  # meant as an address: a malformed one is said so, not looked up
            return client.token(check_address("--currency", text.strip()))
        return self.token_by_symbol(client, text.strip())

    def token_by_symbol(self, client: CatalogClient, symbol: str) -> Token:
        demo = live_token(self.w3, self.registry)
        if demo is not None:
            token = client.token(demo)
            if token.symbol.lower() == symbol.lower():
                return token
        raise DappValueError(
            f"no token {symbol!r} is known on this chain: pass --currency ADDRESS"
            + ("" if demo else " (no demo stablecoin is registered here; `dapp up` deploys one)")
        )

    def price(self, client: CatalogClient, text: str, currency: str | None) -> tuple[Token, int]:
        """--price as typed, in the currency it names or --currency gives: '0.02ether' and '1000' (wei)
        are ETH; '12.5tUSD' is the token with that symbol (--currency's, or the registered demo
        stablecoin's); '12.5' with --currency ADDRESS is in that token."""
        number, unit = split_amount(text)
        if currency is not None:
            token = self.currency(client, currency)
            if token.is_eth:
                return token, parse_amount(text)
            if unit and unit.lower() != token.symbol.lower():
                raise DappValueError(f"--price is in {unit} but --currency {token.address} is {token.symbol}")
            return token, token.parse(number)
        if unit is None or unit.lower() in _UNITS:
            return ETH_TOKEN, parse_amount(text)
        token = self.token_by_symbol(client, unit)
        return token, token.parse(number)


def announce(event: TxEvent) -> None:
    """Progress lines for a transaction; the hash comes first, before anything is sent (with a key) or as
    soon as the node has it (a dev node's unlocked account, which the node signs)."""
    remember_transaction(event.tx_hash)
    if event.kind is TxEventKind.SIGNED:
        nonce = f" (nonce {event.nonce})" if event.nonce is not None else ""
        progress(f"{event.label}: transaction {event.tx_hash}{nonce} signed, sending")
    elif event.kind is TxEventKind.SENT:
        progress(f"{event.label}: transaction {event.tx_hash} sent, waiting for it to be mined")


def ask_password() -> str:
    """The keystore password, typed at a terminal or piped in. Piped input that is empty is an error that
    says what to set (click's prompt would only say "Aborted!" and exit 1)."""
    if sys.stdin is not None and sys.stdin.isatty():
        return str(click.prompt("keystore password", hide_input=True))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise AccountError(f"the keystore needs a password and none was given: set {KEYSTORE_PASSWORD_ENV} or type it")
    return line.rstrip("\r\n")


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
                password_prompt=ask_password,
            )
        yield Session(connection, account, Registry(net.deployments), tx or TxArgs())
    finally:
        connection.close()


_AMOUNT = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)\s*([A-Za-z][A-Za-z0-9]*)?\s*$")


def split_amount(text: str) -> tuple[str, str | None]:
    """'12.5tUSD' -> ('12.5', 'tUSD'); '1000' -> ('1000', None)."""
    match = _AMOUNT.match(text)
    if match is None:
        raise DappValueError(f"not an amount: {text!r} (e.g. 0.02ether, 12.5tUSD, or 12.5 with --currency)")
    return match.group(1), match.group(2)


def parse_duration(text: str) -> int:
    """'604800', '7d', '48h', '30m', '90s' -> seconds."""
    raw = text.strip().lower()
    units = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
    scale = units.get(raw[-1:], 1) if raw else 1
    number = raw[:-1] if raw[-1:] in units else raw
    if not number.isdigit():
        raise DappValueError(f"not a duration: {text!r} (seconds, or e.g. 7d, 48h, 30m)")
    return int(number) * scale


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
