"""`make scale`: a large store on anvil, with and without the indexer. Not part of `make test`.

The chain: anvil, blocks 2 s apart, with 200,000 empty blocks mined after the deployment (so a history
spans many capped log ranges), then PRODUCTS products and ORDERS orders from BUYERS buyers through the
real Catalog (bench/contracts/BatchStore.sol lists and buys in batches of 1,000, each batch a block, every
purchase by one of many buyer contracts, so the real events are emitted), then 2-second interval mining
for the measurements. Empty blocks between the batches would spread the orders further, but anvil's
time per block grows with the size of its state (~2.5 s a block once it holds 500,000 orders), so the
store is packed into few blocks: 500 orders a block took 73 minutes to seed at full size. Public L2 RPCs are played
by a proxy (tests/support/capped_proxy.py) that caps eth_getLogs at 10,000 blocks and 10 requests/s.

Product documents are served by a small in-memory gateway (`/ipfs/<cid>` from a dict) rather than Kubo:
adding 100,000 documents to Kubo would take longer than the rest; the indexer checks each document
against the digest on chain either way.

Measured (with the indexer, over HTTP from Python; bench/bench_scale_page.py then measures the page in
headless Chromium on the same store and its figures replace these under the same keys, unless --no-page,
and CatalogClient.orders_of):
    index_catchup_s       Ponder started -> caught up with the head (its RPC: anvil directly, see --index-rpc)
    index_peak_rss_mb     peak resident memory of the Ponder process tree, sampled every 0.5 s (a Postgres
                          server's own memory is not in it)
    index_db_mb           size of its database once caught up (the PGlite folder, or Postgres's database)
    search_ms             a product name over all products (median of 5 GraphQL searches)
    buyer_history_s       every order of a buyer with ~100 orders (GraphQL, all pages)
    seller_inbox_s        the first page (100) of the batch seller's inbox, newest first
    python_orders_of_s    CatalogClient(indexer=URL).orders_of(buyer), a fresh client (its checks included)
    anvil                 what one empty block and one eth_call cost this anvil holding the store
Without the indexer, through the capped proxy:
    rpc_buyer_history_s, rpc_buyer_history_requests   CatalogClient.orders_of(buyer) by log scan

Usage: bench/bench_scale.py [--scale 0.01] [--index-rpc direct|capped] [--database pglite|postgres] [--no-page]
[--hold FILE]. The sizes actually used are written beside the figures; a reduced run says so. The page and
client keys are measured twice (bench/bench_scale_page.py --blocks): with block production paused (the
top-level keys) and with the 2-second blocks running (`with_blocks_running`). anvil 1.7.1 rebuilds its
whole state trie for every block, so once it holds the full store each block takes longer than 2 s (the
`anvil` key), the node is building blocks all the time, and every read waits for the block in progress; a
node that updates its trie incrementally (geth, reth; anvil after foundry-rs/foundry#15715, which is not
in a release on this registry) does not. With
`--database postgres` the indexer writes to a throwaway Debian PostgreSQL cluster on a free port
(tests/support/postgres.py), the production setup, instead of its embedded PGlite.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from web3 import Web3

from dapp.client import CatalogClient
from dapp.deploy import deploy_catalog
from dapp.indexer.process import IndexerProcess
from dapp.indexer.reader import IndexerReader
from dapp.indexer.service import indexer_for, wait_synced
from dapp.networks import http_web3
from dapp.nodes import REPO_ROOT, AnvilNode
from dapp.registry import Registry

sys.path.insert(0, str(REPO_ROOT))
from bench.bench_scale_page import median_eth_call_ms
from tests.indexer.store import BatchStore, Rpc, product_document, raw_cid, seed_bulk
from tests.support.capped_proxy import CappedRpcProxy
from tests.support.http_server import LocalHTTPServer
from tests.support.postgres import postgres_bin, running_postgres

RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"
FULL = {"products": 100_000, "orders": 1_000_000, "buyers": 10_000}
BUY_BATCH = 1_000
EMPTY_BLOCKS = 200_000  # 2 s apart (~4.6 days): 20 capped log ranges at full size
MIN_EMPTY_BLOCKS = 20_000  # a reduced run still spans more than one capped range
BLOCK_TIME = 2
# Ponder asks for each event apart (one eth_getLogs per event per range), 25 requests in flight. At 100
# blocks a range (100,000 purchases, ~100 MB) anvil answers one in ~1.6 s alone, so 25 at once run past
# Ponder's 10 s and it gave the sync up after its retries (so did 20 blocks); smaller ranges would cost
# ~200,000 requests over the empty history. Hence a longer wait for one answer (`--rpc-timeout`).
LOGS_BLOCK_RANGE = 100
RPC_TIMEOUT_MS = 180_000
HISTORY_ORDERS = 100  # the buyer whose history is measured has about this many orders


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class DocumentGateway(LocalHTTPServer):
    """`GET /ipfs/<cid>`: the bulk product documents, from memory."""

    def __init__(self, count: int) -> None:
        self.documents = {str(raw_cid(product_document(i))): product_document(i) for i in range(count)}
        documents = self.documents

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                body = documents.get(self.path.removeprefix("/ipfs/").split("?")[0].strip("/"))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

        super().__init__(Handler)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class PeakRss:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(0.5)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def database_mb(process: IndexerProcess) -> float:
    """The indexer's database on disk: its PGlite folder, or the size Postgres gives for its database."""
    if not process.database_url:
        return folder_mb(process.folder / "pglite")
    psql = postgres_bin() / "psql"  # type: ignore[operator]  # running_postgres found the binaries
    size = subprocess.run([str(psql), process.database_url, "-tAc", "select pg_database_size(current_database())"],
                          check=True, capture_output=True, text=True).stdout  # fmt: skip
    return int(size.strip()) / 1e6


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (0.01: a quick run)")
    parser.add_argument("--index-rpc", choices=("direct", "capped"), default="direct",
                        help="what Ponder reads the chain through for its first sync")  # fmt: skip
    parser.add_argument("--database", choices=("pglite", "postgres"), default="pglite",
                        help="the indexer's database: its PGlite, or a throwaway PostgreSQL cluster")  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-page", dest="page", action="store_false",
                        help="skip the page's figures (bench/bench_scale_page.py in headless Chromium)")  # fmt: skip
    parser.add_argument("--hold", type=Path, metavar="FILE",
                        help="once measured, write the running store's URLs to FILE and keep the chain, the "
                        "indexer and the gateway up until FILE is deleted (to measure the page on it)")  # fmt: skip
    args = parser.parse_args()
    sizes = {key: max(1, round(value * args.scale)) for key, value in FULL.items()}
    os.environ.setdefault("PONDER_TELEMETRY_DISABLED", "1")
    result: dict[str, Any] = {
        "sizes": sizes,
        "full_size": args.scale >= 1.0,
        "scale": args.scale,
        "notes": [
            "first_render_s not measured: run with --no-page",
            "buyer_history_s, seller_inbox_s and search_ms are the indexer's GraphQL answer times measured "
            "from Python over HTTP, not in the browser",
            "product documents served by an in-memory stand-in gateway; the indexer verifies each digest",
        ],
        "machine": {"cores": os.cpu_count(), "load_at_start": os.getloadavg()[0]},
    }
    root = Path(tempfile.mkdtemp(prefix="dapp-scale-"))
    atexit.register(shutil.rmtree, root, True)  # the chain's indexer database: GBs at full size
    # --prune-history: no copy of the state per block (memory; keeping even the last 8 made mining 10,000
    # empty blocks run past the RPC timeout). Empty blocks are cheap while the state is small (~1,000 per
    # 0.7 s) but anvil slows to ~10-20 blocks/s per empty block once it holds a store of 1,000 products: the
    # empty history is mined first, and each batch of orders is then a block of its own.
    with AnvilNode(extra_args=["--gas-limit", "2000000000", "--prune-history"]) as node:
        w3 = http_web3(node.url)
        rpc = Rpc(w3)
        rpc.call("anvil_setBlockTimestampInterval", BLOCK_TIME)
        accounts = [str(a) for a in w3.eth.accounts]
        registry = Registry(root / "deployments")
        deployment = deploy_catalog(w3, accounts[0], registry, force=True).deployment
        abi = registry.get_with_abi(deployment.chain_id, "Catalog")[1]  # type: ignore[index]
        batch = BatchStore.deploy(rpc, deployment.address, accounts[1])
        empty = max(MIN_EMPTY_BLOCKS, round(EMPTY_BLOCKS * args.scale))
        log(f"mining {empty:,} empty blocks, 2 s apart, after the deployment")
        for start in range(0, empty, 10_000):
            rpc.call("anvil_mine", hex(min(10_000, empty - start)), hex(BLOCK_TIME))

        log(f"seeding {sizes['products']:,} products, {sizes['orders']:,} orders from {sizes['buyers']:,} buyers")

        def seed() -> tuple[list[int], dict[str, int]]:
            return seed_bulk(batch, sizes["products"], sizes["orders"], sizes["buyers"], buy_batch=BUY_BATCH,
                             between_batches=lambda: None, progress=log)  # fmt: skip

        seed_s, (_, per_buyer) = timed(seed)
        head = int(w3.eth.block_number)
        result["seed"] = {"seconds": round(seed_s, 1), "blocks": head - deployment.deployed_on_block,
                          "empty_blocks_before_the_store": empty,
                          "orders_per_block": BUY_BATCH}  # fmt: skip
        log(f"seeded in {seed_s:.0f} s over {head - deployment.deployed_on_block:,} blocks")
        result["anvil"] = anvil_costs(rpc, w3, deployment.address)
        log(f"anvil with the store: {result['anvil']}")
        rpc.call("evm_setIntervalMining", BLOCK_TIME)
        buyer = min(per_buyer, key=lambda b: (abs(per_buyer[b] - HISTORY_ORDERS), b))
        result["buyer_orders"] = per_buyer[buyer]

        with (
            CappedRpcProxy(node.url, max_block_range=10_000, rate=10) as capped,
            DocumentGateway(sizes["products"]) as gateway,
            contextlib.ExitStack() as stack,
        ):
            result["capped_rpc"] = {"max_block_range": capped.max_block_range, "requests_per_s": capped.rate}
            # Without the indexer: the buyer's history by log scan through the capped endpoint.
            capped_w3 = http_web3(capped.url)
            scanning = CatalogClient.from_deployment(capped_w3, deployment, abi)
            capped.reset()
            rpc_s, scanned = timed(lambda: scanning.orders_of(buyer))
            result["rpc_buyer_history_s"] = round(rpc_s, 2)
            result["rpc_buyer_history_requests"] = capped.requests
            result["rpc_buyer_history_refused"] = {"range": capped.refused_range, "rate": capped.rate_limited}
            assert len(scanned) == per_buyer[buyer], (len(scanned), per_buyer[buyer])
            log(f"log scan through the capped RPC: {rpc_s:.1f} s, {capped.requests} requests")
            write_result(args.out, result)  # the figures so far survive a failure of the indexer's stage

            index_rpc = node.url if args.index_rpc == "direct" else capped.url
            result["index_rpc"] = {"direct": "anvil directly (no caps)", "capped": "the capped proxy"}[args.index_rpc]
            result["index_logs_block_range"] = LOGS_BLOCK_RANGE
            result["index_rpc_timeout_s"] = RPC_TIMEOUT_MS / 1000
            result["index_database"] = args.database
            database_url = stack.enter_context(running_postgres()) if args.database == "postgres" else None
            # Blocks of BUY_BATCH purchases: Ponder's first guess of a range (the whole store at once) would be
            # a reply of more than 512 MB at full size, which it cannot hold (it crashed so).
            process: IndexerProcess = indexer_for(w3, registry, index_rpc, root / "state", gateway_url=gateway.url,
                                                  polling_interval_ms=500,
                                                  get_logs_block_range=LOGS_BLOCK_RANGE,
                                                  rpc_timeout_ms=RPC_TIMEOUT_MS,
                                                  database_url=database_url)  # fmt: skip
            started = time.perf_counter()
            info, _ = process.start()
            try:
                with PeakRss(info.pid) as rss:
                    wait_synced(process, info.url, w3, timeout=24 * 3600, progress=log)
                    result["index_catchup_s"] = round(time.perf_counter() - started, 1)
                result["index_peak_rss_mb"] = round(rss.peak, 1)
                result["index_db_mb"] = round(database_mb(process), 1)
                log(f"caught up in {result['index_catchup_s']} s")
                write_result(args.out, result)  # what the catch-up cost survives a failure of what follows
                reader = IndexerReader(info.url, timeout=120)
                name = f"Vinyl {sizes['products'] // 2 // 10 * 10 + 3}"
                searches = [timed(lambda: reader.search(name)) for _ in range(5)]
                assert all(len(hits) == 1 for _, hits in searches), searches[0][1]
                result["search_ms"] = round(statistics.median(s for s, _ in searches) * 1000, 1)
                history_s, history = timed(lambda: reader.orders_of(buyer))
                assert history == scanned
                result["buyer_history_s"] = round(history_s, 3)
                inbox_s, (inbox, _) = timed(lambda: reader.orders_for_seller(batch.address, limit=100))
                assert len(inbox) == min(100, sizes["orders"])
                result["seller_inbox_s"] = round(inbox_s, 3)
                write_result(args.out, result)
                store = {
                    "rpcUrl": node.url, "cappedRpcUrl": capped.url, "indexerUrl": info.url,
                    "gatewayUrl": gateway.url, "chainId": deployment.chain_id, "catalog": deployment.address,
                    "deployments": str(registry.directory), "buyer": buyer, "buyerOrders": per_buyer[buyer],
                    "seller": batch.address, "searchName": name, "sizes": sizes, "results": str(args.out),
                    "blockTime": BLOCK_TIME,
                }  # fmt: skip
                write_result(args.out, result)
                for blocks in ("paused", "running"):
                    result = measure_reads(root / "store.json", store, args.out, blocks, browser=args.page)
                if args.hold:
                    hold(args.hold, store)
                    result = json.loads(args.out.read_text())  # with what was measured on the held store
            finally:
                process.stop()
    write_result(args.out, result)
    print(json.dumps(result, indent=2))
    return 0


def measure_reads(path: Path, store: dict[str, Any], out: Path, blocks: str, browser: bool) -> dict[str, Any]:
    """bench/bench_scale_page.py on the running store with block production `blocks` (its own process:
    Chromium and its wait loops stay out of this one), which merges the page's and the client's figures
    into `out`; the merged result is returned."""
    path.write_text(json.dumps(store, indent=2) + "\n")
    log(f"measuring the page and the client, blocks {blocks} (bench/bench_scale_page.py)")
    script = Path(__file__).resolve().parent / "bench_scale_page.py"
    command = [sys.executable, str(script), "--store", str(path), "--out", str(out), "--blocks", blocks]
    subprocess.run(command + ([] if browser else ["--no-browser"]), check=True)
    merged: dict[str, Any] = json.loads(out.read_text())
    return merged


def anvil_costs(rpc: Rpc, w3: Web3, catalog: str) -> dict[str, Any]:
    """What this anvil takes to build one empty block (median of 3) and to answer one eth_call (productCount,
    median of 20) while it holds the store and builds nothing else."""
    blocks = [timed(lambda: rpc.call("evm_mine"))[0] for _ in range(3)]
    return {"version": w3.client_version, "empty_block_s": round(statistics.median(blocks), 3),
            "eth_call_ms": median_eth_call_ms(w3, catalog)}  # fmt: skip


def write_result(out: Path, result: dict[str, Any]) -> None:
    result["machine"]["load_at_end"] = os.getloadavg()[0]
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    log(f"wrote {out}")


def hold(path: Path, store: dict[str, Any]) -> None:
    """Keep the store up for other measurements until `path` is deleted (a condition, not a timer)."""
    path.write_text(json.dumps(store, indent=2) + "\n")
    log(f"holding the store up: {path} (delete it to stop)")
    while path.exists():
        time.sleep(5)


if __name__ == "__main__":
    raise SystemExit(main())
