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
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from dapp._utils.files import write_atomic
from dapp.exceptions import ConfigError

KEEP_FINAL = 200  # settled entries kept per file; in-flight ones are never pruned


class TxState(StrEnum):
    SIGNED = "signed"  # written down; the send may or may not have reached the node
    SENT = "sent"  # the node has it (it answered with the hash, or we found it by hash)
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
    nonce: int
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
        data = asdict(self)
        data["state"] = str(self.state)
        for key in ("value", "max_fee", "priority_fee", "gas_price"):
            if data[key] is not None:
                data[key] = str(data[key])  # JSON readers lose precision above 2^53
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JournalEntry:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("value", "max_fee", "priority_fee", "gas_price"):
            if values.get(key) is not None:
                values[key] = int(values[key])
        values["state"] = TxState(values.get("state", "signed"))
        return cls(**values)


class Journal:
    """The journal of one (chain, account)."""

    def __init__(self, root: Path, chain_id: int, account: str) -> None:
        self.chain_id = chain_id
        self.account = account.lower()
        self.path = root / "journal" / str(chain_id) / f"{self.account}.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[JournalEntry]]:
        """Read-modify-write under an exclusive lock; the list yielded is written back."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                entries = self._read()
                before = list(entries)
                yield entries
                if entries != before:
                    write_atomic(self.path, _dump(_prune(entries)))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> list[JournalEntry]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        try:
            return [JournalEntry.from_json(item) for item in json.loads(text)["transactions"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"the transaction journal {self.path} is unreadable: {exc}") from None

    def entries(self) -> list[JournalEntry]:
        """Every entry, oldest first."""
        return self._read()

    def get(self, tx_hash: str) -> JournalEntry | None:
        wanted = tx_hash.lower()
        return next((e for e in self._read() if e.hash == wanted), None)

    def record(self, entry: JournalEntry) -> JournalEntry:
        """Add a new entry (or overwrite the one with the same hash)."""
        now = time.time()
        entry = replace(entry, hash=entry.hash.lower(), created_at=entry.created_at or now, updated_at=now)
        with self._locked() as entries:
            entries[:] = [e for e in entries if e.hash != entry.hash] + [entry]
        return entry

    def update(self, tx_hash: str, **changes: Any) -> JournalEntry | None:
        """Change fields of an entry; returns the new entry, or None if the hash is not in the journal."""
        wanted = tx_hash.lower()
        with self._locked() as entries:
            for i, entry in enumerate(entries):
                if entry.hash == wanted:
                    entries[i] = replace(entry, **changes, updated_at=time.time())
                    return entries[i]
        return None

    def in_flight(self) -> list[JournalEntry]:
        """Entries not known to be settled, lowest nonce first."""
        return sorted((e for e in self._read() if e.state.in_flight), key=lambda e: e.nonce)


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


def _prune(entries: list[JournalEntry]) -> list[JournalEntry]:
    settled = [e for e in entries if not e.state.in_flight]
    drop = {id(e) for e in settled[: max(0, len(settled) - KEEP_FINAL)]}
    return [e for e in entries if id(e) not in drop]


def _dump(entries: list[JournalEntry]) -> str:
    document = {
        "_comment": "transactions signed by dapp on this chain with this account; written before each send",
        "transactions": [e.to_json() for e in entries],
    }
    return json.dumps(document, indent=1) + "\n"
