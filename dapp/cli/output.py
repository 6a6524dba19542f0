"""Output for every `dapp` command: JSON or text on stdout, progress on stderr, small tables.

Kept free of web3 imports so the IPFS commands (`dapp cid` must answer in well under a second) start fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import click

_announced: list[str] = []


def remember_transaction(tx_hash: str) -> None:
    """A transaction this command signed: named again if the command is interrupted or fails later."""
    if tx_hash not in _announced:
        _announced.append(tx_hash)


def announced_transactions() -> list[str]:
    return list(_announced)


def progress(message: str) -> None:
    """Progress goes to stderr so --json output on stdout stays clean."""
    click.echo(f"… {message}", err=True)


def echo_err(message: str) -> None:
    """A statement the user must read (e.g. buyer protection) that is not a result: stderr, unprefixed."""
    click.echo(message, err=True)


def emit(as_json: bool, data: Any, text: str | Callable[[], str]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(text() if callable(text) else text)


def format_wei(wei: int) -> str:
    if wei == 0:
        return "0 ETH"
    ether = Decimal(wei) / Decimal(10**18)
    return f"{ether.normalize():f} ETH"


def format_duration(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
