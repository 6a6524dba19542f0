"""The indexer of the registered Catalog on a connected chain: which one, start it, follow its progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from web3 import Web3

from dapp.exceptions import IndexerError
from dapp.indexer.process import IndexerProcess, IndexerTarget, log_tail
from dapp.indexer.reader import IndexerReader
from dapp.liveness import live_deployment
from dapp.registry import Registry

PROGRESS_EVERY = 5.0  # seconds between progress lines while waiting for the first sync


def indexer_for(
    w3: Web3,
    registry: Registry,
    rpc_url: str,
    state_dir: Path,
    *,
    gateway_url: str | None = None,
    database_url: str | None = None,
    polling_interval_ms: int = 1000,
    get_logs_block_range: int | None = None,
    rpc_timeout_ms: int | None = None,
) -> IndexerProcess:
    """The indexer process of the Catalog registered for this chain (its registry entry checked live).
    `get_logs_block_range`: the most blocks one eth_getLogs asks for (None: Ponder learns the provider's cap);
    `rpc_timeout_ms`: how long Ponder waits for one RPC answer (None: its 10 s)."""
    deployment, abi = live_deployment(w3, registry)
    target = IndexerTarget(
        chain_id=deployment.chain_id,
        genesis_hash=deployment.genesis_hash,
        address=deployment.address,
        start_block=deployment.deployed_on_block,
        abi=abi,
        rpc_url=rpc_url,
        gateway_url=gateway_url,
        polling_interval_ms=polling_interval_ms,
        get_logs_block_range=get_logs_block_range,
        rpc_timeout_ms=rpc_timeout_ms,
    )
    return IndexerProcess(state_dir, target, database_url=database_url)


def wait_synced(
    process: IndexerProcess,
    url: str,
    w3: Web3,
    timeout: float,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Wait until Ponder's /ready answers 200 and it has reached the chain's head; returns the block.
    Prints the indexed block against the head every few seconds."""
    reader = IndexerReader(url)
    deadline = time.monotonic() + timeout
    last_report = 0.0
    indexed = -1
    while True:
        head = int(w3.eth.block_number)
        try:
            indexed = reader.indexed_block()
            if indexed >= head and reader.ready():
                return indexed
        except IndexerError:
            # Busy with a large backfill, Ponder can leave /status unanswered for longer than a request
            # waits (seen with 100,000 events here): it still runs (checked below), so ask again.
            pass
        now = time.monotonic()
        if process.running() is None:
            raise IndexerError(f"the indexer stopped before it caught up:\n{log_tail(process.log_path)}")
        if now > deadline:
            raise IndexerError(
                f"the indexer had not caught up within {timeout:g} s (block {indexed} of {head}); "
                f"it keeps running: `dapp indexer status` follows it (log {process.log_path})"
            )
        if progress is not None and now - last_report >= PROGRESS_EVERY:
            start = process.target.start_block
            done = max(indexed - start, 0) / max(head - start, 1)
            progress(f"indexing: block {max(indexed, 0)} of {head} ({done:.0%})")
            last_report = now
        time.sleep(0.2)
