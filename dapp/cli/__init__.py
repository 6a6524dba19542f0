"""The `dapp` command line: a click group of thin commands that parse, call the library and print.

Any DappError becomes one line on stderr, `ERROR: (Type) message`, and exit code 2, with no traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from dapp.exceptions import ContractRevert, DappError


class DappCliError(click.ClickException):
    exit_code = 2

    def __init__(self, error: DappError) -> None:
        message = str(error)
        if isinstance(error, ContractRevert):
            from dapp.cli.explain import explain

            message = explain(error) or message
        from dapp.cli.output import announced_transactions

        sent = announced_transactions()
        if sent and sent[-1] not in message:  # e.g. the RPC failed while waiting: the hash is what matters
            message += f" (transaction {sent[-1]}: `dapp tx status {sent[-1]}`)"
        super().__init__(message)
        self.error = error

    def format_message(self) -> str:
        return f"({type(self.error).__name__}) {self.message}"

    def show(self, file: Any = None) -> None:
        click.echo(f"ERROR: {self.format_message()}", err=True)


class DappGroup(click.Group):
    """Imports a command's module only when that command runs, so `dapp cid` never loads web3."""

    LAZY = {
        "compile": "dapp.cli.dev_commands:compile_cmd",
        "deploy": "dapp.cli.dev_commands:deploy",
        "status": "dapp.cli.dev_commands:status",
        "node": "dapp.cli.dev_commands:node",
        "up": "dapp.cli.dev_commands:up",
        "indexer": "dapp.cli.indexer_commands:indexer",
        "list-product": "dapp.cli.store_commands:list_product",
        "products": "dapp.cli.store_commands:products",
        "product": "dapp.cli.store_commands:product",
        "buy": "dapp.cli.store_commands:buy",
        "orders": "dapp.cli.store_commands:orders",
        "ship": "dapp.cli.store_commands:ship",
        "cancel": "dapp.cli.store_commands:cancel",
        "dispute": "dapp.cli.store_commands:dispute",
        "resolve": "dapp.cli.store_commands:resolve",
        "confirm": "dapp.cli.store_commands:confirm",
        "release": "dapp.cli.store_commands:release",
        "refund": "dapp.cli.store_commands:refund",
        "review": "dapp.cli.store_commands:review",
        "withdraw": "dapp.cli.store_commands:withdraw",
        "settle": "dapp.cli.settle_commands:settle",
        "profile": "dapp.cli.profile_commands:profile",
        "tx": "dapp.cli.tx_commands:tx",
        "publish": "dapp.cli.ipfs_commands:publish",
        "cid": "dapp.cli.ipfs_commands:cid",
        "car": "dapp.cli.ipfs_commands:car",
        "page": "dapp.cli.page_commands:page",
        "verify-page": "dapp.cli.page_commands:verify_page_cmd",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.LAZY)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.LAZY.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DappError as exc:
            raise DappCliError(exc) from exc
        except KeyboardInterrupt:
            # A transaction already signed is in the journal and may be mined: say which, never just "Aborted!".
            from dapp.cli.output import announced_transactions

            sent = announced_transactions()
            if not sent:
                raise
            click.echo(
                f"interrupted: transaction {sent[-1]} may still be mined: `dapp tx wait {sent[-1]}` follows it",
                err=True,
            )
            ctx.exit(130)


@click.group(cls=DappGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ownerless-store", prog_name="dapp")
def main() -> None:
    """An ownerless store: the Catalog contract, its client, and the shop on IPFS."""
