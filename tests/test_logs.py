"""Event history through a provider that caps eth_getLogs, as hosted RPC providers do.

The chain is a real anvil; in front of it sits a small JSON-RPC relay on 127.0.0.1 that forwards
everything but refuses eth_getLogs over more than MAX_RANGE blocks, with the error text one such
provider uses. The client must split its queries and still find every event.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.deploy import deploy_catalog
from dapp.ipfs.cid import Cid, Codec
from dapp.networks import http_web3
from dapp.nodes import AnvilNode
from dapp.registry import Registry
from dapp.types import ListingTerms
from tests.support.fixtures import DIGEST
from tests.support.http_server import LocalHTTPServer

pytestmark = pytest.mark.anvil
MAX_RANGE = 4


class CappedRelay(ThreadingHTTPServer):
    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.refused = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: CappedRelay

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body.get("method") == "eth_getLogs":
            params = body["params"][0]
            span = int(params["toBlock"], 16) - int(params["fromBlock"], 16) + 1
            if span > MAX_RANGE:
                self.server.refused += 1
                error = {"code": -32602, "message": f"block range is too wide (max {MAX_RANGE})"}
                self._reply({"jsonrpc": "2.0", "id": body["id"], "error": error})
                return
        self._reply(requests.post(self.server.upstream, json=body, timeout=10).json())

    def _reply(self, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def relay(anvil_node: AnvilNode) -> Iterator[CappedRelay]:
    relay = CappedRelay(anvil_node.url)
    with LocalHTTPServer(relay):
        yield relay


def test_history_survives_a_capped_provider(relay: CappedRelay, anvil_node: AnvilNode, tmp_path: object) -> None:
    w3 = http_web3(relay.url)
    seller, buyer = w3.eth.accounts[1], w3.eth.accounts[2]
    deployment = deploy_catalog(w3, w3.eth.accounts[0], Registry(tmp_path), force=True).deployment  # type: ignore[arg-type]
    abi = load_artifact().abi
    shop = CatalogClient.from_deployment(w3, deployment, abi, account=seller)
    me = CatalogClient.from_deployment(w3, deployment, abi, account=buyer)
    pid = shop.list_product(ListingTerms(1000, 50, Cid(DIGEST, Codec.RAW))).product_id
    expected = [me.buy(pid, 1).order for _ in range(11)]  # one block each: 12+ blocks of history

    assert me.order_refs_of(buyer) == expected
    assert relay.refused > 0  # the first wide query was refused and split
