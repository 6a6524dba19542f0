"""A TCP forwarder for fault tests: it counts the bytes clients send and, once a set number has gone
through, runs an action (kill the server behind it) and cuts every connection, so a fault lands at a
point the test chose, not when a timer happens to fire."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType

CHUNK = 64 * 1024


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `upstream_port`. Use as a context manager."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.forwarded = 0  # bytes sent by clients and passed on upstream
        self._limit: int | None = None
        self._action: Callable[[], None] = lambda: None
        self._tripped = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])

    @property
    def tripped(self) -> bool:
        return self._tripped.is_set()

    def after_bytes(self, limit: int, action: Callable[[], None]) -> None:
        """Once `limit` client bytes have been forwarded, run `action`, then cut every connection."""
        self._limit, self._action = limit, action

    def __enter__(self) -> TcpProxy:
        self._spawn(self._accept_loop)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below; close() alone does not
        self._listener.close()
        self._cut()
        for thread in self._threads:
            thread.join(10)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # the listener was closed
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:  # the server is gone: so is this connection
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            self._spawn(self._pump, client, upstream, True)
            self._spawn(self._pump, upstream, client, False)

    def _pump(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        with contextlib.suppress(OSError):
            while not self._tripped.is_set():
                data = source.recv(CHUNK)
                if not data:
                    break
                sink.sendall(data)
                if counted:
                    with self._lock:
                        self.forwarded += len(data)
                        trip = self._limit is not None and self.forwarded >= self._limit and not self.tripped
                        if trip:
                            self._tripped.set()
                    if trip:
                        self._action()
                        self._cut()
                        return
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)  # pass the end of the stream on

    def _cut(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
