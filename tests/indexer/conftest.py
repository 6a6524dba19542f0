"""One indexed store per session: anvil (a high block gas limit for the batch helper), an offline Kubo
serving some product documents through its gateway, the Catalog deployed and registered, every event
emitted by a scripted shop and a bulk of products and orders, then our Ponder indexer started by PID on a
free port and waited on (/ready and the chain's head, never a sleep). Ponder takes 10-40 s to start on
this machine, so the tests share it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from web3 import Web3

from dapp.client import CatalogClient
from dapp.deploy import deploy_catalog
from dapp.indexer.process import IndexerProcess
from dapp.indexer.service import indexer_for, wait_synced
from dapp.ipfs.daemon import KuboDaemon
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.metadata import canonical_json
from dapp.nodes import AnvilNode
from dapp.registry import Deployment, Registry
from dapp.types import ListingTerms
from tests.support.fixtures import Cli, Up
from tests.support.postgres import running_postgres

from .recording_proxy import RecordingProxy
from .store import BatchStore, Rpc, client_for, every_event, product_document, raw_cid, seed_bulk

PRODUCTS = 200
ORDERS = 2_000
BUYERS = 50
WITH_DOCUMENTS = 40  # bulk products 0..39 have their document on the gateway; the rest are missing
SYNC_TIMEOUT = 300.0
FINALITY_BLOCKS = 100
# The session's indexer asks for at most this many blocks of logs at a time (`dapp indexer start
# --logs-block-range`), so its first sync is several ranges: what a store with full blocks needs.
LOGS_BLOCK_RANGE = 10
# ... and waits this long for one answer (`--rpc-timeout`): Ponder's own transport with a longer timeout,
# the path `make scale` needs; a busy CI machine never comes near it.
RPC_TIMEOUT_MS = 60_000


@dataclass
class IndexedStore:
    node: AnvilNode
    w3: Web3
    registry: Registry
    deployment: Deployment
    abi: list[dict[str, Any]]
    process: IndexerProcess
    url: str
    gateway: str
    bulk_ids: list[int]
    orders_per_buyer: dict[str, int]
    invalid_product: int
    history_block: int
    proxy: RecordingProxy
    postgres: Future[PostgresWriter] | None  # started only when a postgres test is selected
    accounts: list[str] = field(default_factory=list)
    batch: BatchStore | None = None

    def client(self, account: int | str = 0, **kwargs: Any) -> CatalogClient:
        who = self.accounts[account] if isinstance(account, int) else account
        return client_for(self.w3, self.deployment, self.abi, who, **kwargs)

    def synced(self) -> int:
        return wait_synced(self.process, self.url, self.w3, SYNC_TIMEOUT)


def _advance(w3: Web3, seconds: int) -> None:
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


@dataclass
class PostgresWriter:
    """`ponder start` of the same store writing into a PostgreSQL the session started (postgres tests)."""

    process: IndexerProcess
    url: str
    replica: Up  # `dapp indexer serve` (ponder serve) on the same schema, started once the writer created it

    @property
    def replica_url(self) -> str:
        return self.replica.field("replica at")


def _wants_postgres(session: pytest.Session) -> bool:
    return any(item.get_closest_marker("postgres") for item in session.items)


@pytest.fixture(scope="session")
def indexed_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexedStore]:
    root = tmp_path_factory.mktemp("indexed")
    with contextlib.ExitStack() as stack:
        node = stack.enter_context(AnvilNode(extra_args=["--gas-limit", "1000000000"]))
        daemon = stack.enter_context(KuboDaemon())
        proxy = stack.enter_context(RecordingProxy(node.url))  # Ponder's RPC: a test sees what it asks, or holds it
        kubo = Kubo(daemon.api_multiaddr)
        gateway = daemon.gateway_url
        w3 = Web3(Web3.HTTPProvider(node.url))
        accounts = [str(a) for a in w3.eth.accounts]
        registry = Registry(root / "deployments")
        deployment = deploy_catalog(w3, accounts[0], registry, force=True).deployment
        abi = registry.get_with_abi(deployment.chain_id, "Catalog")[1]  # type: ignore[index]
        roles = dict(zip(("s1", "s2", "b1", "b2", "arb"), accounts[1:6], strict=True))
        clients = {role: client_for(w3, deployment, abi, who) for role, who in roles.items()}
        for index in (900_001, 900_002, 900_004):  # the scripted shop's documents
            kubo.add_bytes(product_document(index))
        every_event(clients, lambda seconds: _advance(w3, seconds))
        # A document that is on the gateway and matches its digest, but is no product document.
        not_a_product = canonical_json({"schema": "ownerless-store/review@1", "rating": 5, "text": "hi"})
        kubo.add_bytes(not_a_product)
        invalid = clients["s2"].list_product(ListingTerms(7, 1, raw_cid(not_a_product))).product_id
        for index in range(WITH_DOCUMENTS):
            kubo.add_bytes(product_document(index))
        batch = BatchStore.deploy(Rpc(w3), deployment.address, accounts[7])
        ids, per_buyer = seed_bulk(batch, PRODUCTS, ORDERS, BUYERS)
        # Blocks past Ponder's finality depth: the store is synced as history (in ranges), not block by block.
        w3.provider.make_request("anvil_mine", [hex(FINALITY_BLOCKS)])  # type: ignore[arg-type]
        history_block = int(w3.eth.block_number)
        process = indexer_for(w3, registry, proxy.url, root / "state", gateway_url=gateway, polling_interval_ms=250,
                              get_logs_block_range=LOGS_BLOCK_RANGE, rpc_timeout_ms=RPC_TIMEOUT_MS)  # fmt: skip
        # Ponder takes 10-40 s to start here: the Postgres writer (if a postgres test runs) starts beside the
        # session's indexer instead of after it. It reads the node directly, not through the recording proxy.
        writer: Future[PostgresWriter] | None = None
        if _wants_postgres(request.session):
            # As an operator runs it: `dapp indexer start --database-url` (the URL as an option) and
            # `dapp indexer serve` (the URL from the environment) in a state folder of their own.
            database_url = stack.enter_context(running_postgres())
            (root / "pg").mkdir()
            cli = Cli(root / "pg")
            cli.env["DAPP_DEPLOYMENTS"] = str(registry.directory)
            pg_process = indexer_for(w3, registry, node.url, root / "pg" / ".dapp", database_url=database_url)
            stack.callback(pg_process.stop)
            pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))  # exits first: the start is over

            def start_writer() -> PostgresWriter:
                cli.run("indexer", "start", "--network", node.url, "--database-url", database_url,
                        "--gateway", gateway, "--logs-block-range", str(LOGS_BLOCK_RANGE),
                        "--rpc-timeout", str(RPC_TIMEOUT_MS // 1000), "--no-wait")  # fmt: skip
                running = pg_process.running()
                assert running is not None, "dapp indexer start left no PID record"
                serve = Cli(root / "pg")
                serve.env.update(DAPP_DEPLOYMENTS=str(registry.directory), DAPP_INDEXER_DATABASE_URL=database_url)
                replica = stack.enter_context(Up(serve, "--network", node.url, command=("indexer", "serve"),
                                                 ready="replica at "))  # fmt: skip
                return PostgresWriter(pg_process, running.url, replica)

            writer = pool.submit(start_writer)
        stack.callback(process.stop)
        info, _ = process.start()
        store = IndexedStore(
            node,
            w3,
            registry,
            deployment,
            abi,
            process,
            info.url,
            gateway,
            ids,
            per_buyer,
            invalid,
            history_block,
            proxy,
            writer,
            accounts,
            batch,
        )
        store.synced()
        yield store
