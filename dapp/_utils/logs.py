"""eth_getLogs over long block ranges: ask in chunks, and halve a chunk when the provider says it is too
big.

Public RPC providers cap eth_getLogs by block range or by result count, each with its own error text
("block range is too wide", "query returned more than 10000 results", "exceed maximum block range",
"Log response size exceeded", HTTP 413, ...). Only such a range error splits a multi-block range in two;
anything else is reported at once: a 429 is not "too large" (splitting on it turned one request into 45);
the transport waits it out (dapp.rpc), and a node that does not answer is not asked twice as often.
"""

from __future__ import annotations

from typing import Any

import requests
from web3 import Web3
from web3.types import FilterParams, LogReceipt

from dapp.exceptions import DappError, NetworkError
from dapp.rpc import node_message

DEFAULT_CHUNK = 50_000


def get_logs(
    w3: Web3,
    address: str,
    topics: list[Any],
    from_block: int,
    to_block: int | None = None,
    chunk: int = DEFAULT_CHUNK,
) -> list[LogReceipt]:
    """All logs of `address` matching `topics` in [from_block, to_block], in chain order."""
    last = w3.eth.block_number if to_block is None else to_block
    logs: list[LogReceipt] = []
    start = from_block
    while start <= last:
        end = min(start + chunk - 1, last)
        logs.extend(_get_range(w3, address, topics, start, end))
        start = end + 1
    return logs


def _get_range(w3: Web3, address: str, topics: list[Any], start: int, end: int) -> list[LogReceipt]:
    params: FilterParams = {
        "address": Web3.to_checksum_address(address),
        "topics": topics,
        "fromBlock": start,
        "toBlock": end,
    }
    try:
        return list(w3.eth.get_logs(params))
    except Exception as exc:
        if not is_range_error(exc):
            if isinstance(exc, DappError):
                raise
            raise NetworkError(f"eth_getLogs failed: {node_message(exc) or exc}") from exc
        if start == end:
            raise NetworkError(f"eth_getLogs refused block {start}: {node_message(exc) or exc}") from exc
    middle = (start + end) // 2
    return _get_range(w3, address, topics, start, middle) + _get_range(w3, address, topics, middle + 1, end)


_RANGE_ERRORS = (
    "range", "too many", "too large", "too wide", "too big", "more than", "exceed", "limit", "max results",
    "response size", "timeout", "timed out",
)  # fmt: skip
# Quota and rate-limit answers share words with range errors ("limit exceeded"): they are never split.
_NOT_RANGE_ERRORS = (
    "rate", "too many requests", "per second", "capacity", "credit", "compute unit", "daily", "quota",
)  # fmt: skip


def is_range_error(exc: BaseException) -> bool:
    """The provider refuses this query as too big (range, result count or response size), as opposed
    to a rate limit, an outage or a malformed request."""
    status = getattr(exc, "status", None)
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        status = exc.response.status_code
    if status == 413:
        return True
    message = (node_message(exc) or "").lower()
    if not message or any(needle in message for needle in _NOT_RANGE_ERRORS):
        return False
    return any(needle in message for needle in _RANGE_ERRORS)
