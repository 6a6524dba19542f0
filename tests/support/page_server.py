"""The built shop page served from a folder on a local port, with its document gateway's /ipfs/ and its
JSON-RPC node (POST /rpc) behind the same origin, as an IPFS gateway serving the page would have them: the
page fetches documents from where it was served, and a node proxy that answers no CORS preflight (the scale
benchmark's capped proxy) still serves it."""

from __future__ import annotations

import urllib.error
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.http_server import LocalHTTPServer


class PageServer(LocalHTTPServer):
    """`directory` at /, /ipfs/... from `gateway`, POST /rpc to `rpc_url` (statuses and Retry-After kept)."""

    def __init__(self, directory: Path, gateway: str, rpc_url: str) -> None:
        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if not self.path.startswith("/ipfs/"):
                    return super().do_GET()
                try:
                    with urllib.request.urlopen(gateway + self.path, timeout=30) as reply:
                        status, body = reply.status, reply.read()
                except urllib.error.HTTPError as exc:
                    status, body = exc.code, b""
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                request = urllib.request.Request(rpc_url, data=body, headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request, timeout=120) as reply:
                        status, answer, retry = reply.status, reply.read(), None
                except urllib.error.HTTPError as exc:  # a capped proxy's 429, passed on as it is
                    status, answer, retry = exc.code, exc.read(), exc.headers.get("Retry-After")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if retry:
                    self.send_header("Retry-After", retry)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(directory))))
