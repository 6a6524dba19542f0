"""An HTTP proxy in front of a real Ponder indexer that passes every request on and rewrites the answers it
is told to: what a dishonest or compromised indexer could serve a page. `about` is merged into GET /catalog
(another chain id, another Catalog address), `height` replaces the block of GET /status, `price` replaces
every product's price in GraphQL answers, `states` replaces the state of the orders it names ("7-2": order 2
of product 7), `order_data` their orderData (the buyer's sealed address), `blocks` the block of their
purchase, and `hidden` drops those orders.
CORS as Ponder's own (any origin), so a page can call it."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from tests.support.http_server import LocalHTTPServer


class LyingIndexer(LocalHTTPServer):
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.about: dict[str, Any] = {}
        self.height: int | None = None
        self.price: int | None = None
        self.states: dict[str, int] = {}
        self.order_data: dict[str, str] = {}
        self.blocks: dict[str, int] = {}
        self.hidden: set[str] = set()
        self.lies_told = 0  # answers it changed
        super().__init__(self._handler())

    def rewrite(self, path: str, body: Any) -> Any:
        if path == "/catalog" and self.about and isinstance(body, dict):
            return {**body, **self.about}
        if path == "/status" and self.height is not None and isinstance(body, dict):
            return {name: {**chain, "block": {**chain["block"], "number": self.height}} for name, chain in body.items()}
        if path == "/graphql" and isinstance(body, dict) and isinstance(body.get("data"), dict):
            for connection in body["data"].values():
                items = connection.get("items") if isinstance(connection, dict) else None
                if isinstance(items, list):
                    connection["items"] = [self._item(item) for item in items if self._shown(item)]
        return body

    def _ref(self, item: dict[str, Any]) -> str | None:
        return f"{item['productId']}-{item['orderNo']}" if "orderNo" in item and "productId" in item else None

    def _shown(self, item: dict[str, Any]) -> bool:
        return self._ref(item) not in self.hidden

    def _item(self, item: dict[str, Any]) -> dict[str, Any]:
        ref = self._ref(item)
        if ref in self.states and "state" in item:
            item = {**item, "state": self.states[ref]}
        elif self.price is not None and "price" in item and ref is None:
            item = {**item, "price": str(self.price)}
        if ref in self.order_data and "orderData" in item:
            item = {**item, "orderData": self.order_data[ref]}
        if ref in self.blocks and "blockNumber" in item:
            item = {**item, "blockNumber": str(self.blocks[ref])}
        return item

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers", "content-type")
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _forward(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))) if method == "POST" else None
                headers = {"Content-Type": "application/json"} if body is not None else {}
                reply = requests.request(method, proxy.upstream + self.path, data=body, headers=headers, timeout=60)
                content = reply.content
                try:
                    answer = reply.json()
                except ValueError:
                    answer = None
                if answer is not None:
                    original = json.dumps(answer).encode()
                    told = json.dumps(proxy.rewrite(self.path.split("?")[0], answer)).encode()
                    if told != original:
                        proxy.lies_told += 1
                    content = told
                self.send_response(reply.status_code)
                self._cors()
                self.send_header("Content-Type", reply.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def do_GET(self) -> None:
                self._forward("GET")

            def do_POST(self) -> None:
                self._forward("POST")

        return Handler
