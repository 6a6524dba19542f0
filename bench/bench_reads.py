"""Seconds to read 1,000 products through CatalogClient on a local anvil: the paginated view
(getProducts, a page per eth_call) against one getProduct call per id. Best of several runs.

Also `client_overhead`: 100 purchases through `CatalogClient.buy` (which reads the price, simulates,
sends and waits) against 100 bare web3.py `transact()` + `wait_for_transaction_receipt` calls on a
plain `Web3(HTTPProvider)`, on one anvil; rounds alternate between the two, best round of each counts.
The JSON-RPC requests one purchase makes are counted on the wire for both."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from web3 import HTTPProvider, Web3

from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.ipfs.cid import Cid, Codec
from dapp.middleware import count_requests
from dapp.networks import http_web3
from dapp.nodes import AnvilNode
from dapp.types import ETH, ListingTerms

RESULTS = Path(__file__).resolve().parent / "results" / "reads.json"
PRODUCTS = 1_000
RUNS = 5
GOAL_RATIO, GOAL_SECONDS = 20.0, 0.3
PURCHASES, ROUNDS = 100, 5
GOAL_OVERHEAD = 1.15


def seed(w3: Web3) -> CatalogClient:
    artifact = load_artifact()
    seller = w3.eth.accounts[1]
    tx = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode).constructor().transact({"from": seller})
    address = w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
    contract = w3.eth.contract(address=address, abi=artifact.abi)
    last = b""
    for i in range(PRODUCTS):  # setup only: send without waiting, explicit gas
        digest = (i + 1).to_bytes(32, "big")
        last = contract.functions.listProduct(ETH, 10**15 + i, 100, 0, 0, ETH, digest, i % 2).transact(
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


def requests_per_call(w3: Web3, action: Callable[[], object], calls: int = 10) -> float:
    counts = count_requests(w3)
    for _ in range(calls):
        action()
    return sum(counts.values()) / calls


def client_overhead(url: str) -> dict[str, object]:
    """Seconds for PURCHASES purchases through the client and through bare web3.py, and requests per buy."""
    w3 = http_web3(url)
    artifact = load_artifact()
    seller, buyer = w3.eth.accounts[1], w3.eth.accounts[2]
    tx = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode).constructor().transact({"from": seller})
    address = w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
    shop = CatalogClient(w3, address, artifact.abi, account=seller)
    price = 10**15
    pid = shop.list_product(ListingTerms(price, 10**6, Cid(b"\x11" * 32, Codec.RAW))).product_id
    client = CatalogClient(w3, address, artifact.abi, account=buyer)
    seen = client.product(pid)  # the terms the buyer saw (currency, price, terms version)
    bare_w3 = Web3(HTTPProvider(url))  # web3.py as a user gets it: default middleware, nothing of ours
    buy = bare_w3.eth.contract(address=address, abi=artifact.abi).functions.buy

    def bare_buy() -> None:
        tx_hash = buy(pid, 1, ETH, price, 0).transact({"from": buyer, "value": price})
        assert bare_w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1

    def timed(action: Callable[[], object]) -> float:
        start = time.perf_counter()
        for _ in range(PURCHASES):
            action()
        return time.perf_counter() - start

    client_times, bare_times = [], []
    for _ in range(ROUNDS):  # alternating, so a busy moment on the machine hits both
        client_times.append(timed(lambda: client.buy(pid, 1)))
        bare_times.append(timed(bare_buy))
    ratio = min(client_times) / min(bare_times)
    return {
        "purchases": PURCHASES,
        "rounds": ROUNDS,
        "clientSeconds": round(min(client_times), 4),
        "bareWeb3Seconds": round(min(bare_times), 4),
        "ratio": round(ratio, 3),
        "goalRatioAtMost": GOAL_OVERHEAD,
        "meets": ratio <= GOAL_OVERHEAD,
        "requestsPerBuy": {
            # the client reads the product's terms itself (buy(pid, 1)); web3.py is handed them
            "client": requests_per_call(w3, lambda: client.buy(pid, 1)),
            "clientWithPriceGiven": requests_per_call(w3, lambda: client.buy(seen, 1)),
            "bareWeb3": requests_per_call(bare_w3, bare_buy),
        },
    }


def main() -> int:
    with AnvilNode() as node:
        overhead = client_overhead(node.url)
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
        "client_overhead": overhead,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"read {PRODUCTS} products (best of {RUNS})")
    verdict = "meets" if paginated <= GOAL_SECONDS else "MISSES"
    print(f"  paginated   {paginated:8.4f} s   goal <= {GOAL_SECONDS} s  {verdict}")
    print(f"  one per id  {per_id:8.4f} s")
    print(f"  ratio       {ratio:8.1f} x   goal >= {GOAL_RATIO:.0f}x  {'meets' if ratio >= GOAL_RATIO else 'MISSES'}")
    o = overhead
    print(f"{PURCHASES} purchases (best of {ROUNDS} alternating rounds)")
    print(f"  CatalogClient.buy   {o['clientSeconds']:8.4f} s   {o['requestsPerBuy']['client']:.1f} requests/buy")  # type: ignore[index]
    print(f"  bare web3.py        {o['bareWeb3Seconds']:8.4f} s   {o['requestsPerBuy']['bareWeb3']:.1f} requests/buy")  # type: ignore[index]
    verdict = "meets" if o["meets"] else "MISSES"
    print(f"  ratio               {o['ratio']:8.3f} x   goal <= {GOAL_OVERHEAD}  {verdict}")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
