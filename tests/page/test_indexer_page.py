"""The page with our Ponder indexer: the session's indexed store (tests/indexer/conftest.py: a real Ponder on
anvil, 200+ products, 2,000+ orders, every Catalog event) and the page built for its Catalog, served on a
local port with the store's Kubo gateway behind it.

With the indexer the catalog searches, sorts, filters and pages over every product, and the histories come
from it; every view shows the same orders as without it (log scans and contract views). An indexer that is
not one, of another chain or Catalog, or behind the chain gets a banner naming the problem and the page reads
the chain. A lying one (a proxy rewriting a real Ponder's answers) cannot make the user pay another price or
act on another state: the page shows the chain's values and warns. A reorged order leaves the page.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from web3 import Web3

from dapp.indexer.reader import IndexerReader
from dapp.page import PageConfig
from dapp.shipping import OrderContext, ShippingDetails, derive_keypair_checked, seal
from dapp.transactions.signers import sign_text
from dapp.types import OrderRef, OrderState
from tests.indexer.conftest import IndexedStore, indexed_store  # noqa: F401  (the session's indexed store)
from tests.support.lying_indexer import LyingIndexer
from tests.support.page_server import PageServer

from .conftest import LAPTOP, PHONE, WALLET_JS, screenshot
from .test_buy import connect, settled, transact

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.ponder, pytest.mark.chromium, pytest.mark.slow]

B1, S1, B2, ARB = 3, 1, 4, 5  # the scripted shop's accounts (tests/indexer/store.py every_event)
DEAD = "0x000000000000000000000000000000000000dEaD"
PURCHASED = "0x" + Web3.keccak(text="Purchased(uint256,address,uint256,uint256,uint256,bool,bytes)").hex()[-64:]


@pytest.fixture
def serve(
    indexed_store: IndexedStore,  # noqa: F811
    page_template: Path,
    tmp_path: Path,
) -> Iterator[Callable[..., str]]:
    """serve(indexer=URL or None, address=...) -> the URL of the page built for the store with that config."""
    servers: list[PageServer] = []

    def run(indexer: str | None, address: str | None = None) -> str:
        store = indexed_store
        directory = tmp_path / f"page-{len(servers)}"
        shutil.copytree(page_template, directory)
        deployment = store.deployment
        config = PageConfig.for_deployment(deployment, store.node.url, indexer=indexer)
        if address is not None:
            config = PageConfig(**{**config.__dict__, "address": address})
        (directory / "config.json").write_bytes(config.to_json())
        server = PageServer(directory, store.gateway.replace("localhost", "127.0.0.1"), store.node.url).start()
        servers.append(server)
        return f"{server.url}/"

    yield run
    for server in servers:
        server.stop()


@pytest.fixture
def open_page(browser: Any, indexed_store: IndexedStore) -> Iterator[Callable[..., Any]]:  # noqa: F811
    """open_page(url, account=index or None) -> a page with the test wallet of that dev account, and the
    JSON-RPC methods and indexer paths it asked for (page.rpc_methods, page.indexer_paths), the methods of each
    HTTP request to the node (page.rpc_batches; "eth_getLogs TOPIC0" for a log filter), and the first topic and
    block range of each eth_getLogs filter (page.log_events, page.log_ranges)."""
    contexts: list[Any] = []
    store = indexed_store

    def run(url: str, account: int | str | None = None, viewport: dict[str, int] = LAPTOP) -> Any:
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        contexts.append(context)
        if account is not None:
            chain_id = int(store.w3.eth.chain_id)
            who = store.accounts[account] if isinstance(account, int) else account
            wallet = {"account": who, "rpcUrl": store.node.url, "anvilChainId": chain_id,
                      "chainId": chain_id, "announce": True}  # fmt: skip
            context.add_init_script(WALLET_JS.replace("__WALLET_CONFIG__", json.dumps(wallet)))
        page = context.new_page()
        page.set_default_timeout(30_000)
        methods: list[str] = []
        paths: list[str] = []
        events: list[str] = []
        ranges: list[tuple[str, str]] = []
        batches: list[list[str]] = []

        def seen(request: Any) -> None:
            if request.method == "POST" and request.url.rstrip("/") == store.node.url.rstrip("/"):
                body = json.loads(request.post_data or "{}")
                calls = body if isinstance(body, list) else [body]
                methods.extend(call.get("method") for call in calls)
                batches.append([])
                for call in calls:
                    batches[-1].append(str(call.get("method")))
                    if call.get("method") == "eth_getLogs":
                        log_filter = (call.get("params") or [{}])[0]
                        events.append(str((log_filter.get("topics") or [None])[0]).lower())
                        ranges.append((str(log_filter.get("fromBlock")), str(log_filter.get("toBlock"))))
                        batches[-1][-1] += f" {events[-1]}"
            elif "/graphql" in request.url or "/catalog" in request.url or "/status" in request.url:
                paths.append(request.url.split("/", 3)[3].split("?")[0])

        page.on("request", seen)
        page.goto(url)
        page.rpc_methods, page.indexer_paths, page.log_events = methods, paths, events
        page.log_ranges, page.rpc_batches = ranges, batches
        return page

    yield run
    for context in contexts:
        context.close()


HEADINGS = {"#/orders": "My orders", "#/sell": "Your shop", "#/arbiter": "Disputes to settle"}


def view(page: Any, hash_: str) -> None:
    """Show `hash_` and wait until its view loaded (its heading is there from the first render on, which
    marks the page busy until the data is on screen)."""
    page.evaluate(f"location.hash = {json.dumps(hash_)}")
    if hash_ in HEADINGS:
        expect(page.locator("main h1")).to_have_text(HEADINGS[hash_])
    else:
        expect(page.locator("article.product")).to_be_visible()
    settled(page)
    expect(page.locator(".scan-progress")).to_have_count(0)


def card_ids(page: Any) -> list[int]:
    return [int(i) for i in page.locator("a.card").evaluate_all("cards => cards.map(c => c.dataset.product)")]


def test_the_catalog_searches_sorts_filters_and_pages_every_product_from_the_indexer(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
) -> None:
    store = indexed_store
    reader = IndexerReader(store.url)
    listed = reader.query("{ products(where: {listed: true}) { totalCount } }")["products"]["totalCount"]
    page = open_page(serve(store.url))
    grid = page.locator(".grid")
    expect(grid).to_have_attribute("data-source", "indexer")
    expect(grid).to_have_attribute("data-count", str(listed))
    expect(page.locator("a.card")).to_have_count(24)
    expect(page.locator(".banner[data-kind='indexer']")).to_have_count(0)
    first = reader.query('{ products(where: {listed: true}, orderBy: "id", limit: 24) { items { id } } }')
    assert card_ids(page) == [int(p["id"]) for p in first["products"]["items"]]  # listing order
    pages = -(-listed // 24)
    expect(page.locator(".pager [data-page]")).to_have_text(f"Page 1 of {pages}")
    page.locator("button[data-action='next-page']").click()
    expect(page.locator(".pager [data-page]")).to_have_text(f"Page 2 of {pages}")
    settled(page)
    second = card_ids(page)
    assert len(second) == 24 and min(second) > 24
    page.locator("button[data-action='previous-page']").click()
    expect(page.locator(".pager [data-page]")).to_have_text(f"Page 1 of {pages}")

    # A name far past the first page: the indexer searches every product, not what the page has loaded.
    name = product_name(37)
    hits = [hit.product_id for hit in reader.search(name) if hit.listed]
    assert hits and min(hits) > 24
    page.get_by_label("Search products").fill(name)
    expect(page.locator(".search-scope")).to_have_text(
        f"{len(hits)} product{'s' if len(hits) != 1 else ''} found by the indexer, over the whole catalog."
    )
    settled(page)
    assert card_ids(page) == sorted(hits)
    expect(page.locator(f"a.card[data-product='{hits[0]}'] .name")).to_have_text(name)
    screenshot(page, "catalog-indexer-search-1280x800")
    page.set_viewport_size(PHONE)
    screenshot(page, "catalog-indexer-search-390x844")
    page.set_viewport_size(LAPTOP)

    page.get_by_label("Search products").fill("")
    page.get_by_label("Sort").select_option("price-desc")
    expect(page.locator(".pager [data-page]")).to_have_text(f"Page 1 of {pages}")
    settled(page)
    prices = [store.client().product(i).price for i in card_ids(page)]
    top = reader.query('{ products(where: {listed: true}, orderBy: "price", orderDirection: "desc", limit: 1) '
                       "{ items { price } } }")["products"]["items"][0]["price"]  # fmt: skip
    assert prices == sorted(prices, reverse=True) and prices[0] == int(top)
    page.get_by_label("Sort").select_option("newest")
    settled(page)
    assert card_ids(page)[0] == int(store.client().product_count())
    page.locator("input[name='stock']").check()
    settled(page)
    in_stock = reader.query('{ products(where: {listed: true, stock_gt: "0"}) { totalCount } }')
    expect(grid).to_have_attribute("data-count", str(in_stock["products"]["totalCount"]))
    expect(page.get_by_label("Currency").locator("option")).to_have_text(["Any currency", "ETH"])
    assert "eth_getLogs" not in page.rpc_methods


def product_name(index: int) -> str:
    from tests.indexer.store import product_document

    return str(json.loads(product_document(index))["name"])


def histories(page: Any) -> dict[str, Any]:
    """What the buyer's, seller's and arbiter's views and a product's reviews show, to compare two pages."""
    shown: dict[str, Any] = {}
    for hash_ in ("#/orders", "#/sell", "#/arbiter"):
        view(page, hash_)
        if hash_ == "#/sell":  # the seller's workspace (a lazy chunk) adds its panels once it arrived
            expect(page.locator("section.inbox[data-workspace='ready']")).to_be_visible()
            expect(page.locator("main h2", has_text="Shop profile")).to_be_visible()
        # Each card's order, state and what it offers (actions, "Show my address", the seller's note): the
        # indexer must hand the card the order's orderData and tracking document as the logs do.
        shown[hash_] = page.locator("article.order").evaluate_all(
            """cards => cards.map(c => [c.dataset.order, c.dataset.state,
                [...c.querySelectorAll('[data-action]')].map(b => b.dataset.action).sort().join(' '),
                [...c.querySelectorAll('[data-note]')].map(n => n.dataset.note).join(' ')]).sort()"""
        )
        shown[f"{hash_} h2"] = page.locator("main h2").all_inner_texts()
    view(page, "#/product/1")
    shown["reviews"] = page.locator(".reviews-list").inner_text()
    return shown


@pytest.mark.parametrize("account", [B1, S1, ARB])
def test_histories_from_the_indexer_match_the_chain(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
    account: int,
) -> None:
    """Each role's views with the indexer show exactly what they show from log scans and views without it,
    and with the indexer no log is scanned."""
    store = indexed_store
    store.synced()
    with_index = open_page(serve(store.url), account=account)
    connect(with_index)
    expect(with_index.locator(".grid")).to_have_attribute("data-source", "indexer")
    indexed = histories(with_index)
    without = open_page(serve(None), account=account)
    connect(without)
    scanned = histories(without)
    assert indexed == scanned
    # With the indexer no history is scanned from logs. The workspace in #/sell reads the account's shop profile
    # (its shipping encryption key) from its ProfileSet log on purpose: that key is never taken from the indexer.
    # Each order's orderData is read from its Purchased log, in the one block the indexer names.
    profile_set = "0x" + Web3.keccak(text="ProfileSet(address,bytes32,uint8)").hex().removeprefix("0x")
    assert set(with_index.log_events) <= {profile_set, PURCHASED}, with_index.log_events
    bought_in = [r for e, r in zip(with_index.log_events, with_index.log_ranges, strict=True) if e == PURCHASED]
    assert all(start == end for start, end in bought_in), bought_in
    assert "eth_getLogs" in without.rpc_methods
    assert any(path == "graphql" for path in with_index.indexer_paths)
    if account == B1:
        truth = sorted(str(o.ref) for o in store.client(B1).orders_of(store.accounts[B1]))
        assert [card[0] for card in indexed["#/orders"]] == truth
        # Her order a3 carries orderData and shipped with a tracking document: both reach her card.
        offers = " ".join(card[2] + " " + card[3] for card in indexed["#/orders"])
        assert "show-address" in offers and ("show-note" in offers or "plain" in offers), indexed["#/orders"]


def showing(first: int, last: int, total: int) -> str:
    """The pager's line: "Showing 51\u2013100 of 2,019"."""
    return f"Showing {first}\u2013{last} of {total:,}"


def test_the_seller_desk_pages_through_every_order_and_product_of_a_big_seller(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
) -> None:
    """The bulk seller (the BatchStore contract: 200 products, 2,000 orders) pages its inbox and its products
    by the indexer's cursors; each page's orders and products are read from the chain in one JSON-RPC batch,
    with each order's Purchased log from the one block the indexer names."""
    store = indexed_store
    store.synced()
    assert store.batch is not None
    seller = store.batch.address
    reader = IndexerReader(store.url)
    inbox = reader.query(
        'query($who: String!) { orders(where: {seller: $who, state_in: [1, 2, 3]}, orderBy: "position", limit: 150) '
        "{ items { productId orderNo } totalCount } }",
        {"who": seller.lower()},
    )["orders"]
    refs = [f"{o['productId']}-{o['orderNo']}" for o in inbox["items"]]
    open_total = int(inbox["totalCount"])
    mine = reader.query(
        'query($who: String!) { products(where: {seller: $who}, orderBy: "id", orderDirection: "desc", limit: 150) '
        "{ items { id } totalCount } }",
        {"who": seller.lower()},
    )["products"]
    ids = [int(p["id"]) for p in mine["items"]]
    product_total = int(mine["totalCount"])
    assert open_total >= 2_000 and product_total >= 200  # pages enough for every pager button

    page = open_page(serve(store.url), account=seller)
    connect(page)
    view(page, "#/sell")
    expect(page.locator("section.inbox[data-workspace='ready']")).to_be_visible()
    orders_pager = page.locator(".pager[data-list='orders']").first
    products_pager = page.locator(".pager[data-list='products']").first
    expect(page.locator("section.inbox h2")).to_have_text(f"Orders to handle ({open_total:,})")
    expect(orders_pager.locator("[data-showing]")).to_have_text(showing(1, 50, open_total))
    expect(orders_pager.locator("[data-action='previous-page']")).to_be_disabled()
    expect(products_pager.locator("[data-showing]")).to_have_text(showing(1, 50, product_total))

    def shown_orders() -> list[str]:
        return [
            str(r) for r in page.locator("section.inbox article.order").evaluate_all("a => a.map(c => c.dataset.order)")
        ]

    def shown_products() -> list[int]:
        cards = page.locator("article.seller-product").evaluate_all("a => a.map(c => c.dataset.product)")
        return [int(i) for i in cards]

    assert shown_orders() == refs[:50]
    assert shown_products() == ids[:50]

    # The next page of the inbox: the indexer's next 50, each read from the chain in one batch.
    before = len(page.rpc_batches)
    orders_pager.locator("[data-action='next-page']").click()
    expect(orders_pager.locator("[data-showing]")).to_have_text(showing(51, 100, open_total))
    settled(page)
    assert shown_orders() == refs[50:100]
    client = store.client()
    for card in page.locator("section.inbox article.order").all()[:5]:
        product_id, order_no = (int(x) for x in str(card.get_attribute("data-order")).split("-"))
        assert card.get_attribute("data-state") == str(int(client.order(OrderRef(product_id, order_no)).state))
    checks = [b for b in page.rpc_batches[before:] if f"eth_getLogs {PURCHASED}" in b]
    assert checks, page.rpc_batches[before:]
    for batch in checks:  # the page's 50 orders, their Purchased logs and their products: one request
        assert batch.count(f"eth_getLogs {PURCHASED}") == 50 and batch.count("eth_call") >= 50, batch
    bought_in = [r for e, r in zip(page.log_events, page.log_ranges, strict=True) if e == PURCHASED]
    assert all(start == end for start, end in bought_in), bought_in
    expect(products_pager.locator("[data-showing]")).to_have_text(showing(1, 50, product_total))

    # The products page on their own; the inbox stays where it is.
    products_pager.locator("[data-action='next-page']").click()
    expect(products_pager.locator("[data-showing]")).to_have_text(showing(51, 100, product_total))
    settled(page)
    assert shown_products() == ids[50:100]
    expect(orders_pager.locator("[data-showing]")).to_have_text(showing(51, 100, open_total))
    assert shown_orders() == refs[50:100]
    orders_pager.locator("[data-action='next-page']").click()
    expect(orders_pager.locator("[data-showing]")).to_have_text(showing(101, 150, open_total))
    settled(page)
    assert shown_orders() == refs[100:150]
    # From the pager under the list: back to the top of the inbox, on the page before.
    bottom = page.locator(".pager[data-list='orders']").last
    bottom.scroll_into_view_if_needed()
    bottom.locator("[data-action='previous-page']").click()
    expect(orders_pager.locator("[data-showing]")).to_have_text(showing(51, 100, open_total))
    settled(page)
    assert shown_orders() == refs[50:100]
    clear = "h => h.getBoundingClientRect().top >= document.querySelector('.topbar').getBoundingClientRect().bottom"
    assert page.locator("section.inbox h2").evaluate(clear), "the inbox's heading is in view, under the header"
    assert not page.locator("article.order[data-new]").count(), "a page turned to marks no order new"
    page.locator("section.inbox").evaluate("s => s.scrollIntoView()")
    screenshot(page, "desk-indexer-pages-1280x800")
    page.set_viewport_size(PHONE)
    page.locator("section.inbox").evaluate("s => s.scrollIntoView()")
    screenshot(page, "desk-indexer-pages-390x844")
    page.set_viewport_size(LAPTOP)
    orders_pager.locator("[data-action='previous-page']").click()
    expect(orders_pager.locator("[data-showing]")).to_have_text(showing(1, 50, open_total))
    settled(page)
    assert shown_orders() == refs[:50]


def test_without_an_indexer_search_covers_the_loaded_names_and_says_so(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
) -> None:
    page = open_page(serve(None))
    expect(page.locator(".grid")).to_have_attribute("data-source", "chain")
    expect(page.locator(".card .name[data-doc='loading']")).to_have_count(0)
    page.get_by_label("Search products").fill(product_name(5))
    scope = page.locator(".search-scope")
    expect(scope).to_contain_text("Without an indexer, search covers only the product names loaded so far")
    expect(page.locator("a.card")).to_have_count(1)
    expect(page.locator("a.card .name")).to_have_text(product_name(5))
    page.get_by_label("Search products").fill(product_name(37))  # on a page not viewed: not found, and said so
    expect(page.locator(".empty")).to_contain_text("No products match")
    expect(scope).to_contain_text("not the whole catalog")
    screenshot(page, "catalog-no-indexer-search-1280x800")


@pytest.mark.parametrize("kind", ["not-an-indexer", "unreachable", "other-chain", "other-catalog"])
def test_an_unusable_indexer_is_named_and_the_page_reads_the_chain(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
    kind: str,
) -> None:
    store = indexed_store
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    gateway = store.gateway.replace("localhost", "127.0.0.1")  # a web server, not an indexer
    with LyingIndexer(store.url) as liar:
        url, expected = {
            "not-an-indexer": (gateway, f"{gateway} is not an indexer of this store"),
            "unreachable": (closed, f"The indexer at {closed} does not answer"),
            "other-chain": (liar.url, "indexes chain 10, but this store lives on chain 31337"),
            "other-catalog": (liar.url, "indexes the Catalog at " + DEAD),
        }[kind]
        lies: dict[str, dict[str, Any]] = {"other-chain": {"chainId": 10}, "other-catalog": {"address": DEAD}}
        liar.about = lies.get(kind, {})
        page = open_page(serve(url), account=B1)
        banner = page.locator(".banner[data-kind='indexer']")
        expect(banner).to_contain_text("The indexer is not used")
        expect(banner).to_contain_text(expected)
        expect(page.locator(".grid")).to_have_attribute("data-source", "chain")
        expect(page.locator("a.card").first).to_be_visible()
        connect(page)
        view(page, "#/orders")
        truth = store.client(B1).orders_of(store.accounts[B1])
        expect(page.locator("article.order")).to_have_count(len(truth))
        if kind == "other-chain":
            screenshot(page, "indexer-other-chain-1280x800")


def test_an_indexer_behind_the_chain_is_used_once_it_catches_up(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
) -> None:
    store = indexed_store
    store.synced()
    store.proxy.flowing.clear()  # Ponder's RPC requests wait: it stops following the chain
    try:
        for _ in range(10):
            store.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        page = open_page(serve(store.url))
        banner = page.locator(".banner[data-kind='indexer']")
        expect(banner).to_contain_text("The indexer is behind the chain")
        expect(banner).to_contain_text(f"the chain is at block {store.w3.eth.block_number}")
        expect(page.locator(".grid")).to_have_attribute("data-source", "chain")
        expect(page.locator("a.card").first).to_be_visible()
    finally:
        store.proxy.flowing.set()
    expect(banner).to_have_count(0, timeout=120_000)  # re-checked every few seconds until it caught up
    expect(page.locator(".grid")).to_have_attribute("data-source", "indexer", timeout=30_000)


def test_a_lying_indexer_cannot_change_what_is_paid_or_acted_on(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
) -> None:
    """The proxy says every product costs 1 wei, has a reviewed order as still paid, and hides another."""
    store = indexed_store
    store.synced()
    orders = store.client(B1).orders_of(store.accounts[B1])
    reviewed = next(o for o in orders if o.state == OrderState.REVIEWED)
    hidden = next(o for o in orders if o.ref != reviewed.ref)
    with LyingIndexer(store.url) as liar:
        liar.price = 1
        liar.states = {str(reviewed.ref): int(OrderState.PAID)}
        liar.hidden = {str(hidden.ref)}
        page = open_page(serve(liar.url), account=B2)
        expect(page.locator(".grid")).to_have_attribute("data-source", "indexer")
        first = page.locator("a.card[data-product='1']")
        expect(first.locator(".price")).to_have_text("0.00000000000003 ETH")  # the chain's 30,000 wei
        expect(first.locator(".indexer-warning")).to_contain_text("the price shown is the chain's")
        expect(page.locator("p.doc-warning.indexer-warning")).to_contain_text("differs from the chain for 24 products")
        screenshot(page, "catalog-lying-indexer-1280x800")
        page.set_viewport_size(PHONE)
        screenshot(page, "catalog-lying-indexer-390x844")
        page.set_viewport_size(LAPTOP)

        # Buying pays the chain's price: the product view and the purchase read the chain.
        bulk = store.bulk_ids[0]
        price = store.client().product(bulk).price
        page.locator(f"a.card[data-product='{bulk}']").click()
        connect(page)
        expect(page.locator(".price.big")).not_to_have_text("0.000000000000000001 ETH")
        count = store.client().product(bulk).order_count
        transact(page, page.get_by_role("button", name="Buy now").click)
        order = store.client().order(OrderRef(bulk, count + 1))
        assert (order.buyer, order.amount) == (store.accounts[B2], price)
        assert liar.lies_told > 0

        buyer = open_page(serve(liar.url), account=B1)
        connect(buyer)
        view(buyer, "#/orders")
        card = buyer.locator(f"article.order[data-order='{reviewed.ref}']")
        expect(card).to_have_attribute("data-state", str(int(OrderState.REVIEWED)))  # the chain's state
        expect(card.locator("button[data-action='cancel']")).to_have_count(0)
        expect(buyer.locator(".indexer-warning")).to_contain_text(
            f"The indexer has order {reviewed.ref} as “Awaiting shipment”, but the chain says “Reviewed”"
        )
        # Hiding is within a lying indexer's power: the order is missing, nothing else is wrong.
        expect(buyer.locator(f"article.order[data-order='{hidden.ref}']")).to_have_count(0)
        expect(buyer.locator("article.order")).to_have_count(len(orders) - 1)
        screenshot(buyer, "orders-lying-indexer-1280x800")


ALICE = ShippingDetails(name="Alice Moreau", lines=("12 Rue des Lilas",), city="Lyon", postcode="69003", country="FR")
MALLORY = ShippingDetails(name="Mallory Drop", lines=("1 Parcel Lane",), city="Reno", postcode="89501", country="US")


def test_a_lying_indexer_cannot_change_where_an_order_ships(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
) -> None:
    """B1 buys with her address sealed to S1's shop key and her own. The proxy hands the seller's inbox and her
    My orders another address sealed to the same two keys and bound to the same order, which opens as well as
    hers (HPKE base mode does not say who sealed it): both pages show the chain's address and name the order."""
    store = indexed_store
    chain_id, catalog = int(store.w3.eth.chain_id), store.deployment.address

    def public_key(account: int) -> bytes:  # the key the page derives from the wallet's signatures
        sign = lambda text: sign_text(store.w3, store.accounts[account], text)  # noqa: E731
        return derive_keypair_checked(sign, chain_id, catalog).public_key

    product_id = 1  # S1's product a (tests/indexer/store.py every_event): escrowed, in stock
    context = OrderContext(chain_id, catalog, product_id, store.accounts[B1])
    keys = (public_key(S1), public_key(B1))
    ref = store.client(B1).buy(product_id, order_data=seal(ALICE, *keys, context)).order
    forged = seal(MALLORY, *keys, context)
    store.synced()
    warning = f"The indexer's details for order {ref} do not match the chain; the chain's are shown."
    with LyingIndexer(store.url) as liar:
        liar.order_data = {str(ref): "0x" + forged.hex()}
        seller = open_page(serve(liar.url), account=S1)
        connect(seller)
        view(seller, "#/sell")
        expect(seller.locator("section.inbox[data-workspace='ready']")).to_be_visible()
        expect(seller.locator(".indexer-warning")).to_contain_text(warning)
        seller.locator("button[data-action='unlock']").click()
        expect(seller.locator(f"article.order[data-order='{ref}'] [data-address='ok']")).to_contain_text("Alice Moreau")
        expect(seller.locator("#view")).not_to_contain_text("Mallory")
        assert liar.lies_told > 0
        # Each order's Purchased log is read from its one block, in the JSON-RPC batch of the view's reads.
        checks = [batch for batch in seller.rpc_batches if f"eth_getLogs {PURCHASED}" in batch]
        assert checks and all("eth_call" in batch and "eth_getBlockByNumber" in batch for batch in checks), checks
        seller.locator("body").evaluate("() => window.scrollTo(0, 0)")
        screenshot(seller, "inbox-lying-indexer-1280x800")
        seller.set_viewport_size(PHONE)
        screenshot(seller, "inbox-lying-indexer-390x844")

        buyer = open_page(serve(liar.url), account=B1)
        connect(buyer)
        view(buyer, "#/orders")
        expect(buyer.locator(".indexer-warning")).to_contain_text(warning)
        card = buyer.locator(f"article.order[data-order='{ref}']")
        card.locator("button[data-action='show-address']").click()
        expect(card.locator(".sent-address[data-open='true']")).to_contain_text("Alice Moreau")
        expect(buyer.locator("#view")).not_to_contain_text("Mallory")


def test_a_reorged_order_leaves_the_page(
    indexed_store: IndexedStore,  # noqa: F811
    serve: Any,
    open_page: Any,
) -> None:
    store = indexed_store
    store.synced()
    buyer = store.client(B1)
    before = buyer.orders_of(store.accounts[B1])
    snapshot = store.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    placed = buyer.buy(store.bulk_ids[-1]).order
    store.synced()
    page = open_page(serve(store.url), account=B1)
    connect(page)
    view(page, "#/orders")
    expect(page.locator(f"article.order[data-order='{placed}']")).to_have_count(1)
    expect(page.locator("article.order")).to_have_count(len(before) + 1)
    assert store.w3.provider.make_request("evm_revert", [snapshot])["result"] is True  # type: ignore[arg-type]
    for _ in range(3):  # the other branch grows longer than the one the indexer saw
        store.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    store.synced()
    page.reload()  # the wallet stays connected, as a real one remembers the site
    expect(page.locator(".wallet-chip")).to_be_visible()
    settled(page)
    expect(page.locator("article.order")).to_have_count(len(before))
    expect(page.locator(f"article.order[data-order='{placed}']")).to_have_count(0)
