"""Nonces per (chain, account), handed out one sender at a time across threads and processes.

Two `dapp buy` commands with one key would otherwise read the same pending nonce and collide ("nonce too
low", "replacement transaction underpriced"). A reservation holds a thread lock and an exclusive file lock
(fcntl) from the moment the nonce is read until the send is settled (the node has the transaction, or
it certainly does not), so the next reader's `eth_getTransactionCount(pending)` already counts it.

The node's pending count is the source of truth; the journal corrects it where it lags. A journalled
transaction the node does not count (nonce >= pending) is asked for by hash: if the node has it, its
nonce stays taken; if not, it was dropped and its nonce is handed out again (otherwise every later
transaction would wait behind a gap forever).
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
from collections.abc import Iterator
from pathlib import Path

from web3 import Web3

from dapp.transactions.journal import Journal, JournalEntry, TxState
from dapp.transactions.status import find_transaction

_thread_locks: dict[Path, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _thread_locks_guard:
        return _thread_locks.setdefault(path, threading.Lock())


class NonceManager:
    """Hands out the nonces of one account on one chain; see the module docstring."""

    def __init__(self, w3: Web3, journal: Journal) -> None:
        self.w3 = w3
        self.journal = journal
        self.account = Web3.to_checksum_address(journal.account)
        self.lock_path = journal.path.with_suffix(".nonce.lock")

    @contextlib.contextmanager
    def reserve(self) -> Iterator[int]:
        """`with nonces.reserve() as nonce:` sign, journal and send inside the block; the next reservation,
        in this process or another, waits until the block is left."""
        with self.locked():
            yield self._next_nonce()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive use of this account's nonces (a replacement reuses a nonce it already has)."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with _thread_lock(self.lock_path), self.lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _next_nonce(self) -> int:
        nonce = int(self.w3.eth.get_transaction_count(self.account, "pending"))
        by_nonce: dict[int, list[JournalEntry]] = {}
        for entry in self.journal.in_flight():
            if entry.nonce is not None:
                by_nonce.setdefault(entry.nonce, []).append(entry)
        while nonce in by_nonce:
            # A speedup and the transaction it replaces share a nonce: taken if the node has either.
            unknown = [e for e in by_nonce[nonce] if find_transaction(self.w3, e.hash) is None]
            if len(unknown) < len(by_nonce[nonce]):
                nonce += 1  # the node has it but does not count it yet (a lagging backend)
                continue
            for entry in unknown:
                self.journal.update(
                    entry.hash, state=TxState.DROPPED, note=f"unknown to the node when nonce {nonce} was reused"
                )
            break
        return nonce
