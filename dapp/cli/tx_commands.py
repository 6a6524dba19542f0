"""`dapp tx`: the transactions this project signed, from the journal, and what the chain says of them.

dapp tx list              your account's transactions on this chain, in-flight ones asked about again
dapp tx status HASH       pending, mined, failed, dropped or replaced
dapp tx wait HASH         wait for it (e.g. after Ctrl-C or --timeout), then its outcome
dapp tx speedup HASH      the same transaction again, same nonce, higher fees
dapp tx cancel HASH       a 0-ETH transfer to yourself with its nonce, so it can never be mined
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import click

from dapp.cli.common import Session, session
from dapp.cli.options import NetworkArgs, TxArgs, cli_settings, network_options, tx_options
from dapp.cli.output import emit, format_wei, progress, table
from dapp.exceptions import DappValueError
from dapp.transactions import TransactionPipeline
from dapp.transactions.journal import Journal, JournalEntry, TxState, find_entry
from dapp.transactions.replace import replace_transaction
from dapp.transactions.status import entry_from_node, transaction_status


@click.group("tx")
def tx() -> None:
    """Transactions this project signed: list, status, wait, speedup, cancel."""


def _hash(text: str) -> str:
    value = text.strip().lower()
    if len(value) != 66 or not value.startswith("0x") or any(c not in "0123456789abcdef" for c in value[2:]):
        raise DappValueError(f"not a transaction hash: {text!r} (0x and 64 hex digits)")
    return value


def _pipeline(s: Session, sender: str) -> TransactionPipeline:
    """A pipeline for `sender`'s journal, naming reverts with the registered Catalog's errors if any."""
    errors = None
    with contextlib.suppress(Exception):  # no Catalog here: failures are named without its error names
        errors = s.client().errors
    options = s.pipeline_options()
    return TransactionPipeline(s.w3, sender, errors=errors, journal_root=cli_settings().home, **options)


def _entry(s: Session, tx_hash: str) -> tuple[Journal, JournalEntry]:
    """The journal's entry for the hash, else what the node knows of it (written to the journal)."""
    chain_id = s.connection.chain_id
    found = find_entry(cli_settings().home, chain_id, tx_hash)
    if found is not None:
        return found
    entry = entry_from_node(s.w3, tx_hash, chain_id)
    if entry is None:
        raise DappValueError(
            f"{tx_hash} is neither in this project's journal for chain {chain_id} ({cli_settings().home / 'journal'}) "
            "nor known to the node: was it sent on this network?"
        )
    journal = Journal(cli_settings().home, chain_id, entry.sender)
    return journal, journal.record(entry)


def _row(entry: JournalEntry) -> dict[str, Any]:
    return {
        "hash": entry.hash,
        "nonce": entry.nonce,
        "state": str(entry.state),
        "what": entry.label,
        "value": str(entry.value),
        "block": entry.block,
        "note": entry.note,
        "signedAt": datetime.fromtimestamp(entry.created_at, UTC).isoformat(timespec="seconds"),
        **({"replaces": entry.replaces} if entry.replaces else {}),
    }


def _refresh(s: Session, journal: Journal, entry: JournalEntry) -> JournalEntry:
    """Ask the node about an in-flight entry and write down what it says."""
    if not entry.state.in_flight:
        return entry
    status = transaction_status(s.w3, entry.hash, entry.sender, entry.nonce)
    if status.state is TxState.SENT:
        return journal.update(entry.hash, state=TxState.SENT, note=status.detail) or entry
    return journal.update(entry.hash, state=status.state, block=status.block, note=status.detail) or entry


@tx.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also the settled ones (default: the last 20).")
@network_options
def list_cmd(show_all: bool, net: NetworkArgs) -> None:
    """Your account's journalled transactions on this chain; in-flight ones are asked about again."""
    with session(net) as s:
        assert s.account is not None
        journal = Journal(cli_settings().home, s.connection.chain_id, s.account)
        entries = [_refresh(s, journal, e) for e in journal.entries()]
    shown = entries if show_all else entries[-20:]
    emit(
        net.as_json,
        [_row(e) for e in shown],
        lambda: (
            table(
                ["hash", "nonce", "state", "what", "value", "block"],
                [
                    [e.hash, "-" if e.nonce is None else e.nonce, e.state, e.label, format_wei(e.value), e.block or "-"]
                    for e in shown
                ],
            )
            if shown
            else "(no transactions in the journal)"
        ),
    )


@tx.command("status")
@click.argument("tx_hash", metavar="HASH")
@network_options
def status_cmd(tx_hash: str, net: NetworkArgs) -> None:
    """Where a journalled transaction is: pending, mined, failed, dropped or replaced."""
    wanted = _hash(tx_hash)
    with session(net, need_account=False) as s:
        journal, entry = _entry(s, wanted)
        entry = _refresh(s, journal, entry)
    emit(net.as_json, _row(entry), f"{entry.hash}: {entry.state} ({entry.label or 'not labelled'}) {entry.note}")


@tx.command("wait")
@click.argument("tx_hash", metavar="HASH")
@network_options
@tx_options
def wait_cmd(tx_hash: str, net: NetworkArgs, tx: TxArgs) -> None:
    """Wait for a journalled transaction's receipt; a failed one is named like any other."""
    wanted = _hash(tx_hash)
    with session(net, need_account=False, tx=tx) as s:
        _, entry = _entry(s, wanted)
        progress(f"waiting for {entry.hash} ({entry.label or 'not labelled'})")
        pipeline = _pipeline(s, entry.sender)
        mined = pipeline.outcome(pipeline.wait(entry))
    emit(
        net.as_json,
        {"hash": mined.tx.tx_hash, "block": mined.tx.block_number, "gasUsed": mined.tx.gas_used},
        f"{mined.tx.tx_hash} mined in block {mined.tx.block_number}",
    )


def _replace_command(name: str, cancel: bool, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("tx_hash", metavar="HASH")
    @click.option("--no-wait", is_flag=True, help="Send the replacement and return without waiting.")
    @network_options
    @tx_options
    def command(tx_hash: str, no_wait: bool, net: NetworkArgs, tx: TxArgs) -> None:
        wanted = _hash(tx_hash)
        with session(net, tx=tx) as s:
            assert s.account is not None
            pipeline = _pipeline(s, s.account)
            entry = replace_transaction(pipeline, wanted, cancel=cancel)
            block = None if no_wait else pipeline.outcome(pipeline.wait(entry)).tx.block_number
        verb = "cancelled by" if cancel else "replaced by"
        emit(
            net.as_json,
            {"replaced": wanted, "hash": entry.hash, "nonce": entry.nonce, "block": block},
            f"{wanted} {verb} {entry.hash} (nonce {entry.nonce})" + (f", mined in block {block}" if block else ""),
        )

    return command


speedup = _replace_command(
    "speedup", False, "Send a stuck transaction HASH again with the same nonce and higher fees (+12.5% at least)."
)
cancel = _replace_command(
    "cancel", True, "Replace a stuck transaction HASH by a 0-ETH transfer to yourself, so it is never mined."
)
tx.add_command(speedup)
tx.add_command(cancel)
