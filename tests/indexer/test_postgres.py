"""The production layout, once, against a real PostgreSQL: `ponder start` writing the session's store into
Postgres and a `ponder serve` replica (another process, as on another machine) reading the same schema:
the replica answers exactly what the writer and the chain answer."""

from __future__ import annotations

import time

import pytest

from dapp.indexer.process import IndexerProcess
from dapp.indexer.reader import IndexerReader
from dapp.indexer.service import wait_synced
from tests.support.postgres import running_postgres

from .conftest import SYNC_TIMEOUT, IndexedStore
from .test_indexer import all_indexed_orders, all_indexed_products

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.ponder, pytest.mark.postgres, pytest.mark.slow]


def test_a_ponder_serve_replica_answers_what_the_postgres_writer_answers(
    indexed_store: IndexedStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = indexed_store
    with running_postgres() as database_url:
        writer = IndexerProcess(tmp_path_factory.mktemp("pg-state"), store.process.target, database_url=database_url)
        info, started = writer.start()
        assert started
        replica = None
        try:
            indexed = wait_synced(writer, info.url, store.w3, SYNC_TIMEOUT)
            replica = writer.serve_replica()
            reader, writing = IndexerReader(replica.url), IndexerReader(info.url)
            deadline = time.monotonic() + 60
            while reader.indexed_block() < indexed:  # the replica reads the writer's progress from Postgres
                assert time.monotonic() < deadline, "the replica never saw the writer's progress"
                time.sleep(0.2)
            assert reader.catalog() == writing.catalog()
            products = all_indexed_products(reader)
            assert products == all_indexed_products(writing) == all_indexed_products(IndexerReader(store.url))
            assert len(products) == len(store.client().products())
            assert all_indexed_orders(reader) == all_indexed_orders(writing)
            buyer = store.accounts[2]
            assert reader.orders_of(buyer) == store.client().orders_of(buyer)
            assert reader.search("Vinyl 13") == writing.search("Vinyl 13") != []
            # The replica is read-only: it answers queries, never writes (a second writer would be refused).
            assert writer.running() is not None
        finally:
            if replica is not None:
                replica.stop()
            writer.stop()
