"""What the chain commands share: the connection, account, registry and transaction options of one command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click

from dapp import settings
from dapp._utils.validate import check_address
from dapp.accounts import use_account
from dapp.cli.options import NetworkArgs, TxArgs, cli_settings
from dapp.cli.output import progress, remember_transaction
from dapp.cli.paramtypes import UNITS, parse_amount, split_amount
from dapp.client import CatalogClient
from dapp.exceptions import AccountError, DappValueError
from dapp.liveness import live_deployment, live_token
from dapp.networks import Connection, connect
from dapp.registry import Registry
from dapp.tokens import ETH_TOKEN, Token
from dapp.transactions import TxEvent, TxEventKind
from dapp.transactions.fees import FeeOverrides


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
        if unit is None or unit.lower() in UNITS:
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
        variable = settings.KEYSTORE_PASSWORD
        raise AccountError(f"the keystore needs a password and none was given: set {variable} or type it")
    return line.rstrip("\r\n")


@contextmanager
def session(net: NetworkArgs, *, need_account: bool = True, tx: TxArgs | None = None) -> Iterator[Session]:
    progress(f"connecting to {net.network.label}")
    found = cli_settings()
    connection = connect(
        net.network,
        expected_chain_id=net.chain_id,
        home=found.home,
        node_binary=found.node_binary(net.network.kind),
        progress=progress,
    )
    try:
        account = None
        if need_account or net.keystore or net.account_index is not None or found.private_key:
            account = use_account(
                connection.w3,
                private_key=found.private_key,
                keystore=net.keystore,
                password=found.keystore_password,
                index=net.account_index,
                password_prompt=ask_password,
            )
        yield Session(connection, account, Registry(net.deployments), tx or TxArgs())
    finally:
        connection.close()
