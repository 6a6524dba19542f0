"""Which chain to talk to: one choice string, parsed in one place.

    embedded        eth-tester + py-evm in this process (no ports; state ends with the process)
    anvil, ganache  a local dev node: the one `dapp` left running for this project, else a new one
                    started in the background on a free 127.0.0.1 port (`dapp node stop` ends it)
    http(s)://...   any JSON-RPC endpoint, e.g. a node you run or a provider's URL

The CLI's order of precedence: the explicit `--network`, then $DAPP_NETWORK, then $DAPP_RPC_URL, then
`anvil` (the last three from dapp.settings); here the choice is always given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import urlparse

from web3 import Web3
from web3.exceptions import BadResponseFormat

from dapp import settings
from dapp.exceptions import NetworkError, NetworkMismatchError, RpcUnavailableError, UnknownNetworkError
from dapp.middleware import tune
from dapp.nodes import NODE_KINDS, LocalNode, ensure_background_node, running_node
from dapp.rpc import RpcProvider

DEV_NETWORKS = ("anvil", "ganache")
NETWORK_NAMES = ("embedded", *DEV_NETWORKS)
DEFAULT_NETWORK = settings.DEFAULT_NETWORK


@dataclass(frozen=True)
class NetworkChoice:
    """A parsed network choice: `kind` is embedded, anvil, ganache or url."""

    kind: str
    url: str | None = None

    @property
    def label(self) -> str:
        """What to print: an RPC URL cut to scheme://host:port (provider URLs carry API keys in the path)."""
        if self.url is None:
            return self.kind
        parsed = urlparse(self.url)
        hidden = "/…" if parsed.path.strip("/") or parsed.query else ""
        return f"{parsed.scheme}://{parsed.netloc.rpartition('@')[2]}{hidden}"


def parse_network(choice: NetworkChoice | str) -> NetworkChoice:
    """Turn `--network` into a NetworkChoice; raise on anything unknown."""
    if isinstance(choice, NetworkChoice):
        return choice
    choice = choice.strip()
    if choice in NETWORK_NAMES:
        return NetworkChoice(choice)
    parsed = urlparse(choice)
    if parsed.scheme in ("http", "https") and parsed.hostname:
        return NetworkChoice("url", choice)
    raise UnknownNetworkError(choice, NETWORK_NAMES)


# --- connections ----------------------------------------------------------------------------------


class Connection:
    """A connected Web3 plus whatever we started for it (an in-process chain, a node we own)."""

    def __init__(self, w3: Web3, choice: NetworkChoice, node: LocalNode | None = None) -> None:
        self.w3 = w3
        self.choice = choice
        self.node = node
        self.chain_id = int(w3.eth.chain_id)

    @functools.cached_property
    def client_version(self) -> str:
        """The node's software, asked only by whoever shows it (`dapp status`)."""
        return _client_version(self.w3)

    def close(self) -> None:
        if self.node is not None:
            self.node.stop()
            self.node = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _client_version(w3: Web3) -> str:
    try:
        return str(w3.client_version)
    except Exception:
        return "unknown"


def embedded_web3() -> Web3:
    """eth-tester + py-evm in this process: the `embedded` extra (`pip install 'ownerless-store[embedded]'`)."""
    try:
        from eth_tester import EthereumTester  # noqa: F401  (web3 imports it only when the provider is made)
        from web3 import EthereumTesterProvider
    except ImportError:
        raise NetworkError(
            "--network embedded needs eth-tester and py-evm: install the `embedded` extra, "
            "pip install 'ownerless-store[embedded]'"
        ) from None
    return tune(Web3(EthereumTesterProvider()))


def http_web3(url: str, timeout: float = 30.0) -> Web3:
    """A Web3 on an RPC URL with dapp's transport (dapp.rpc: 429s waited out, reads retried, sends never
    repeated) and middleware (dapp.middleware: chain facts asked once, Ganache's slow gas estimates avoided)."""
    return tune(Web3(RpcProvider(url, timeout=timeout)))


def _unreachable(label: str, exc: Exception) -> str:
    """Why the first request failed, in words: a server that answered, but not as a node (a web page, a
    REST API, a typo'd port), is said to be one; anything else is the node that could not be reached."""
    status = exc.status if isinstance(exc, RpcUnavailableError) else None
    not_json_rpc = isinstance(exc, RpcUnavailableError) and exc.not_json_rpc
    # 404/405: no JSON-RPC at that path. Not 401/403/429: a node that wants a key or fewer requests is one.
    if isinstance(exc, BadResponseFormat) or not_json_rpc or status in (404, 405):
        return f"{label} answers, but is not an Ethereum JSON-RPC node: check the URL and port ({exc})"
    return f"cannot reach {label}: is the node running and the URL right? ({exc})"


def connect(
    network: NetworkChoice | str,
    *,
    expected_chain_id: int | None = None,
    start_nodes: bool = True,
    own_node: bool = False,
    home: Path = settings.DEFAULT_HOME,
    node_binary: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Connection:
    """Connect to a network choice.

    For anvil/ganache, reuse this project's background node (recorded under `home`) or start one in the
    background (`start_nodes`); with `own_node`, start a fresh node owned by the returned Connection
    instead (stopped on close), which is what `dapp up` and the tests want. `node_binary`: the anvil or
    Ganache executable to start (default: PATH, then node_modules).
    """
    choice = parse_network(network)
    node: LocalNode | None = None
    if choice.kind == "embedded":
        w3 = embedded_web3()
    elif choice.kind == "url":
        assert choice.url is not None
        w3 = http_web3(choice.url)
    elif own_node:
        node = NODE_KINDS[choice.kind](binary=node_binary).start()
        w3 = http_web3(node.url)
    else:
        if start_nodes:
            record = ensure_background_node(home, choice.kind, node_binary, progress)
        else:
            found = running_node(home, choice.kind)
            if found is None:
                raise NetworkError(f"no {choice.kind} node runs for this project: run `dapp node start`")
            record = found
        w3 = http_web3(str(record["url"]))
    try:
        # The connection check is the chain id (needed anyway, and then cached): over HTTP the transport
        # retries it a few times, with backoff, before the node is called unreachable.
        w3.eth.chain_id  # noqa: B018
    except Exception as exc:
        if node is not None:
            node.stop()
        raise NetworkError(_unreachable(choice.label, exc)) from None
    connection = Connection(w3, choice, node)
    if expected_chain_id is not None and connection.chain_id != expected_chain_id:
        connection.close()
        raise NetworkMismatchError(expected_chain_id, connection.chain_id)
    return connection
