"""eth_getLogs over long block ranges: ask in chunks, and halve a chunk when the provider refuses it.

Public RPC providers cap eth_getLogs by block range or by result count, each with its own error text
("block range too large", "query returned more than 10000 results", HTTP 413, ...). Rather than
parsing every dialect, any refusal the node answers with splits a multi-block range in two and tries
again; a refusal of a single block is a real error. A node that does not answer at all (connection
refused, timeout) is reported at once: splitting would only multiply the wait.
"""

from __future__ import annotations

from typing import Any

import requests
from web3 import Web3
from web3.types import FilterParams, LogReceipt

from dapp.exceptions import NetworkError

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
        if isinstance(exc, requests.RequestException) and not _is_refusal(exc):
            raise NetworkError(f"eth_getLogs got no answer: {exc}") from exc
        if start == end:
            raise NetworkError(f"eth_getLogs refused block {start}: {exc}") from exc
        middle = (start + end) // 2
        return _get_range(w3, address, topics, start, middle) + _get_range(w3, address, topics, middle + 1, end)


def _is_refusal(exc: requests.RequestException) -> bool:
    """An HTTP error status (e.g. 413, 400) is the node refusing the query; no response is not."""
    return isinstance(exc, requests.HTTPError) and exc.response is not None
