"""What the bad-input tables (tests/test_bad_input_*.py, tests/page/test_bad_input.py) share: the bad
inputs themselves, servers that are not what they claim to be, and the "nothing lost" snapshot."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3

from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.demo import mint_request
from dapp.deploy import deploy_catalog, deploy_contract
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.metadata import MAX_DOCUMENT, canonical_json
from dapp.liveness import DEMO_TOKEN
from dapp.registry import Deployment, Registry
from dapp.transactions import TransactionPipeline
from dapp.types import ListingTerms, OrderRef
from tests.support.fixtures import CID, deploy_no_decimals_token
from tests.support.http_server import LocalHTTPServer

# The JSON-RPC methods that send a transaction: none may be seen while bad input is refused.
SENDS = frozenset({"eth_sendTransaction", "eth_sendRawTransaction"})

CIDV0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"
BLAKE2_CID = "bafk2bzacediwdvyriwv65rppcwv46bczz3daujzsdyxqvqhpplhfevhvsrchm"  # raw, hashed with blake2b-256
CBOR_CID = "bafyreibnoelefnzgwbcacyt4vh52ymxvzbjq7mmqhtcnwarfq4lzegsiqe"  # dag-cbor: not storable
SCRIPT_NAME = '<img src=x onerror="window.__pwned=1">Mug<script>window.__pwned=2</script>'


def wrong_checksum(address: str) -> str:
    """`address` (checksummed) with the case of its first letter flipped: a typo the checksum catches."""
    i = next(i for i, c in enumerate(address) if i > 1 and c.isalpha())
    return address[:i] + address[i].swapcase() + address[i + 1 :]


@dataclass(frozen=True)
class Doc:
    body: bytes

    @property
    def cid(self) -> Cid:
        return Cid.of_block(Codec.RAW, self.body)


def bad_documents() -> dict[str, Doc]:
    """Product metadata documents that must not be accepted, each under the CID of its own bytes (so the
    CID check passes and the document itself is judged)."""
    product = {"schema": "ownerless-store/product@1", "name": "Mug", "description": "", "images": []}
    return {
        "invalid": Doc(b'{"schema": "ownerless-store/product@1", "name": "Mug",'),
        "oversized": Doc(canonical_json({**product, "description": "z" * MAX_DOCUMENT})),
        "wrong_schema": Doc(canonical_json({**product, "schema": "ownerless-store/review@1"})),
        "wrong_types": Doc(canonical_json({**product, "name": ["Mug"], "images": "bafy"})),
        "escape": Doc(canonical_json({**product, "name": "Mug\x1b]0;pwned\x07\x1b[2J"})),
    }


class FakeServer(LocalHTTPServer):
    """An HTTP server on 127.0.0.1 that is not what a caller hopes for; records the JSON-RPC methods it was
    asked (a body that is not JSON-RPC is recorded as '?')."""

    def __init__(self, answer: Callable[[str, bytes], tuple[int, str, bytes]], *, cors: bool = False) -> None:
        self.methods: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, body: bytes) -> None:
                if body:
                    try:
                        request = json.loads(body)
                        calls = request if isinstance(request, list) else [request]
                        server.methods += [str(c.get("method", "?")) for c in calls if isinstance(c, dict)]
                    except ValueError:
                        server.methods.append("?")
                status, ctype, payload = answer(self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                if cors:  # a server a page on another origin may read (an IPFS API that allows the page)
                    self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._serve(b"")

            def do_POST(self) -> None:
                self._serve(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(Handler, poll_interval=0.02)  # polled often: stopping waits for the next poll

    @classmethod
    def html(cls) -> FakeServer:
        """A web server: every request gets a 200 HTML page (a router's admin page, a typo'd port)."""
        page = b"<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>"
        return cls(lambda path, body: (200, "text/html", page))

    @classmethod
    def not_json_rpc(cls) -> FakeServer:
        """A JSON API that is not JSON-RPC (a REST service, an IPFS API on the wrong port)."""
        return cls(lambda path, body: (200, "application/json", b'{"Message": "404 page not found", "Code": 0}'))

    @classmethod
    def lying_kubo(cls, cid: str) -> FakeServer:
        """A Kubo RPC API that accepts any block and says it stored it under `cid` (a node with other import
        settings, or one that lies), to any origin."""
        answer = json.dumps({"Key": cid, "Size": 1}).encode()
        return cls(lambda path, body: (200, "application/json", answer), cors=True)

    @classmethod
    def gateway(cls, files: dict[str, bytes], upstream: str | None = None) -> FakeServer:
        """A path gateway serving `files` (CID -> bytes) at /ipfs/CID, and anything else from the gateway
        at `upstream` (Kubo's, for the page itself), if given."""

        def answer(path: str, body: bytes) -> tuple[int, str, bytes]:
            cid = path.split("/")[2] if path.startswith("/ipfs/") else ""
            if cid in files:
                return 200, "application/octet-stream", files[cid]
            if upstream is None:
                return 404, "text/plain", b"not found"
            try:
                with urllib.request.urlopen(upstream + path, timeout=30) as response:
                    return response.status, response.headers.get("Content-Type", "text/plain"), response.read()
            except urllib.error.HTTPError as exc:
                return exc.code, "text/plain", exc.read()

        return cls(answer)


@dataclass(frozen=True)
class DisputedShop:
    """What the CLI and client tables start from: a Catalog and the demo tUSD registered in `home`'s
    registry; product 1 in ETH (stock 1), product 2 in tUSD with account 4 as arbiter, its order 2-1 in
    dispute and its order 2-2 paid with the buyer's open settlement offer of OFFERED_AMOUNT; a token without
    decimals(); and the bad files of the folder (see `write_bad_files`)."""

    deployment: Deployment
    usd: str
    accounts: list[str]
    order: OrderRef
    no_decimals: str
    offered: OrderRef

    def client(self, w3: Web3, account: int) -> CatalogClient:
        return CatalogClient.from_deployment(w3, self.deployment, load_artifact().abi, account=self.accounts[account])


OFFERED_AMOUNT = 3_000_000  # 3 tUSD of order 2-2's 12.50 back to the buyer: the open offer of the tables' shop
KEYSTORE_PASSWORD = "correct horse"


def open_disputed_shop(w3: Web3, home: Path, key: str) -> DisputedShop:
    """Set up `DisputedShop` in process (the tables test the CLI and the client, not this), with `key`'s
    keystore in `home`."""
    accounts = [str(a) for a in w3.eth.accounts]
    registry = Registry(home / "deployments")
    deployment = deploy_catalog(w3, accounts[0], registry, force=True).deployment
    usd = deploy_contract(w3, accounts[0], registry, load_artifact(DEMO_TOKEN), force=True).deployment.address
    TransactionPipeline(w3, accounts[0]).execute(mint_request(usd, accounts[2], 1_000 * 10**6))
    shop = DisputedShop(deployment, usd, accounts, OrderRef(2, 1), deploy_no_decimals_token(w3), OrderRef(2, 2))
    seller, buyer = shop.client(w3, 1), shop.client(w3, 2)
    assert seller.list_product(ListingTerms(1000, 1, Cid.parse(CID))).product_id == 1
    terms = {"currency": usd, "escrow_window": 86_400, "handling_time": 3_600, "arbiter": accounts[4]}
    assert seller.list_product(ListingTerms(12_500_000, 5, Cid.parse(CID), **terms)).product_id == 2
    assert buyer.buy(2, 1).order == shop.order
    seller.ship(shop.order)
    buyer.dispute(shop.order)
    assert buyer.buy(2, 1).order == shop.offered
    buyer.offer_settlement(shop.offered, OFFERED_AMOUNT)
    write_bad_files(home, registry, key)
    return shop


def write_bad_files(home: Path, registry: Registry, key: str) -> None:
    """`key.json` (`key`'s keystore, password KEYSTORE_PASSWORD), a truncated copy, order data one byte too
    long, and a folder per broken registry: missing, truncated, foreign JSON, and one that claims another
    chain."""
    (home / "key.json").write_text(json.dumps(Account.encrypt(key, KEYSTORE_PASSWORD)))
    (home / "order-data-1025.bin").write_bytes(b"\x01" * 1025)  # one byte over MAX_ORDER_DATA
    (home / "truncated-key.json").write_text((home / "key.json").read_text()[:100])
    text = registry.path_for(31337).read_text()
    broken = {
        "registry-missing": None,
        "registry-truncated": text[: len(text) // 2],
        "registry-foreign": json.dumps({"name": "some-package", "version": "1.0.0"}),
        "registry-other-chain": text.replace('"chainId": 31337', '"chainId": 1', 1),
    }
    for folder, content in broken.items():
        (home / folder).mkdir()
        if content is not None:
            (home / folder / "31337.json").write_text(content)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` and its bytes: equal before and after means nothing was lost or half-written."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
