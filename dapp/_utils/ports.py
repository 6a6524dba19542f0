"""Loopback ports: a free one of the OS's choosing, or a stable one with a fallback when it is taken.

`dapp up` wants stable ports (anvil 8545, the Kubo gateway 8080) so a wallet adds the local network once and
URLs stay the same from run to run; but it must never share a port with someone else's node. So it asks
whether the port is free first and falls back to a free one when it is not. The check is racy (another
process may bind the port in between): callers whose tool then fails to bind try again with a new port.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

HOST = "127.0.0.1"


def free_port() -> int:
    """A port that was free a moment ago. Racy (another process may bind it first): only for tools that
    cannot bind port 0 themselves, and then with a retry when the bind fails."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True if a server could bind 127.0.0.1:`port` now. SO_REUSEADDR as servers set it (anvil, Kubo): a
    port whose old connections linger in TIME_WAIT counts as free, a port anyone listens on does not
    (also 0.0.0.0 or a dual-stack [::] listener)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
            sock.listen(1)
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class PortChoice:
    """The port wanted (0: any) and the port to use."""

    wanted: int
    port: int

    @property
    def fell_back(self) -> bool:
        """The wanted port was taken and another one was chosen."""
        return self.wanted != 0 and self.port != self.wanted


def choose_port(wanted: int, *, avoid: frozenset[int] = frozenset()) -> PortChoice:
    """`wanted` if it is free (and not in `avoid`, ports already promised to another tool), else a free
    port of the OS's choosing; 0 always gets a free port."""
    if wanted and wanted not in avoid and port_is_free(wanted):
        return PortChoice(wanted, wanted)
    while True:
        port = free_port()
        if port not in avoid:
            return PortChoice(wanted, port)
