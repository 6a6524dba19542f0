"""A small typed reader of our Ponder indexer's GraphQL API, and the checks that make it usable.

The indexer is a convenience, never a root of trust. Before a client takes an answer from it,
`IndexerReader.check` confirms that it indexes this chain (chain id) and this Catalog (address), and
that it has indexed up to the chain's head (waiting a little for it to catch up); the caller checks the
contract's code itself. Any failure is an `IndexerError` naming what is wrong, and the caller falls back
to scanning the chain's logs.

Rows come back as the client's own types (Order, Product, Review) with exactly the fields the contract's
views return, so the two sources can be compared field by field.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from eth_utils.address import to_checksum_address
from web3 import Web3

from dapp.exceptions import IndexerBehindError, IndexerError, IndexerMismatchError
from dapp.ipfs.cid import Cid, Codec
from dapp.types import Order, OrderRef, OrderState, Product, Review

PROTOCOL = "ownerless-store/catalog@1"
PAGE = 1000  # Ponder's GraphQL limit per page
POLL = 0.1


class IndexerFallbackWarning(UserWarning):
    """The indexer could not be used; the answer came from the chain's logs instead."""


@dataclass(frozen=True)
class CatalogIndex:
    """What an indexer says it follows (GET /catalog)."""

    chain_id: int
    address: str
    start_block: int


@dataclass(frozen=True)
class SearchHit:
    product_id: int
    name: str
    description: str
    seller: str
    price: int
    currency: str
    listed: bool


@dataclass(frozen=True)
class IndexedPurchase:
    """An order as the indexer has it, with what it says of the order's Purchased event: its orderData
    (None: none given, or not hex) and the block it was emitted in (None: none given, or not a block
    number). The client checks both against the chain: the indexer only says where to look."""

    order: Order
    order_data: bytes | None
    block_number: int | None


_PRODUCT_FIELDS = """id seller currency price stock handlingTime escrowWindow arbiter orderCount termsVersion
ratingCount ratingSum metadataDigest metadataCodec listed"""
_ORDER_FIELDS = """productId orderNo buyer currency quantity unitPrice amount termsVersion state placedAt shippedAt
deadline offerBy offerBuyerAmount"""
_REVIEW_FIELDS = "productId orderNo reviewer rating reviewDigest reviewCodec blockNumber txHash"


class IndexerReader:
    """GraphQL queries against one indexer URL."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()

    # --- what it is, how far it got -------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        # Once more on a connection error: Node closes an idle keep-alive connection after 5 s, which a
        # reused session only learns by trying it.
        for attempt in (1, 2):
            try:
                return self._session.request(method, self.url + path, timeout=self.timeout, **kwargs)
            except requests.ConnectionError as exc:
                if attempt == 2:
                    raise IndexerError(f"the indexer at {self.url} does not answer: {type(exc).__name__}") from None
            except requests.RequestException as exc:
                raise IndexerError(f"the indexer at {self.url} does not answer: {type(exc).__name__}") from None
        raise AssertionError("unreachable")

    def _get(self, path: str) -> requests.Response:
        return self._request("GET", path)

    def catalog(self) -> CatalogIndex:
        reply = self._get("/catalog")
        try:
            data = reply.json() if reply.ok else None
            if not isinstance(data, dict) or data.get("indexer") != PROTOCOL:
                raise ValueError
            return CatalogIndex(int(data["chainId"]), to_checksum_address(data["address"]), int(data["startBlock"]))
        except (ValueError, KeyError, TypeError):
            raise IndexerMismatchError(
                f"{self.url} is not a Catalog indexer (GET /catalog answered HTTP {reply.status_code} without "
                f"the {PROTOCOL} description)"
            ) from None

    def ready(self) -> bool:
        """Ponder's /ready: the historical sync is done."""
        return self._get("/ready").status_code == 200

    def indexed_block(self) -> int:
        """The last block the indexer has applied (Ponder's /status); -1 before the first."""
        reply = self._get("/status")
        try:
            chains = reply.json()
            return int(chains["catalog"]["block"]["number"])
        except (ValueError, KeyError, TypeError):
            return -1

    def check(self, w3: Web3, address: str, sync_timeout: float = 5.0) -> CatalogIndex:
        """Raise an IndexerError unless the indexer follows this chain and this Catalog and has reached
        the chain's head (waiting up to `sync_timeout` s: a healthy one is a poll interval behind)."""
        index = self.catalog()
        chain_id = int(w3.eth.chain_id)
        if index.chain_id != chain_id:
            raise IndexerMismatchError(
                f"the indexer at {self.url} indexes chain {index.chain_id}, not chain {chain_id}"
            )
        if index.address.lower() != address.lower():
            raise IndexerMismatchError(
                f"the indexer at {self.url} indexes the Catalog at {index.address}, not {to_checksum_address(address)}"
            )
        self.check_height(w3, sync_timeout)
        return index

    def check_height(self, w3: Web3, sync_timeout: float = 5.0) -> None:
        """Raise IndexerBehindError unless the indexer reaches the chain's head within `sync_timeout` s."""
        head = int(w3.eth.block_number)
        deadline = time.monotonic() + sync_timeout
        indexed = self.indexed_block()
        while indexed < head:
            if time.monotonic() >= deadline:
                raise IndexerBehindError(indexed, head, sync_timeout)
            time.sleep(POLL)
            indexed = self.indexed_block()

    # --- queries --------------------------------------------------------------------------------

    def query(self, text: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        reply = self._request("POST", "/graphql", json={"query": text, "variables": variables or {}})
        try:
            body = reply.json()
        except ValueError:
            raise IndexerError(f"the indexer at {self.url} answered HTTP {reply.status_code} without JSON") from None
        if not isinstance(body, dict) or body.get("errors") or not isinstance(body.get("data"), dict):
            errors = body.get("errors") if isinstance(body, dict) else body
            raise IndexerError(f"the indexer at {self.url} refused a query: {errors}")
        data: dict[str, Any] = body["data"]
        return data

    def sql(self, text: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of one read-only SELECT through Ponder's SQL over HTTP (`/sql/db`, what @ponder/client
        sends: superjson `{"json": {"sql", "params"}}`). Tables by their unqualified names: product,
        "order" (quoted: a keyword), review, balance, seller; columns in snake_case."""
        argument = json.dumps({"json": {"sql": text, "params": params or []}})
        reply = self._request("GET", "/sql/db", params={"sql": argument})
        try:
            rows = reply.json()["rows"] if reply.ok else None
        except (ValueError, KeyError, TypeError):
            rows = None
        if not isinstance(rows, list):
            raise IndexerError(
                f"the indexer at {self.url} refused an SQL query: HTTP {reply.status_code} {reply.text[:200]}"
            )
        return rows

    def _all(self, table: str, fields: str, where: str, variables: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every row of `table` matching `where`, in event order, a page at a time."""
        declared = "".join(f", ${name}: {kind}" for name, (kind, _) in variables.items())
        values = {name: value for name, (_, value) in variables.items()}
        text = f"""query Rows($after: String{declared}) {{
          {table}(where: {where}, orderBy: "position", orderDirection: "asc", limit: {PAGE}, after: $after) {{
            items {{ {fields} }}
            pageInfo {{ hasNextPage endCursor }}
          }}
        }}"""
        after = None
        while True:
            page = self.query(text, {**values, "after": after})[table]
            yield from page["items"]
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]

    def orders_of(self, buyer: str) -> list[Order]:
        rows = self._all("orders", _ORDER_FIELDS, "{buyer: $who}", {"who": ("String!", buyer.lower())})
        return [_order(row) for row in rows]

    def orders_for_seller(
        self, seller: str, limit: int = 100, after: str | None = None
    ) -> tuple[list[Order], str | None]:
        """A seller's inbox, newest first, a page at a time: (orders, cursor of the next page or None)."""
        page, cursor = self.seller_purchases(seller, limit, after)
        return [p.order for p in page], cursor

    def seller_purchases(
        self, seller: str, limit: int = 100, after: str | None = None
    ) -> tuple[list[IndexedPurchase], str | None]:
        """`orders_for_seller` with each order's orderData and purchase block, in the same query."""
        text = f"""query Inbox($who: String!, $after: String) {{
          orders(where: {{seller: $who}}, orderBy: "position", orderDirection: "desc", limit: {limit}, after: $after) {{
            items {{ {_ORDER_FIELDS} orderData blockNumber }}
            pageInfo {{ hasNextPage endCursor }}
          }}
        }}"""
        page = self.query(text, {"who": seller.lower(), "after": after})["orders"]
        cursor = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
        rows = [IndexedPurchase(_order(r), _bytes_or_none(r["orderData"]), _block_or_none(r["blockNumber"]))
                for r in page["items"]]  # fmt: skip
        return rows, cursor

    def products_of(self, seller: str) -> list[Product]:
        rows = self._all("products", _PRODUCT_FIELDS, "{seller: $who}", {"who": ("String!", seller.lower())})
        return [_product(row) for row in rows]

    def reviews(self, product_id: int) -> list[Review]:
        rows = self._all("reviews", _REVIEW_FIELDS, "{productId: $id}", {"id": ("BigInt!", str(product_id))})
        return [_review(row) for row in rows]

    def order_data(self, ref: OrderRef) -> bytes | None:
        """The orderData of order `ref`'s Purchased event; None if the indexer has no such order."""
        row = self.query(
            "query($id: String!) { order(id: $id) { orderData } }", {"id": f"{ref.product_id}-{ref.order_no}"}
        )
        found = row["order"]
        return bytes.fromhex((found["orderData"] or "0x")[2:]) if found else None

    def profile(self, seller: str) -> Cid | None:
        """The document of `seller`'s latest ProfileSet event; None if none was set or the last one cleared it."""
        text = "query($who: String!) { seller(address: $who) { profileDigest profileCodec } }"
        row = self.query(text, {"who": seller.lower()})["seller"]
        if not row or row["profileDigest"] is None:
            return None
        return Cid(bytes.fromhex(row["profileDigest"][2:]), Codec(int(row["profileCodec"])))

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Products whose verified name or description contains `text` (any case), lowest id first."""
        query = f"""query Search($text: String!) {{
          products(where: {{searchText_contains: $text}}, orderBy: "id", limit: {limit}) {{
            items {{ id name description seller price currency listed }}
          }}
        }}"""
        items = self.query(query, {"text": text.lower()})["products"]["items"]
        return [
            SearchHit(
                int(row["id"]),
                row["name"],
                row["description"] or "",
                to_checksum_address(row["seller"]),
                int(row["price"]),
                to_checksum_address(row["currency"]),
                bool(row["listed"]),
            )
            for row in items
        ]


def _bytes_or_none(value: object) -> bytes | None:
    if not isinstance(value, str) or not value.startswith("0x"):
        return None
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        return None


def _block_or_none(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        block = int(value)
    except ValueError:
        return None
    return block if block >= 0 else None


def _order(row: dict[str, Any]) -> Order:
    return Order(
        product_id=int(row["productId"]),
        order_no=int(row["orderNo"]),
        buyer=to_checksum_address(row["buyer"]),
        currency=to_checksum_address(row["currency"]),
        quantity=int(row["quantity"]),
        unit_price=int(row["unitPrice"]),
        amount=int(row["amount"]),
        terms_version=int(row["termsVersion"]),
        state=OrderState(int(row["state"])),
        placed_at=int(row["placedAt"]),
        shipped_at=int(row["shippedAt"]),
        deadline=int(row["deadline"]),
        offer_by=to_checksum_address(row["offerBy"]),
        offer_buyer_amount=int(row["offerBuyerAmount"]),
    )


def _product(row: dict[str, Any]) -> Product:
    return Product(
        id=int(row["id"]),
        seller=to_checksum_address(row["seller"]),
        currency=to_checksum_address(row["currency"]),
        price=int(row["price"]),
        stock=int(row["stock"]),
        handling_time=int(row["handlingTime"]),
        escrow_window=int(row["escrowWindow"]),
        arbiter=to_checksum_address(row["arbiter"]),
        order_count=int(row["orderCount"]),
        terms_version=int(row["termsVersion"]),
        rating_count=int(row["ratingCount"]),
        rating_sum=int(row["ratingSum"]),
        metadata_digest=bytes.fromhex(row["metadataDigest"][2:]),
        metadata_codec=Codec(int(row["metadataCodec"])),
        listed=bool(row["listed"]),
    )


def _review(row: dict[str, Any]) -> Review:
    return Review(
        product_id=int(row["productId"]),
        order_no=int(row["orderNo"]),
        reviewer=to_checksum_address(row["reviewer"]),
        rating=int(row["rating"]),
        review_digest=bytes.fromhex(row["reviewDigest"][2:]),
        review_codec=Codec(int(row["reviewCodec"])),
        block_number=int(row["blockNumber"]),
        tx_hash=row["txHash"],
    )
