"""A flaky JSON-RPC proxy for tests: sits in front of a real node on 127.0.0.1 and fails the calls a test
names, the Nth call of a method, never on a timer.

    with FlakyRpcProxy(anvil.url) as proxy:
        proxy.fail("eth_sendRawTransaction", Fault.ERROR_AFTER_FORWARD, on=1)
        ... use proxy.url ...
        assert proxy.count("eth_sendRawTransaction") == 1

Faults: a 429 (with a Retry-After header if given); a 500 or a dropped connection or malformed JSON
*after* the request reached the node (the node acted on it, the caller cannot know); a dropped connection
before forwarding (the node never saw it); a JSON-RPC "method not found" answer (a node without that API);
a crash: the test's action (kill the node) run before or after the call is forwarded, then the connection
dropped, so the node dies at exactly that call.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from tests.support.http_server import LocalHTTPServer


class Fault(Enum):
    RATE_LIMIT = "429"
    ERROR_AFTER_FORWARD = "500 after forwarding"
    DROP_BEFORE_FORWARD = "drop before forwarding"
    DROP_AFTER_FORWARD = "drop after forwarding"
    MALFORMED_AFTER_FORWARD = "malformed JSON after forwarding"
    METHOD_NOT_FOUND = "JSON-RPC method not found"
    CANNED_RESULT = "a fixed result instead of the node's (a backend that lags behind)"
    RPC_ERROR = "a JSON-RPC error with the message given as `result`"
    CRASH_BEFORE_FORWARD = "run the action given as `result` (kill the node), then drop: the node never saw it"
    CRASH_AFTER_FORWARD = "forward, run the action given as `result` (kill the node), then drop the answer"
    NOT_JSON = "an HTTP 200 whose body is not JSON at all (a captive portal, a proxy's error page)"
    NO_RESULT = "a JSON-RPC answer with neither result nor error"


@dataclass
class _Rule:
    method: str
    fault: Fault
    on: frozenset[int] | None  # 1-based call numbers of `method`; None: every call
    retry_after: str | None
    result: Any = None


class FlakyRpcProxy(LocalHTTPServer):
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self.calls: list[str] = []  # every method, in arrival order
        self.injected: list[tuple[str, int, Fault]] = []
        super().__init__(self._handler())

    def fail(
        self,
        method: str,
        fault: Fault,
        *,
        on: int | Iterable[int] | None = None,
        retry_after: str | None = None,
        result: Any = None,
    ) -> None:
        """Inject `fault` into calls number `on` (1-based, counted from now on) of `method`; every call if None.
        CANNED_RESULT answers `result` without asking the node; the CRASH faults call `result()`."""
        with self._lock:
            base = self._counts[method]
            numbers = None if on is None else frozenset(base + n for n in ([on] if isinstance(on, int) else on))
            self._rules.append(_Rule(method, fault, numbers, retry_after, result))

    def heal(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._rules.clear()

    def count(self, method: str) -> int:
        with self._lock:
            return self._counts[method]

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()
            self.calls.clear()
            self.injected.clear()
            self._rules = [r for r in self._rules if r.on is None]

    def _decide(self, method: str) -> tuple[int, _Rule | None]:
        with self._lock:
            self._counts[method] += 1
            number = self._counts[method]
            self.calls.append(method)
            for rule in self._rules:
                if rule.method == method and (rule.on is None or number in rule.on):
                    self.injected.append((method, number, rule.fault))
                    return number, rule
            return number, None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: a dropped one takes nothing else along

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    request = json.loads(body)
                except ValueError:
                    request = {}
                method = "batch" if isinstance(request, list) else str(request.get("method", "?"))
                _, rule = proxy._decide(method)
                fault = rule.fault if rule else None
                if fault is Fault.RATE_LIMIT:
                    assert rule is not None
                    headers = {"Retry-After": rule.retry_after} if rule.retry_after is not None else {}
                    return self._reply(429, b'{"error": "rate limited"}', headers)
                if fault is Fault.DROP_BEFORE_FORWARD:
                    return self._drop()
                if fault is Fault.CRASH_BEFORE_FORWARD:
                    assert rule is not None
                    rule.result()
                    return self._drop()
                if fault is Fault.NOT_JSON:
                    return self._reply(200, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})
                if fault is Fault.NO_RESULT:
                    return self._reply(200, json.dumps({"jsonrpc": "2.0", "id": request.get("id")}).encode())
                if fault is Fault.METHOD_NOT_FOUND:
                    error = {"code": -32601, "message": f"the method {method} does not exist/is not available"}
                    answer = {"jsonrpc": "2.0", "id": request.get("id"), "error": error}
                    return self._reply(200, json.dumps(answer).encode())
                if fault is Fault.RPC_ERROR:
                    assert rule is not None
                    error = {"code": -32005, "message": str(rule.result)}
                    answer = {"jsonrpc": "2.0", "id": request.get("id"), "error": error}
                    return self._reply(200, json.dumps(answer).encode())
                if fault is Fault.CANNED_RESULT:
                    assert rule is not None
                    answer = {"jsonrpc": "2.0", "id": request.get("id"), "result": rule.result}
                    return self._reply(200, json.dumps(answer).encode())
                try:
                    upstream = requests.post(
                        proxy.upstream, data=body, headers={"Content-Type": "application/json"}, timeout=60
                    )
                except requests.ConnectionError:  # the node is gone (a test killed it): so is this answer
                    return self._drop()
                if fault is Fault.ERROR_AFTER_FORWARD:
                    return self._reply(500, b"Internal Server Error")
                if fault is Fault.DROP_AFTER_FORWARD:
                    return self._drop()
                if fault is Fault.CRASH_AFTER_FORWARD:
                    assert rule is not None
                    rule.result()
                    return self._drop()
                if fault is Fault.MALFORMED_AFTER_FORWARD:
                    return self._reply(200, upstream.content[: len(upstream.content) // 2])
                self._reply(upstream.status_code, upstream.content)

            def _reply(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _drop(self) -> None:
                self.close_connection = True  # no status line at all: the client sees the connection end

        return Handler
