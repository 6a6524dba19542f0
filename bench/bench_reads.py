"""Seconds to read 1,000 products through CatalogClient on a local anvil: the paginated view
(getProducts, a page per eth_call) against one getProduct call per id. Best of several runs."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from web3 import Web3

from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.networks import http_web3
from dapp.nodes import AnvilNode

RESULTS = Path(__file__).resolve().parent / "results" / "reads.json"
PRODUCTS = 1_000
RUNS = 5
GOAL_RATIO, GOAL_SECONDS = 20.0, 0.3


def seed(w3: Web3) -> CatalogClient:
    artifact = load_artifact()
    seller = w3.eth.accounts[1]
    tx = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode).constructor().transact({"from": seller})
    address = w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
    contract = w3.eth.contract(address=address, abi=artifact.abi)
    last = b""
    for i in range(PRODUCTS):  # setup only: send without waiting, explicit gas
        digest = (i + 1).to_bytes(32, "big")
        last = contract.functions.listProduct(10**15 + i, 100, 0, digest, i % 2).transact(
            {"from": seller, "gas": 200_000}
        )
    w3.eth.wait_for_transaction_receipt(last)
    return CatalogClient(w3, address, artifact.abi)


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    with AnvilNode() as node:
        client = seed(http_web3(node.url))
        assert client.product_count() == PRODUCTS
        assert client.products() == [client.product(i) for i in range(1, PRODUCTS + 1)]
        paginated = best(client.products)
        per_id = best(lambda: [client.product(i) for i in range(1, PRODUCTS + 1)])
    ratio = per_id / paginated
    result = {
        "chain": "anvil 1.7.1 on 127.0.0.1 (HTTP)",
        "products": PRODUCTS,
        "runs": RUNS,
        "pageSize": 250,
        "paginatedSeconds": round(paginated, 4),
        "perIdSeconds": round(per_id, 4),
        "ratio": round(ratio, 1),
        "goals": {"ratioAtLeast": GOAL_RATIO, "paginatedSecondsAtMost": GOAL_SECONDS},
        "meets": {"ratio": ratio >= GOAL_RATIO, "seconds": paginated <= GOAL_SECONDS},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"read {PRODUCTS} products (best of {RUNS})")
    verdict = "meets" if paginated <= GOAL_SECONDS else "MISSES"
    print(f"  paginated   {paginated:8.4f} s   goal <= {GOAL_SECONDS} s  {verdict}")
    print(f"  one per id  {per_id:8.4f} s")
    print(f"  ratio       {ratio:8.1f} x   goal >= {GOAL_RATIO:.0f}x  {'meets' if ratio >= GOAL_RATIO else 'MISSES'}")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
