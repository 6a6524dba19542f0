"""The journal: every transaction we sign, written down before it is sent.

One JSON file per (chain id, account) under `<state dir>/journal/<chainId>/<account>.json`. An entry is
written when the transaction is signed, before `eth_sendRawTransaction`, so a crash, a Ctrl-C or an HTTP
error at any later point leaves its hash, nonce and raw bytes on disk: `dapp tx status|wait|list` pick it
up, and the nonce manager sees the nonce as taken. Writes are atomic (temp file + rename) under an
exclusive file lock, so concurrent processes never lose each other's entries.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from dapp._utils.files import write_atomic
from dapp.exceptions import ConfigError

KEEP_FINAL = 100  # settled entries kept per file; in-flight ones are never pruned


class TxState(StrEnum):
    SIGNED = "signed"  # written down before the send; in flight until its outcome is written
    SENT = "sent"  # the node has it (a node-signed transaction, or one found by hash later)
    MINED = "mined"  # included, status 1
    FAILED = "failed"  # included, status 0
    DROPPED = "dropped"  # gone from the pool, never mined, nonce still free
    REPLACED = "replaced"  # its nonce was used by another transaction
    NOT_SENT = "not_sent"  # the node refused it

    @property
    def in_flight(self) -> bool:
        return self in (TxState.SIGNED, TxState.SENT)


@dataclass(frozen=True)
class JournalEntry:
    """A signed transaction and what we know of its fate. Amounts are wei; `data` and `raw` are 0x-hex."""

    hash: str
    chain_id: int
    sender: str
    nonce: int | None  # None: a dev node numbered it (its unlocked account) and we never needed to know
    to: str | None
    value: int
    data: str
    gas: int
    max_fee: int | None  # EIP-1559; None for a legacy (gas price) transaction
    priority_fee: int | None
    gas_price: int | None
    label: str  # what it does, e.g. "buy(1, 2, 10000000000000000)"
    raw: str | None  # the signed bytes (None when the node signed): re-broadcast sends exactly these
    state: TxState = TxState.SIGNED
    block: int | None = None
    replaces: str | None = None  # the hash this speedup/cancel replaces
    note: str = ""  # why it ended as it did, in one line
    created_at: float = 0.0
    updated_at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _FIELD_ORDER}  # not asdict(): it deep-copies, 20x slower
        data["state"] = str(self.state)
        for key in ("value", "max_fee", "priority_fee", "gas_price"):
            if data[key] is not None:
                data[key] = str(data[key])  # JSON readers lose precision above 2^53
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JournalEntry:
        values = {k: v for k, v in data.items() if k in _FIELDS}
        for key in ("value", "max_fee", "priority_fee", "gas_price"):
            if values.get(key) is not None:
                values[key] = int(values[key])
        values["state"] = TxState(values.get("state", "signed"))
        return cls(**values)


_FIELD_ORDER = tuple(f.name for f in fields(JournalEntry))
_FIELDS = frozenset(_FIELD_ORDER)


class Journal:
    """The journal of one (chain, account)."""

    def __init__(self, root: Path, chain_id: int, account: str) -> None:
        self.chain_id = chain_id
        self.account = account.lower()
        self.path = root / "journal" / str(chain_id) / f"{self.account}.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[dict[str, Any]]]:
        """Read-modify-write under an exclusive lock; the rows yielded are written back if changed.

        Rows stay plain JSON objects: a write costs one json.loads and one json.dumps (about 1 ms for a
        full journal here), not a dataclass round trip per entry."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                rows = self._rows()
                before = list(rows)
                yield rows
                if rows != before:
                    # No fsync: the file must outlive this process (a crash, Ctrl-C), which the rename
                    # gives; an fsync per write cost 6 ms here, three per transaction.
                    write_atomic(self.path, _dump(_prune(rows)), durable=False)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _rows(self) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        try:
            rows = json.loads(text)["transactions"]
            if not isinstance(rows, list) or not all(isinstance(r, dict) and "hash" in r for r in rows):
                raise ValueError("each transaction must be an object with a hash")
            return rows
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"the transaction journal {self.path} is unreadable: {exc}") from None

    def _read(self) -> list[JournalEntry]:
        try:
            return [JournalEntry.from_json(row) for row in self._rows()]
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"the transaction journal {self.path} is unreadable: {exc}") from None

    def entries(self) -> list[JournalEntry]:
        """Every entry, oldest first."""
        return self._read()

    def get(self, tx_hash: str) -> JournalEntry | None:
        wanted = tx_hash.lower()
        row = next((r for r in self._rows() if r["hash"] == wanted), None)
        return JournalEntry.from_json(row) if row is not None else None

    def record(self, entry: JournalEntry) -> JournalEntry:
        """Add a new entry (or overwrite the one with the same hash)."""
        now = time.time()
        entry = replace(entry, hash=entry.hash.lower(), created_at=entry.created_at or now, updated_at=now)
        with self._locked() as rows:
            rows[:] = [r for r in rows if r["hash"] != entry.hash] + [entry.to_json()]
        return entry

    def update(self, tx_hash: str, **changes: Any) -> JournalEntry | None:
        """Change fields of an entry; returns the new entry, or None if the hash is not in the journal."""
        wanted = tx_hash.lower()
        with self._locked() as rows:
            for i, row in enumerate(rows):
                if row["hash"] == wanted:
                    entry = replace(JournalEntry.from_json(row), **changes, updated_at=time.time())
                    rows[i] = entry.to_json()
                    return entry
        return None

    def in_flight(self) -> list[JournalEntry]:
        """Entries not known to be settled, lowest nonce first."""
        rows = [r for r in self._rows() if TxState(r.get("state", "signed")).in_flight]
        return sorted((JournalEntry.from_json(r) for r in rows), key=lambda e: -1 if e.nonce is None else e.nonce)


def journals(root: Path, chain_id: int) -> list[Journal]:
    """The journal of every account that has one on this chain."""
    folder = root / "journal" / str(chain_id)
    return [Journal(root, chain_id, path.stem) for path in sorted(folder.glob("*.json"))]


def find_entry(root: Path, chain_id: int, tx_hash: str) -> tuple[Journal, JournalEntry] | None:
    """The journal entry with this hash on this chain, whichever account sent it."""
    for journal in journals(root, chain_id):
        entry = journal.get(tx_hash)
        if entry is not None:
            return journal, entry
    return None


def _prune(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    settled = [r for r in rows if not TxState(r.get("state", "signed")).in_flight]
    drop = {id(r) for r in settled[: max(0, len(settled) - KEEP_FINAL)]}
    return [r for r in rows if id(r) not in drop]


_COMMENT = json.dumps("transactions signed by dapp on this chain with this account; written before each send")


def _dump(rows: list[dict[str, Any]]) -> str:
    """One entry per line: readable, and written by json's C encoder (indent= falls back to pure Python)."""
    body = ",\n".join(json.dumps(row) for row in rows)
    return f'{{"_comment": {_COMMENT},\n"transactions": [\n{body}\n]}}\n'
