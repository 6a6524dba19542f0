"""The Ponder indexer against the chain it indexes: every view, the client's two sources, search over
verified documents, the cross-checks that make the client fall back to the log scan, a reorg, a restart.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from web3 import Web3

from dapp.deploy import deploy_catalog
from dapp.exceptions import IndexerError
from dapp.indexer.reader import IndexerReader
from dapp.indexer.service import wait_synced
from dapp.nodes import AnvilNode
from dapp.registry import Registry
from dapp.shipping import OrderContext, ShippingDetails, derive_keypair_checked, seal
from dapp.transactions.signers import sign_text
from dapp.types import ETH, Order, OrderRef, Product
from tests.support.lying_indexer import LyingIndexer

from .conftest import BUYERS, LOGS_BLOCK_RANGE, ORDERS, PRODUCTS, SYNC_TIMEOUT, WITH_DOCUMENTS, IndexedStore
from .store import product_document

PONDER_FINALITY = 30  # blocks Ponder treats as unfinalized on a chain it does not know (ponder/utils/finality)
pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.ponder, pytest.mark.slow]


def all_indexed_products(reader: IndexerReader) -> dict[int, Product]:
    from dapp.indexer.reader import _PRODUCT_FIELDS, _product

    rows = reader._all("products", _PRODUCT_FIELDS, "{}", {})
    return {p.id: p for p in map(_product, rows)}


def all_indexed_orders(reader: IndexerReader) -> dict[tuple[int, int], Order]:
    from dapp.indexer.reader import _ORDER_FIELDS, _order

    rows = reader._all("orders", _ORDER_FIELDS, "{}", {})
    return {(o.product_id, o.order_no): o for o in map(_order, rows)}


def _orders(client: Any, product: Product) -> list[Order]:
    """A product's orders through the getOrders view, in pages (the count is known from its product view)."""
    views = client._pages("getOrders", (product.id,), product.order_count, 0, None, 250)
    return [Order.from_view(v) for v in views]


def test_the_indexer_equals_every_view(indexed_store: IndexedStore) -> None:
    """Every product, every order and every balance the indexer holds equals what the contract's views
    return, field by field, and it holds no more and no fewer of them."""
    store = indexed_store
    store.synced()
    # The first sync asked for its logs in ranges of at most LOGS_BLOCK_RANGE blocks, as it was told.
    ranges = [p[0] for method, p in list(store.proxy.requests) if method == "eth_getLogs" and "fromBlock" in p[0]]
    spans = [int(r["toBlock"], 16) - int(r["fromBlock"], 16) + 1 for r in ranges]
    assert len(spans) > 1 and max(spans) <= LOGS_BLOCK_RANGE, spans
    client = store.client()
    reader = IndexerReader(store.url)
    products = client.products()
    assert len(products) >= PRODUCTS
    assert all_indexed_products(reader) == {p.id: p for p in products}
    indexed_orders = all_indexed_orders(reader)
    on_chain = {(o.product_id, o.order_no): o for p in products for o in _orders(client, p)}
    assert len(on_chain) >= ORDERS
    assert indexed_orders == on_chain
    balances = reader.query("{ balances(limit: 1000) { items { account currency amount } } }")["balances"]["items"]
    assert balances, "the scripted shop credits sellers and buyers"
    accounts = {Web3.to_checksum_address(b["account"]) for b in balances} | set(store.accounts[:8])
    currencies = {Web3.to_checksum_address(b["currency"]) for b in balances} | {ETH}
    indexed = {
        (Web3.to_checksum_address(b["account"]), Web3.to_checksum_address(b["currency"])): int(b["amount"])
        for b in balances
    }
    for account in accounts:
        for currency in currencies:
            assert client.withdrawable(account, currency) == indexed.get((account, currency), 0), (account, currency)


def test_order_data_and_seller_profiles_equal_the_events(indexed_store: IndexedStore) -> None:
    """Each order's orderData is its Purchased event's (empty for none) and each seller's profile is its
    latest ProfileSet event's: one set, one set then cleared, one never set."""
    store = indexed_store
    store.synced()
    client = store.client()
    reader = IndexerReader(store.url)
    scripted = [p for p in client.products() if p.seller in store.accounts[1:3]]
    refs = [OrderRef(p.id, n) for p in scripted for n in range(1, p.order_count + 1)]
    data = {ref: client.order_data(ref) for ref in refs}
    assert b"sealed shipping details of a5" in data.values() and b"" in data.values()
    assert {ref: reader.order_data(ref) for ref in refs} == data
    profiles = {}
    for seller in [*store.accounts[1:3], store.batch.address]:  # type: ignore[union-attr]
        found = client.profile(seller)
        profiles[seller] = found.document if found else None
    assert profiles[store.accounts[1]] is not None and profiles[store.accounts[2]] is None
    assert {seller: reader.profile(seller) for seller in profiles} == profiles


def _camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(word.title() for word in rest)


def _graphql_rows(reader: IndexerReader, table: str, fields: list[str]) -> list[dict[str, Any]]:
    page = reader.query(f"{{ {table}(limit: 1000) {{ items {{ {' '.join(fields)} }} pageInfo {{ hasNextPage }} }} }}")
    assert not page[table]["pageInfo"]["hasNextPage"]
    items: list[dict[str, Any]] = page[table]["items"]
    return items


def _in_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def _same_rows(reader: IndexerReader, table: str, plural: str) -> list[dict[str, Any]]:
    """Every row of `table` through /sql equals GraphQL's, every column (snake_case there, camelCase here)."""
    rows = [{_camel(column): value for column, value in row.items()} for row in reader.sql(f"select * from {table}")]
    assert rows, f"no {table} rows through /sql"
    expected = _graphql_rows(reader, plural, list(rows[0]))
    assert len(rows) == len(expected), table
    assert _in_order(rows) == _in_order(expected), table
    return rows


def test_sql_over_http_reads_the_same_tables(indexed_store: IndexedStore) -> None:
    """Each table through /sql answers the rows GraphQL answers, including after Ponder flushed a batch of
    updates to it (the bulk orders update their products) through a session temp table of the same name."""
    store = indexed_store
    store.synced()
    reader = IndexerReader(store.url)
    products = all_indexed_products(reader)
    assert reader.sql("select count(*) as n from product") == [{"n": len(products)}]
    assert len(_same_rows(reader, "product", "products")) == len(products) >= PRODUCTS
    named = store.bulk_ids[0]
    [row] = reader.sql("select name, metadata_status, order_count, seller from product where id = $1", [str(named)])
    expected = reader.query(f'{{ product(id: "{named}") {{ name metadataStatus orderCount seller }} }}')["product"]
    assert row == {"name": expected["name"], "metadata_status": "ok", "order_count": expected["orderCount"],
                   "seller": expected["seller"]}  # fmt: skip
    assert row["name"] and int(row["order_count"]) == products[named].order_count
    assert _same_rows(reader, "review", "reviews")
    assert _same_rows(reader, "balance", "balances")
    assert len(_same_rows(reader, "seller", "sellers")) >= 3
    orders = all_indexed_orders(reader)
    assert reader.sql('select count(*) as n from "order"') == [{"n": len(orders)}]
    busiest = max(indexed_store.orders_per_buyer, key=lambda b: indexed_store.orders_per_buyer[b])
    rows = reader.sql('select count(*) as n from "order" where buyer = $1', [busiest.lower()])
    assert rows == [{"n": indexed_store.orders_per_buyer[busiest]}]
    with pytest.raises(IndexerError, match="refused an SQL query"):
        reader.sql('delete from "order"')  # read-only


def test_the_client_answers_the_same_with_and_without_the_indexer(indexed_store: IndexedStore) -> None:
    store = indexed_store
    warnings: list[str] = []
    with_indexer = store.client(indexer=store.url, on_warning=warnings.append)
    scanning = store.client()
    busiest = max(store.orders_per_buyer, key=lambda b: store.orders_per_buyer[b])
    for buyer in [*store.accounts[2:6], busiest]:
        assert with_indexer.orders_of(buyer) == scanning.orders_of(buyer)
    assert len(with_indexer.orders_of(busiest)) == store.orders_per_buyer[busiest] >= ORDERS // BUYERS
    for seller in [*store.accounts[1:3], store.batch.address]:  # type: ignore[union-attr]
        assert with_indexer.products_of(seller) == scanning.products_of(seller)
    reviewed = [p.id for p in scanning.products() if p.rating_count]
    assert reviewed
    for product_id in reviewed:
        assert with_indexer.reviews(product_id) == scanning.reviews(product_id)
    assert warnings == []


def test_search_finds_names_of_verified_documents_only(indexed_store: IndexedStore) -> None:
    reader = IndexerReader(indexed_store.url)
    first = indexed_store.bulk_ids[0]
    hits = reader.search("Vinyl 13")  # bulk product 13 is a vinyl with its document on the gateway
    assert [(h.product_id, h.name) for h in hits] == [(first + 13, "Vinyl 13")]
    hits = reader.search("a VINYL")  # descriptions too, any case
    assert {h.product_id for h in hits} == {first + i for i in range(WITH_DOCUMENTS) if i % 10 == 3}
    rows = reader.query(
        "query($ids: [BigInt!]) "
        "{ products(where: {id_in: $ids}) { items { id metadataStatus metadataProblem name } } }",
        {"ids": [str(indexed_store.invalid_product), str(first + WITH_DOCUMENTS)]},
    )["products"]["items"]
    status = {int(r["id"]): (r["metadataStatus"], r["metadataProblem"], r["name"]) for r in rows}
    assert status[indexed_store.invalid_product] == ("invalid", "unexpected document type", None)
    assert status[first + WITH_DOCUMENTS][0] == "missing" and status[first + WITH_DOCUMENTS][2] is None
    assert reader.search(f"{WITH_DOCUMENTS + 3}") == []  # its document is not on the gateway: not indexed


def test_a_sellers_inbox_newest_first(indexed_store: IndexedStore) -> None:
    reader = IndexerReader(indexed_store.url)
    seller = indexed_store.batch.address  # type: ignore[union-attr]
    page, cursor = reader.orders_for_seller(seller, limit=50)
    assert len(page) == 50 and cursor is not None
    newest_first = [(o.product_id, o.order_no) for o in page]
    chain = indexed_store.client()
    assert page == [chain.order(OrderRef(*key)) for key in newest_first]


def _warned(store: IndexedStore, indexer: str, w3: Web3 | None = None, **kwargs: Any) -> tuple[list[str], list[Order]]:
    warnings: list[str] = []
    client = store.client(indexer=indexer, on_warning=warnings.append, **kwargs)
    if w3 is not None:
        client.w3 = w3
    return warnings, client.orders_of(store.accounts[2])


def test_an_unusable_indexer_is_named_and_the_log_scan_answers(indexed_store: IndexedStore, tmp_path: Any) -> None:
    store = indexed_store
    expected = store.client().orders_of(store.accounts[2])
    # Not an indexer: the RPC node's URL.
    warnings, orders = _warned(store, store.node.url)
    assert orders == expected and len(warnings) == 1 and "is not a Catalog indexer" in warnings[0]
    # Nothing listening there.
    warnings, orders = _warned(store, "http://127.0.0.1:9")
    assert orders == expected and "does not answer" in warnings[0]
    # The indexer of another Catalog: a second one deployed on this chain.
    other = deploy_catalog(store.w3, store.accounts[0], Registry(tmp_path / "other"), force=True).deployment
    warnings = []
    client = store.client(indexer=store.url, on_warning=warnings.append)
    client.address = other.address
    assert client.orders_of(store.accounts[2]) == []
    assert f"indexes the Catalog at {store.deployment.address}, not {other.address}" in warnings[0]
    # The indexer of another chain: a chain 31338 with a Catalog at the same address.
    with AnvilNode(chain_id=31338) as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        twin = deploy_catalog(w3, str(w3.eth.accounts[0]), Registry(tmp_path / "twin"), force=True).deployment
        assert twin.address == store.deployment.address
        warnings = []
        client = store.client(indexer=store.url, on_warning=warnings.append)
        client.w3 = w3
        assert client.orders_of(store.accounts[2]) == []
        assert "indexes chain 31337, not chain 31338" in warnings[0]


def test_a_reorg_removes_the_reorged_orders(indexed_store: IndexedStore) -> None:
    store = indexed_store
    buyer = store.client(3, indexer=store.url, indexer_sync_timeout=30)
    before = buyer.orders_of(store.accounts[3])
    snapshot = store.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    product = store.bulk_ids[-1]
    placed = buyer.buy(product).order
    store.synced()
    assert [o.ref for o in buyer.orders_of(store.accounts[3])] == [*(o.ref for o in before), placed]
    assert store.w3.provider.make_request("evm_revert", [snapshot])["result"] is True  # type: ignore[arg-type]
    for _ in range(3):  # the other branch grows longer than the one the indexer saw
        store.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    store.synced()
    assert buyer.orders_of(store.accounts[3]) == before == store.client().orders_of(store.accounts[3])
    rows = IndexerReader(store.url).query(f'{{ order(id: "{placed}") {{ id }} }}')
    assert rows["order"] is None


def test_a_restarted_indexer_fetches_nothing_again_and_one_behind_is_not_used(indexed_store: IndexedStore) -> None:
    """Stopped and started again, behind the proxy that records every request: no eth_getLogs for any block
    the first sync stored as final (Ponder asks again for the blocks that were within its finality depth
    then, 30 blocks on an unknown chain), and the same answers.
    Then the proxy holds its requests while a block is mined: the indexer answers but is behind, so the
    client waits its sync timeout, says how far behind, and answers from the logs."""
    store = indexed_store
    proxy = store.proxy
    indexed = store.synced()
    reader = IndexerReader(store.url)
    before = reader.orders_of(store.accounts[2])
    assert store.process.stop() is not None
    proxy.requests.clear()
    info, started = store.process.start()
    assert started
    store.url = info.url
    # A restarted Ponder first answers with the block it had reached, then goes back to its finalized block
    # and processes the unfinalized tail again, its /status showing the older block meanwhile (seen in make
    # test under load). A block mined now is only reached once that is over: wait for it, not for a time.
    store.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    assert store.synced() > indexed
    ranges = [params for method, params in proxy.requests if method == "eth_getLogs"]
    finalized = store.history_block - PONDER_FINALITY  # what the first sync stored as final history
    by_range = [p[0] for p in ranges if "fromBlock" in p[0]]
    by_hash = [p[0] for p in ranges if "blockHash" in p[0]]  # the unfinalized tail, one block each
    assert [r for r in by_range if int(r["fromBlock"], 16) <= finalized] == [], by_range
    assert len(by_hash) <= PONDER_FINALITY + (store.w3.eth.block_number - indexed) + 1
    assert IndexerReader(store.url).orders_of(store.accounts[2]) == before

    warnings: list[str] = []
    client = store.client(indexer=store.url, on_warning=warnings.append, indexer_sync_timeout=1.0)
    client.orders_of(store.accounts[2])  # checked once: chain, address, code
    proxy.flowing.clear()
    try:
        store.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        head = store.w3.eth.block_number
        assert client.orders_of(store.accounts[2]) == before
        assert len(warnings) == 1 and f"1 blocks behind the chain (block {head - 1} of {head}" in warnings[0]
    finally:
        proxy.flowing.set()
    store.synced()
    assert client.orders_of(store.accounts[2]) == before and len(warnings) == 1


def test_documents_are_what_the_gateway_serves(indexed_store: IndexedStore) -> None:
    """The bulk documents the test added are the ones the store's products name (a guard on the fixture)."""
    client = indexed_store.client()
    product = client.product(indexed_store.bulk_ids[5])
    import hashlib

    assert product.metadata_digest == hashlib.sha256(product_document(5)).digest()


def test_the_cli_reads_histories_from_the_indexer_it_is_given(indexed_store: IndexedStore, tmp_path: Any) -> None:
    """$DAPP_INDEXER_URL and `--indexer URL`: the same orders as the log scan; an indexer that cannot be
    used is one warning line and the log scan answers; a URL that is no URL is refused before connecting.
    In process (click's runner): the subprocess form of each command is tested in tests/test_cli.py."""
    from click.testing import CliRunner

    from dapp.cli import main

    store = indexed_store
    net = ["--network", store.node.url, "--deployments", str(store.registry.directory), "--no-metadata"]
    busiest = max(store.orders_per_buyer, key=lambda b: store.orders_per_buyer[b])
    orders = ["orders", "--buyer", busiest, *net, "--json"]
    env = {"DAPP_HOME": str(tmp_path / ".dapp"), "DAPP_INDEXER_URL": ""}

    def run(*args: str, **extra: str) -> Any:
        return CliRunner().invoke(main, list(args), env={**env, **extra})

    scanned = run(*orders)
    assert scanned.exit_code == 0, scanned.output
    assert len(json.loads(scanned.stdout)) == store.orders_per_buyer[busiest]
    from_env = run(*orders, DAPP_INDEXER_URL=store.url)
    assert from_env.exit_code == 0 and from_env.stdout == scanned.stdout and "warning" not in from_env.stderr
    warned = run(*orders, "--indexer", store.node.url)  # a node, not an indexer
    assert warned.exit_code == 0 and warned.stdout == scanned.stdout
    assert f"warning: {store.node.url} is not a Catalog indexer" in warned.stderr
    refused = run(*orders, "--indexer", "localhost:42069")
    assert refused.exit_code == 2
    assert "--indexer must be an http(s):// URL, got 'localhost:42069'" in refused.stderr
    assert "connecting" not in refused.stderr


ALICE = ShippingDetails(name="Alice Moreau", lines=("12 Rue des Lilas",), city="Lyon", postcode="69003", country="FR")
MALLORY = ShippingDetails(name="Mallory Drop", lines=("1 Parcel Lane",), city="Reno", postcode="89501", country="US")


def test_a_lying_indexer_cannot_change_where_an_order_ships(indexed_store: IndexedStore, tmp_path: Any) -> None:
    """B1 buys from S1 with her address sealed to S1's shipping key and her own. The proxy hands the seller's
    inbox another address sealed to the same keys and bound to the same order (it opens as well as hers: HPKE
    base mode does not say who sealed it), and names other blocks for two more purchases of the product: one
    that holds another purchase of it, one past the chain's head. The client and `dapp orders --seller
    --decrypt` use the chain's orderData of each and name each lie (on stderr)."""
    store = indexed_store
    chain_id, catalog = int(store.w3.eth.chain_id), store.deployment.address
    seller, buyer = store.accounts[1], store.accounts[3]  # S1 and B1 of the scripted shop

    def public_key(account: str) -> bytes:  # the key `dapp orders --decrypt` derives from the account's signature
        return derive_keypair_checked(lambda text: sign_text(store.w3, account, text), chain_id, catalog).public_key

    context = OrderContext(chain_id, catalog, 1, buyer)  # S1's product a: escrowed, in stock
    keys = (public_key(seller), public_key(buyer))
    ref = store.client(buyer).buy(1, order_data=seal(ALICE, *keys, context)).order
    forged = seal(MALLORY, *keys, context)
    store.synced()
    truth = store.client().seller_orders(seller)  # the log scan
    assert dict((o.ref, data) for o, data in truth)[OrderRef(1, 3)] == b"sealed shipping details of a3"
    warnings: list[str] = []
    assert store.client(indexer=store.url, on_warning=warnings.append).seller_orders(seller) == truth
    assert warnings == []
    (placed_in,) = [block for found, block, _ in store.client().purchases([1]) if found == ref]
    with LyingIndexer(store.url) as liar:
        liar.order_data = {str(ref): "0x" + forged.hex()}
        liar.blocks = {"1-3": placed_in, "1-5": 10**9}
        client = store.client(indexer=liar.url, on_warning=warnings.append)
        assert client.seller_orders(seller) == truth
        assert liar.lies_told > 0
        elsewhere = "which the chain has elsewhere: its orderData is read from the chain's logs instead"
        assert warnings == [  # the inbox comes newest first
            f"the indexer's orderData of order {ref} differs from the chain's: the chain's is used",
            f"the indexer names block {10**9} for the purchase of order 1-5, {elsewhere}",
            f"the indexer names block {placed_in} for the purchase of order 1-3, {elsewhere}",
        ]

        from click.testing import CliRunner

        from dapp.cli import main

        net = ["--network", store.node.url, "--deployments", str(store.registry.directory), "--no-metadata"]
        env = {"DAPP_HOME": str(tmp_path / ".dapp"), "DAPP_INDEXER_URL": ""}
        inbox = ["orders", "--seller", "--decrypt", "--account", "1", "--indexer", liar.url, *net, "--json"]
        result = CliRunner().invoke(main, inbox, env=env)
    assert result.exit_code == 0, result.output
    rows = {row["order"]: row for row in json.loads(result.stdout)}
    assert rows[str(ref)]["shipTo"]["name"] == "Alice Moreau" and "Mallory" not in result.stdout
    assert f"warning: the indexer's orderData of order {ref} differs from the chain's" in result.stderr
    assert "order 1-3, which the chain has elsewhere" in result.stderr


def test_a_lying_indexer_cannot_change_an_order_or_a_product(indexed_store: IndexedStore) -> None:
    """The proxy says every product costs 1 wei and has an order of B1's in another state: the client reads
    each product and order the indexer names from the chain, so its answers are the log scan's."""
    store = indexed_store
    seller, buyer = store.accounts[1], store.accounts[3]  # S1 and B1 of the scripted shop
    honest = store.client()
    orders, products, inbox = honest.orders_of(buyer), honest.products_of(seller), honest.seller_orders(seller)
    first = orders[0]
    with LyingIndexer(store.url) as liar:
        liar.price = 1
        liar.states = {str(first.ref): int(first.state) % 9 + 1}
        client = store.client(indexer=liar.url)
        assert client.orders_of(buyer) == orders
        assert client.products_of(seller) == products
        assert client.seller_orders(seller) == inbox
        assert liar.lies_told > 0


@pytest.mark.postgres
def test_a_ponder_serve_replica_answers_what_the_postgres_writer_answers(indexed_store: IndexedStore) -> None:
    """The production layout, once, against a real PostgreSQL: `ponder start` writing the session's store
    into Postgres (started beside the session's indexer, see conftest) and a `ponder serve` replica (another
    process, as on another machine) reading the same schema answer exactly what the session's PGlite
    indexer and the chain answer. In this file: pytest-xdist's --dist loadfile keeps it on the worker that
    holds the session's store."""
    store = indexed_store
    assert store.postgres is not None
    writer = store.postgres.result(timeout=SYNC_TIMEOUT)
    indexed = wait_synced(writer.process, writer.url, store.w3, SYNC_TIMEOUT)
    reader, writing = IndexerReader(writer.replica_url), IndexerReader(writer.url)
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
    for sql_reader in (reader, writing):  # /sql under Postgres: Ponder's read-only pool, no shared session
        assert len(_same_rows(sql_reader, "product", "products")) == len(products)
        for table in ("review", "balance", "seller"):
            assert _same_rows(sql_reader, table, f"{table}s")
    # Ctrl-C stops `dapp indexer serve` and the replica it ran; the writer goes on.
    assert writer.replica.interrupt() == 0
    with pytest.raises(IndexerError):
        IndexerReader(writer.replica_url, timeout=5).indexed_block()
    assert writing.indexed_block() >= indexed
