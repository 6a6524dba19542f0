"""A JSON-RPC proxy in front of a real node that forwards everything and records each request's method
and parameters (batches included), so a test can say exactly what a client asked for."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

import requests

from tests.support.http_server import LocalHTTPServer


class RecordingProxy(LocalHTTPServer):
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.requests: list[tuple[str, list[Any]]] = []
        self._lock = threading.Lock()
        self.flowing = threading.Event()  # cleared: requests wait here (the client sees a slow node)
        self.flowing.set()
        super().__init__(self._handler())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = []
                with proxy._lock:
                    for call in parsed if isinstance(parsed, list) else [parsed]:
                        if isinstance(call, dict):
                            proxy.requests.append((str(call.get("method")), list(call.get("params") or [])))
                proxy.flowing.wait(timeout=120)
                reply = requests.post(
                    proxy.upstream, data=body, headers={"Content-Type": "application/json"}, timeout=120
                )
                self.send_response(reply.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

        return Handler
