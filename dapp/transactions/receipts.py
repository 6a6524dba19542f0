"""Wait for a receipt at the chain's pace, and notice when there will never be one.

The old loop polled every 50 ms: 60 requests a block on a 3-s chain, most of a free plan's rate limit.
Here the first poll goes out at once (a dev node that mines on demand has the receipt already); if it
misses, the block time is measured from two block headers and polls come every half block (between
0.05 and 6 s). Every few polls, with a growing gap, the node is asked whether it still has the
transaction: a dropped or replaced one raises at once instead of waiting out the timeout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3
from web3.types import TxReceipt

from dapp._utils.files import write_atomic
from dapp.exceptions import ReceiptTimeout, TransactionDroppedError, TransactionReplacedError
from dapp.transactions.journal import TxState
from dapp.transactions.status import TxStatus, find_receipt, find_transaction, gone_status, transaction_status

MIN_INTERVAL, MAX_INTERVAL = 0.05, 6.0
UNKNOWN_BLOCK_TIME_INTERVAL = 1.0
BLOCK_SAMPLE = 10  # blocks between the two headers the block time is measured over
FIRST_PRESENCE_CHECK = 6  # polls (three block times) before the first "does the node still have it?"
PACE_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class WaitTarget:
    """The transaction waited for: its hash, and the sender and nonce that tell dropped from replaced."""

    tx_hash: str
    sender: str
    nonce: int | None  # None: not known yet (the node numbered it); learnt from the node when it shows


def block_time(w3: Web3, sample: int = BLOCK_SAMPLE) -> float | None:
    """Average seconds per block over the last `sample` blocks (two header requests), None on a new chain."""
    latest = w3.eth.get_block("latest")
    number = int(latest["number"])
    if number == 0:
        return None
    earlier = w3.eth.get_block(max(0, number - sample))
    return (int(latest["timestamp"]) - int(earlier["timestamp"])) / (number - int(earlier["number"]))


def poll_interval(seconds_per_block: float | None) -> float:
    if seconds_per_block is None:
        return UNKNOWN_BLOCK_TIME_INTERVAL
    return min(max(seconds_per_block / 2, MIN_INTERVAL), MAX_INTERVAL)


class Pacer:
    """The poll interval for one chain: fixed, or measured from the block time the first time a poll
    misses. With a `cache` file the measurement is shared by later commands for an hour (two header
    requests saved per command)."""

    def __init__(self, w3: Web3, fixed: float | None = None, cache: Path | None = None) -> None:
        self.w3 = w3
        self.cache = cache
        self._interval = fixed

    def interval(self) -> float:
        if self._interval is None:
            self._interval = self._cached()
        if self._interval is None:
            self._interval = poll_interval(block_time(self.w3))
            if self.cache is not None:
                write_atomic(self.cache, json.dumps({"interval": self._interval, "at": time.time()}), durable=False)
        return self._interval

    def _cached(self) -> float | None:
        if self.cache is None:
            return None
        try:
            saved = json.loads(self.cache.read_text())
            interval, at = float(saved["interval"]), float(saved["at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return interval if 0 <= time.time() - at < PACE_CACHE_SECONDS else None


def wait_for_receipt(
    w3: Web3,
    target: WaitTarget,
    *,
    timeout: float,
    pacer: Pacer | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> TxReceipt:
    """The receipt, or TransactionDroppedError / TransactionReplacedError as soon as that is known, or
    ReceiptTimeout (still pending) after `timeout` seconds."""
    deadline = clock() + timeout
    receipt = find_receipt(w3, target.tx_hash)
    if receipt is not None:
        return receipt
    interval = (pacer or Pacer(w3)).interval()
    polls, next_check = 0, FIRST_PRESENCE_CHECK
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            status = transaction_status(w3, target.tx_hash, target.sender, target.nonce)
            if status.receipt is not None:
                return status.receipt
            _raise_if_gone(status)
            raise ReceiptTimeout(
                f"no receipt within {timeout:g} s; still pending ({status.detail}): "
                f"`dapp tx wait {target.tx_hash}` keeps waiting, `dapp tx speedup {target.tx_hash}` outbids it",
                target.tx_hash,
            )
        sleep(min(interval, remaining))
        receipt = find_receipt(w3, target.tx_hash)
        if receipt is not None:
            return receipt
        polls += 1
        if polls == next_check:
            next_check *= 2
            seen = find_transaction(w3, target.tx_hash)
            if seen is not None and target.nonce is None:
                target = WaitTarget(target.tx_hash, target.sender, int(seen["nonce"]))
            if seen is None:
                status = gone_status(w3, target.tx_hash, target.sender, target.nonce)
                if status.receipt is not None:
                    return status.receipt
                _raise_if_gone(status)


def _raise_if_gone(status: TxStatus) -> None:
    if status.state is TxState.DROPPED:
        raise TransactionDroppedError(
            f"dropped by the node ({status.detail}): nothing was spent, sending again is safe; "
            f"`dapp tx status {status.tx_hash}` asks the node again",
            status.tx_hash,
        )
    if status.state is TxState.REPLACED:
        raise TransactionReplacedError(f"will never be mined: {status.detail}", status.tx_hash)
