"""A real HTTP server on 127.0.0.1 (a port the OS picks), served from a background thread: what the tests
put in front of a node or a gateway (a lying gateway, a URL that is not a node, a flaky RPC proxy)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


class LocalHTTPServer:
    """`server` answers until `stop()`; use it as a context manager, or `start()` and `stop()`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler] | ThreadingHTTPServer, poll_interval: float = 0.5) -> None:
        # A handler class, or a prepared server (one whose handlers read attributes of their server).
        server = handler if isinstance(handler, ThreadingHTTPServer) else ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        self.server = server
        # stop() waits for the serving loop's next poll
        self._thread = threading.Thread(target=server.serve_forever, args=(poll_interval,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
