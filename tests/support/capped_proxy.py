"""A JSON-RPC proxy that behaves like a public L2 endpoint in front of a real node: `eth_getLogs` over more
than `max_block_range` blocks is refused with the error text such providers use, and more than `rate`
requests a second are answered HTTP 429 with a Retry-After header. It counts what it forwarded and what
it refused, so a benchmark can report how many requests a history cost.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from tests.support.http_server import LocalHTTPServer


class CappedRpcProxy(LocalHTTPServer):
    def __init__(self, upstream: str, *, max_block_range: int = 10_000, rate: float = 10.0) -> None:
        self.upstream = upstream
        self.max_block_range = max_block_range
        self.rate = rate
        self.counts: Counter[str] = Counter()  # answered by the node, per method ("batch" for a batch)
        self.refused_range = 0
        self.rate_limited = 0
        self._lock = threading.Lock()
        self._next_slot = 0.0  # the earliest time the next request is within the rate
        self._local = threading.local()
        super().__init__(self._handler())

    @property
    def requests(self) -> int:
        """Every HTTP request received: answered, refused as too wide, or rate-limited."""
        with self._lock:
            return sum(self.counts.values()) + self.refused_range + self.rate_limited

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self.refused_range = self.rate_limited = 0

    def _admit(self) -> float:
        """0 if this request is within the rate (and takes its slot), else the seconds until one is free."""
        with self._lock:
            now = time.monotonic()
            if now >= self._next_slot:
                self._next_slot = max(now, self._next_slot) + 1.0 / self.rate
                return 0.0
            return self._next_slot - now

    def _too_wide(self, call: Any, head: int) -> bool:
        if not isinstance(call, dict) or call.get("method") != "eth_getLogs":
            return False
        params = call.get("params") or [{}]
        query = params[0] if isinstance(params[0], dict) else {}
        if "blockHash" in query:
            return False

        def number(tag: Any, default: int) -> int:
            if tag in (None, "latest", "pending", "safe", "finalized"):
                return default
            return 0 if tag == "earliest" else int(str(tag), 16)

        return number(query.get("toBlock"), head) - number(query.get("fromBlock"), head) + 1 > self.max_block_range

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _head(self) -> int:
        reply = self._session().post(
            self.upstream, json={"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []}, timeout=60
        )
        return int(reply.json()["result"], 16)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                wait = proxy._admit()
                if wait > 0:
                    with proxy._lock:
                        proxy.rate_limited += 1
                    retry = str(max(1, round(wait + 0.49)))
                    return self._reply(429, b'{"error": "rate limit: too many requests per second"}',
                                       {"Retry-After": retry})  # fmt: skip
                try:
                    request = json.loads(body)
                except ValueError:
                    request = {}
                calls = request if isinstance(request, list) else [request]
                needs_head = any(
                    isinstance(c, dict) and c.get("method") == "eth_getLogs" for c in calls
                )  # fmt: skip
                head = proxy._head() if needs_head else 0
                if any(proxy._too_wide(c, head) for c in calls):
                    with proxy._lock:
                        proxy.refused_range += 1
                    errors = [
                        {"jsonrpc": "2.0", "id": c.get("id") if isinstance(c, dict) else None,
                         "error": {"code": -32600,
                                   "message": f"eth_getLogs is limited to a {proxy.max_block_range} block range"}}
                        for c in calls
                    ]  # fmt: skip
                    return self._reply(200, json.dumps(errors if isinstance(request, list) else errors[0]).encode())
                with proxy._lock:
                    proxy.counts["batch" if isinstance(request, list) else str(request.get("method"))] += 1
                reply = proxy._session().post(
                    proxy.upstream, data=body, headers={"Content-Type": "application/json"}, timeout=300
                )
                self._reply(reply.status_code, reply.content)

        return Handler
