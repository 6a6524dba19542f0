"""The `dapp` command line: a click group of thin commands that parse, call the library and print.

Any DappError becomes one line on stderr, `ERROR: (Type) message`, and exit code 2, with no traceback.
"""

from __future__ import annotations

from typing import Any

import click

from dapp.exceptions import DappError


class DappCliError(click.ClickException):
    exit_code = 2

    def __init__(self, error: DappError) -> None:
        super().__init__(str(error))
        self.error = error

    def format_message(self) -> str:
        return f"({type(self.error).__name__}) {self.message}"

    def show(self, file: Any = None) -> None:
        click.echo(f"ERROR: {self.format_message()}", err=True)


class DappGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DappError as exc:
            raise DappCliError(exc) from exc


@click.group(cls=DappGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ownerless-store", prog_name="dapp")
def main() -> None:
    """An ownerless store: the Catalog contract, its client, and the shop on IPFS."""


def _register() -> None:
    from dapp.cli import dev_commands, store_commands

    for command in [*dev_commands.COMMANDS, *store_commands.COMMANDS]:
        main.add_command(command)
    try:
        from dapp.cli import ipfs_commands  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # the IPFS commands land separately
        return
    for name in ("publish", "cid", "car"):
        if hasattr(ipfs_commands, name):
            main.add_command(getattr(ipfs_commands, name))


_register()
