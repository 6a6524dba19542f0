"""Purchases per second under load: the load of tests/test_load.py (tests/support/load.py) on a fresh anvil
mining a block every 0.25 s. 20 dev accounts place 2,000 purchases at once through CatalogClient, each
with its own connection, while one private-key account places 500 from 4 threads through one shared
client; six products by three sellers, ETH and TestUSD (permits), three of them selling out.

One run: the figure is bound by this process's CPU (every purchase is 4-9 JSON-RPC requests and its
receipt polls, through web3.py, under one GIL), so the machine's load average at the start is recorded.

Writes bench/results/load.json: purchases sent, mined, failed (sold out), lost, seconds, purchases/s.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from dapp.nodes import REPO_ROOT, AnvilNode

sys.path.insert(0, str(REPO_ROOT))
from tests.support.load import BLOCK_TIME, BUYERS, DEV_ACCOUNTS, KEYED_PURCHASES, KEYED_THREADS, account_for, run_load

RESULTS = Path(__file__).resolve().parent / "results" / "load.json"


def main() -> int:
    load_average = os.getloadavg()[0]
    with (
        tempfile.TemporaryDirectory() as state,
        AnvilNode(block_time=BLOCK_TIME, extra_args=["--accounts", str(DEV_ACCOUNTS)]) as node,
    ):
        run = run_load(node.url, Path(state))
        books = account_for(run)
    blocks = Counter(int(r["blockNumber"]) for r in run.receipts.values() if r is not None)
    rate = len(books.mined) / run.seconds
    result = {
        "chain": f"anvil 1.7.1 on 127.0.0.1 (HTTP), a block every {BLOCK_TIME} s",
        "accounts": BUYERS + 1,
        "keyedAccount": {"purchases": KEYED_PURCHASES, "threads": KEYED_THREADS, "sharedClient": True},
        "sent": len(run.attempts),
        "mined": len(books.mined),
        "failed": len(books.failed),
        "lost": len(books.lost),
        "seconds": round(run.seconds, 1),
        "purchasesPerSecond": round(rate, 1),
        "blocks": len(blocks),
        "mostTransactionsInABlock": max(blocks.values()),
        "cpus": os.cpu_count(),
        "loadAverageAtStart": round(load_average, 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    keyed = f"{KEYED_PURCHASES} by one key, {KEYED_THREADS} threads"
    print(f"{len(run.attempts)} purchases by {BUYERS + 1} accounts at once ({keyed})")
    print(f"  mined {len(books.mined)}, failed (sold out) {len(books.failed)}, lost {len(books.lost)}")
    machine = f"load average {load_average:.1f} on {os.cpu_count()} cores"
    print(f"  {run.seconds:.1f} s, {rate:.1f} purchases/s, {len(blocks)} blocks ({machine})")
    print(f"wrote {RESULTS}")
    return 1 if books.lost else 0


if __name__ == "__main__":
    sys.exit(main())
