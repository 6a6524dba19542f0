"""The production layout, once, against a real PostgreSQL: `ponder start` writing the session's store into
Postgres (started beside the session's indexer, see conftest) and a `ponder serve` replica (another
process, as on another machine) reading the same schema: the replica answers exactly what the writer,
the session's PGlite indexer and the chain answer."""

from __future__ import annotations

import time

import pytest

from dapp.indexer.reader import IndexerReader
from dapp.indexer.service import wait_synced

from .conftest import SYNC_TIMEOUT, IndexedStore
from .test_indexer import all_indexed_orders, all_indexed_products

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.ponder, pytest.mark.postgres, pytest.mark.slow]


def test_a_ponder_serve_replica_answers_what_the_postgres_writer_answers(indexed_store: IndexedStore) -> None:
    store = indexed_store
    assert store.postgres is not None
    writer = store.postgres.result(timeout=SYNC_TIMEOUT)
    indexed = wait_synced(writer.process, writer.url, store.w3, SYNC_TIMEOUT)
    reader, writing = IndexerReader(writer.replica.url), IndexerReader(writer.url)
    deadline = time.monotonic() + 60
    while reader.indexed_block() < indexed:  # the replica reads the writer's progress from Postgres
        assert time.monotonic() < deadline, "the replica never saw the writer's progress"
        time.sleep(0.2)
    assert reader.catalog() == writing.catalog()
    products = all_indexed_products(reader)
    assert products == all_indexed_products(writing) == all_indexed_products(IndexerReader(store.url))
    assert len(products) == len(store.client().products())
    assert all_indexed_orders(reader) == all_indexed_orders(writing) == all_indexed_orders(IndexerReader(store.url))
    buyer = store.accounts[2]
    assert reader.orders_of(buyer) == store.client().orders_of(buyer)
    assert reader.search("Vinyl 13") == writing.search("Vinyl 13") != []
