"""The bad-input table through the `dapp` command (issue 11): one row per bad input, each a `dapp` process
against one shared anvil and one Catalog, in its own copy of a project folder.

Every row must give exactly one error line naming the problem, exit code 2 and no traceback; the
counting proxy in front of anvil (or the fake server an RPC row points at) must see no
eth_sendTransaction/eth_sendRawTransaction; and no file of the project folder (registry, journal,
keystore, document cache) may change. Each row counts as a `bad_input` in the reliability tally.

The processes are forks of one that imported `dapp` (tests.support.dapp_process.DappForkServer): a fresh
`python -m dapp` spends ~1.3 s of CPU importing web3 before it reads its arguments, 1.5 minutes for the
table. `test_the_fork_server_runs_dapp_as_python_m_dapp` runs some rows both ways and compares them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from dapp.ipfs.metadata import MAX_DOCUMENT
from dapp.networks import http_web3
from dapp.nodes import AnvilNode
from dapp.types import ListingTerms
from tests.support.bad_input import (
    BLAKE2_CID,
    CBOR_CID,
    CIDV0,
    KEYSTORE_PASSWORD,
    SENDS,
    FakeServer,
    bad_documents,
    open_disputed_shop,
    snapshot,
    wrong_checksum,
)
from tests.support.dapp_process import DappForkServer, dapp_server, fresh_dapp
from tests.support.fixtures import CID, Cli
from tests.support.rpc_proxy import FlakyRpcProxy

pytestmark = [pytest.mark.anvil]

KEY = "0x" + "4d" * 32


@dataclass
class World:
    """The shared chain and the project folder every row starts from (a copy each), and what the rows
    refer to by name (`{usd}`, `{keystore}`, ...): addresses, files relative to the folder, servers."""

    anvil_url: str
    home: Path
    env: dict[str, str]
    proxy: FlakyRpcProxy  # counts what each row asks the chain (rows run one at a time)
    html: FakeServer
    json_api: FakeServer
    values: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def world(anvil_node: AnvilNode, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A Catalog and the demo tUSD registered in the folder's registry, set up in process (the CLI is what
    the rows test): product 1 in ETH (stock 1), product 2 in tUSD with account 4 as arbiter, its order 2-1
    in dispute and its order 2-2 paid with the buyer's open offer, and one product per bad metadata document."""
    home = tmp_path_factory.mktemp("bad-input-cli")
    w3 = http_web3(anvil_node.url)
    shop = open_disputed_shop(w3, home, KEY)
    seller = shop.client(w3, 1)
    docs = bad_documents()
    ids = {name: str(seller.list_product(ListingTerms(1000, 1, doc.cid)).product_id) for name, doc in docs.items()}
    w3.provider.make_request("anvil_setBalance", [Account.from_key(KEY).address, hex(10**18)])  # type: ignore[arg-type]
    for name, text in SHIP_TO_FILES.items():
        (home / name).write_bytes(text)

    env = Cli(home).env
    with (
        FakeServer.gateway({str(doc.cid): doc.body for doc in docs.values()}) as gateway,
        FlakyRpcProxy(anvil_node.url) as proxy,
        FakeServer.html() as html,
        FakeServer.not_json_rpc() as json_api,
    ):
        yield World(
            anvil_node.url,
            home,
            env,
            proxy,
            html,
            json_api,
            {
                "usd": shop.usd,
                "catalog": shop.deployment.address,
                "stranger": shop.accounts[7],
                "bad_checksum": wrong_checksum(shop.accounts[7]),
                "no_decimals": shop.no_decimals,
                "disputed": str(shop.order),
                "offered": str(shop.offered),
                "seller": shop.accounts[1],
                "gateway": gateway.url,
                **{f"doc_{name}": pid for name, pid in ids.items()},
            },
        )


@dataclass(frozen=True)
class Row:
    id: str
    args: tuple[str, ...]
    message: str  # a fragment of the one error line that names the problem
    env: tuple[tuple[str, str], ...] = ()
    stdin: str = ""
    network: bool = True  # add --network <counting proxy> unless the row names its own


OFFLINE = ("verify-page", "cid", "car")  # commands without --network


def row(id: str, *args: str, message: str, env: dict[str, str] | None = None, stdin: str = "") -> Any:
    network = "--network" not in args and args[0] not in OFFLINE
    return pytest.param(
        Row(id, args, message, tuple((env or {}).items()), stdin, network),
        id=id,
        marks=pytest.mark.reliability("bad_input"),
    )


ADDRESS = {"name": "Ada Lovelace", "lines": ["12 Rose Street"], "city": "London", "postcode": "N1 9GU", "country": "GB"}
SHIP_TO_FILES = {
    "address.json": json.dumps(ADDRESS).encode(),
    "address-no-city.json": json.dumps({**ADDRESS, "city": ""}).encode(),
    "address-no-postcode.json": json.dumps({**ADDRESS, "postcode": " "}).encode(),
    "address-bad-country.json": json.dumps({**ADDRESS, "country": "England"}).encode(),
    "address-huge.json": json.dumps({**ADDRESS, "name": "A" * 100, "lines": ["L" * 100] * 3, "note": "n" * 280,
                                     "email": "e" * 240 + "@example.org"}).encode(),
    "address-binary.json": b"\x89PNG\r\n\x1a\n\xff\xfe",
    "address-list.json": b"[]",
}  # fmt: skip

# fmt: off
LIST = ("list-product", "--stock", "1")
GROUP = ("list-product", "--price", "1", "--name", "Tee", "--account", "1")
ROWS = [
    # --- addresses -------------------------------------------------------------------------------
    row("address-malformed", "orders", "--buyer", "0x123", message="buyer is not an Ethereum address: '0x123'"),
    row("address-wrong-checksum", "orders", "--buyer", "{bad_checksum}", message="fails its EIP-55 checksum"),
    row("address-malformed-to", "withdraw", "--to", "nobody", message="--to is not an Ethereum address"),
    row("address-wrong-checksum-to", "withdraw", "--to", "{bad_checksum}", message="fails its EIP-55 checksum"),
    row("address-wrong-checksum-arbiter", *LIST, "--price", "1000", "--escrow", "1d", "--arbiter", "{bad_checksum}",
        "--metadata-cid", CID, message="arbiter {bad_checksum} fails its EIP-55 checksum"),
    row("address-malformed-currency", *LIST, "--price", "1", "--currency", "0x1234", "--metadata-cid", CID,
        message="--currency is not an Ethereum address"),
    row("address-wrong-checksum-seller", "page", "build", "--seller", "{bad_checksum}",
        message="--seller {bad_checksum} fails its EIP-55 checksum"),
    row("address-wrong-checksum-currency", *LIST, "--price", "1", "--currency", "{bad_checksum}",
        "--metadata-cid", CID, message="--currency {bad_checksum} fails its EIP-55 checksum"),
    # --- quantities ------------------------------------------------------------------------------
    row("quantity-zero", "buy", "1", "--quantity", "0", message="0 is not in the range x>=1"),
    row("quantity-negative", "buy", "1", "--quantity", "-3", message="-3 is not in the range x>=1"),
    row("quantity-fractional", "buy", "1", "--quantity", "1.5", message="'1.5' is not a valid integer"),
    row("quantity-huge", "buy", "1", "--quantity", str(2**40), message="quantity must be between 1 and 4294967295"),
    row("quantity-over-stock", "buy", "1", "--quantity", str(2**32 - 1),
        message="(CatalogInsufficientStock) CatalogInsufficientStock(productId=1, requested=4294967295"),
    row("stock-negative", "list-product", "--stock", "-1", "--price", "1", "--metadata-cid", CID,
        message="--stock must be a whole number of units, got '-1'"),
    row("stock-huge", "list-product", "--stock", str(2**32), "--price", "1", "--metadata-cid", CID,
        message="stock must be between 0 and 4294967295"),
    # --- prices ----------------------------------------------------------------------------------
    row("price-zero", *LIST, "--price", "0", "--metadata-cid", CID, message="price must be between 1"),
    row("price-zero-token", *LIST, "--price", "0tUSD", "--metadata-cid", CID, message="price must be between 1"),
    row("price-negative", *LIST, "--price", "-1", "--metadata-cid", CID, message="not an amount: '-1'"),
    row("price-fractional-wei", *LIST, "--price", "0.5", "--metadata-cid", CID,
        message="'0.5' is not a whole, non-negative number of wei"),
    row("price-fractional-token", *LIST, "--price", "1.0000001tUSD", "--metadata-cid", CID, message="decimals"),
    row("price-huge", *LIST, "--price", "1000000000000ether", "--metadata-cid", CID,
        message="price must be between 1 and 2^96-1"),
    row("price-words", *LIST, "--price", "five", "--metadata-cid", CID, message="not an amount: 'five'"),
    row("expect-price-negative", "buy", "1", "--expect-price", "-1", message="not an amount: '-1'"),
    row("split-negative", "resolve", "{disputed}", "--buyer-amount", "-1tUSD", message="not an amount: '-1tUSD'"),
    row("split-huge", "resolve", "{disputed}", "--buyer-amount", "1000000tUSD", "--account", "4",
        message="(CatalogInvalidSplit)"),
    # --- settlement by agreement -------------------------------------------------------------------
    row("settle-no-action", "settle", "{disputed}", message="give --buyer-amount X to offer a split"),
    row("settle-accept-and-withdraw", "settle", "{disputed}", "--accept", "--withdraw",
        message="give one of --accept and --withdraw, not both"),
    row("settle-withdraw-with-amount", "settle", "{disputed}", "--withdraw", "--buyer-amount", "1tUSD",
        message="--withdraw takes back your open offer: it takes no --buyer-amount"),
    row("settle-negative", "settle", "{disputed}", "--buyer-amount", "-1tUSD", message="not an amount: '-1tUSD'"),
    row("settle-huge", "settle", "{disputed}", "--buyer-amount", "1000000tUSD", "--account", "2",
        message="(CatalogInvalidSplit)"),
    row("settle-not-party", "settle", "{disputed}", "--buyer-amount", "all", "--account", "7",
        message="is neither the buyer nor the seller of order 2-1"),
    row("settle-accept-no-offer", "settle", "{disputed}", "--accept", "--account", "1",
        message="(CatalogNoOffer) order 2-1 has no open settlement offer"),
    row("settle-withdraw-no-offer", "settle", "{disputed}", "--withdraw", "--account", "2",
        message="(CatalogNoOffer)"),
    row("settle-order-malformed", "settle", "2_1", "--accept", message="not an order: '2_1'"),
    row("settle-accept-changed-offer", "settle", "{offered}", "--accept", "--buyer-amount", "2tUSD", "--account", "1",
        message="(CatalogOfferMismatch) the open offer on order 2-2 gives the buyer 3000000, not 2000000"),
    row("settle-accept-own-offer", "settle", "{offered}", "--accept", "--account", "2",
        message="(CatalogOwnOffer) the open offer on order 2-2 is your own"),
    # --- v3 purchase rules -----------------------------------------------------------------------
    row("buy-own-product", "buy", "1", "--account", "1",
        message="(CatalogSellerIsBuyer) you are the seller of product 1"),
    row("order-data-oversized", "buy", "1", "--order-data", "order-data-1025.bin",
        message="order data is 1025 bytes; a purchase carries at most 1024"),
    row("order-data-missing", "buy", "1", "--order-data", "nowhere.bin", message="does not exist"),
    # --- shipping addresses (buy --ship-to) and groups of options (list-product --option) ---------
    row("ship-to-incomplete", "buy", "1", "--ship-to", "address-no-city.json", message="city is missing"),
    row("ship-to-no-postcode", "buy", "1", "--ship-to", "address-no-postcode.json", message="postcode is missing"),
    row("ship-to-bad-country", "buy", "1", "--ship-to", "address-bad-country.json",
        message="country must be a two-letter ISO 3166 code"),
    row("ship-to-oversized", "buy", "1", "--ship-to", "address-huge.json",
        message="the sealed address would be 1137 bytes and a purchase carries at most 1024"),
    row("ship-to-missing", "buy", "1", "--ship-to", "nowhere.json", message="nowhere.json: cannot read it"),
    row("ship-to-not-text", "buy", "1", "--ship-to", "address-binary.json", message="not UTF-8 text"),
    row("ship-to-not-object", "buy", "1", "--ship-to", "address-list.json", message="a JSON object of address"),
    row("ship-to-seller-without-key", "buy", "1", "--ship-to", "address.json", "--account", "2",
        message="has published no shipping key, so it cannot receive an address; nothing was sent"),
    row("ship-to-and-order-data", "buy", "1", "--ship-to", "address.json", "--order-data", "order-data-1025.bin",
        message="give one of --ship-to, --no-address and --order-data"),
    row("option-name-capital", *GROUP, "--option", "Size=S,M", "--stock", "1", message="option name \"Size\""),
    row("option-stock-missing", *GROUP, "--option", "size=S,M", "--stock", "S=1", message="no stock for 'M'"),
    row("option-value-twice", *GROUP, "--option", "size=S,S", "--stock", "1", message="names a value twice"),
    row("option-too-many-values", *GROUP, "--option", "size=" + ",".join(map(str, range(21))), "--stock", "1",
        message="has 21 values; at most 20"),
    row("option-with-metadata-cid", "list-product", "--price", "1", "--metadata-cid", CID, "--option", "size=S",
        "--stock", "1", message="--option makes one document per combination"),
    row("orders-csv-without-seller", "orders", "--csv", message="--csv writes a seller's orders to ship"),
    row("arbiter-is-seller", *LIST, "--price", "1000", "--escrow", "1d", "--arbiter", "{seller}", "--account", "1",
        "--metadata-cid", CID, message="the arbiter must not be the seller"),
    row("arbiter-is-catalog", *LIST, "--price", "1000", "--escrow", "1d", "--arbiter", "{catalog}",
        "--metadata-cid", CID, message="the arbiter must not be the Catalog itself"),
    row("escrow-window-too-short", *LIST, "--price", "1000", "--escrow", "23h", "--metadata-cid", CID,
        message="the escrow window must be 1 day to 365 days, got 82800 s"),
    row("escrow-window-too-long", *LIST, "--price", "1000", "--escrow", "366d", "--metadata-cid", CID,
        message="the escrow window must be 1 day to 365 days"),
    row("handling-time-too-short", *LIST, "--price", "1000", "--escrow", "1d", "--handling", "59m",
        "--metadata-cid", CID, message="the handling time must be 1 hour to 365 days, got 3540 s"),
    row("handling-time-too-long", *LIST, "--price", "1000", "--escrow", "1d", "--handling", "366d",
        "--metadata-cid", CID, message="the handling time must be 1 hour to 365 days"),
    # --- profiles --------------------------------------------------------------------------------
    row("profile-no-action", "profile", "set", message="give one of --name"),
    row("profile-cid-v0", "profile", "set", "--profile-cid", CIDV0, message="is a CIDv0"),
    row("profile-name-oversized", "profile", "set", "--name", "x" * 201, message="name is 201 characters; at most 200"),
    row("profile-bad-key", "profile", "set", "--name", "Shop", "--encryption-key", "0x12",
        message="--encryption-key has 1 bytes; an X25519 public key has 32"),
    row("profile-banner-twice", "profile", "set", "--name", "Shop", "--banner", "order-data-1025.bin",
        "--banner-cid", CID, message="give --banner FILE or --banner-cid CID, not both"),
    row("profile-show-bad-address", "profile", "show", "0x123", message="seller is not an Ethereum address"),
    # --- a token address that is not a token -----------------------------------------------------
    row("token-no-contract", *LIST, "--price", "1", "--currency", "{stranger}", "--metadata-cid", CID,
        message="is not a token: there is no contract at that address"),
    row("token-other-contract", *LIST, "--price", "1", "--currency", "{catalog}", "--metadata-cid", CID,
        message="is not an ERC-20 token: it does not answer totalSupply/balanceOf"),
    row("token-no-decimals", *LIST, "--price", "1", "--currency", "{no_decimals}", "--metadata-cid", CID,
        message="has no usable decimals()"),
    row("token-withdraw", "withdraw", "--currency", "{catalog}", message="is not an ERC-20 token"),
    # --- ids -------------------------------------------------------------------------------------
    row("id-non-numeric", "product", "abc", message="'abc' is not a valid integer"),
    row("id-zero", "buy", "0", message="0 is not in the range x>=1"),
    row("id-unknown", "product", "999", message="(CatalogUnknownProduct)"),
    row("id-unknown-buy", "buy", "999", message="(CatalogUnknownProduct)"),
    row("id-huge", "product", str(2**256), message="product id must be between 0 and 2^256-1"),
    row("order-non-numeric", "confirm", "1-x", message="not an order: '1-x'"),
    row("order-unknown", "confirm", "1-99", message="(CatalogUnknownOrder)"),
    row("order-unknown-product", "cancel", "999-1", message="(CatalogUnknownOrder)"),
    row("tx-hash-malformed", "tx", "status", "0x12", message="not a transaction hash: '0x12'"),
    # --- CIDs ------------------------------------------------------------------------------------
    row("cid-malformed", *LIST, "--price", "1", "--metadata-cid", "not-a-cid", message="not a valid CID: 'not-a-cid'"),
    row("cid-v0", *LIST, "--price", "1", "--metadata-cid", CIDV0, message="is a CIDv0"),
    row("cid-not-sha256", *LIST, "--price", "1", "--metadata-cid", BLAKE2_CID, message="not hashed with sha2-256"),
    row("cid-wrong-codec", *LIST, "--price", "1", "--metadata-cid", CBOR_CID, message="has codec dag-cbor"),
    row("cid-malformed-tracking", "ship", "2-1", "--tracking-cid", "bafy-nope", message="not a valid CID"),
    row("cid-v0-review", "review", "2-1", "--rating", "5", "--review-cid", CIDV0, message="is a CIDv0"),
    row("cid-v0-seller-document", "page", "build", "--seller-document", CIDV0, message="is a CIDv0"),
    row("url-indexer", "page", "build", "--indexer", "ftp://idx.example",
        message="--indexer must be an http(s):// URL, got 'ftp://idx.example'"),
    row("indexer-logs-range-zero", "indexer", "start", "--logs-block-range", "0",
        message="0 is not in the range x>=1"),
    row("indexer-rpc-timeout-zero", "indexer", "start", "--rpc-timeout", "0",
        message="'--rpc-timeout': 0.0 is not in the range x>=1"),
    row("indexer-database-not-postgres", "indexer", "start", "--database-url", "mysql://shop:s3cret@db.example/x",
        message="the indexer's database must be a PostgreSQL URL, postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE; "
        "got a mysql:// URL"),
    row("indexer-database-no-host", "indexer", "start", "--database-url", "postgresql:///shop",
        message="the indexer's database URL names no host"),
    row("indexer-serve-without-database", "indexer", "serve",
        message="a replica reads the writer's PostgreSQL: give --database-url (or DAPP_INDEXER_DATABASE_URL)"),
    row("cid-malformed-verify", "verify-page", "bafy-nope", message="not a valid CID: 'bafy-nope'"),
    # --- metadata documents: fetched (judged after their CID matched), and typed ------------------
    row("metadata-invalid-json", "product", "{doc_invalid}", "--gateway", "{gateway}", message="is not UTF-8 JSON"),
    row("metadata-oversized", "product", "{doc_oversized}", "--gateway", "{gateway}",
        message=f"is larger than {MAX_DOCUMENT} bytes"),
    row("metadata-wrong-schema", "product", "{doc_wrong_schema}", "--gateway", "{gateway}",
        message="is not a ownerless-store/product@1 document"),
    row("metadata-wrong-types", "product", "{doc_wrong_types}", "--gateway", "{gateway}",
        message="images must be a list of CIDs"),
    row("metadata-terminal-escape", "product", "{doc_escape}", "--gateway", "{gateway}",
        message="name contains control characters"),
    row("metadata-name-oversized", *LIST, "--price", "1", "--name", "x" * 201,
        message="name is 201 characters; at most 200"),
    row("metadata-name-escape", *LIST, "--price", "1", "--name", "Mug\x1b[2J",
        message="name contains control characters"),
    row("review-text-oversized", "review", "2-1", "--rating", "5", "--text", "y" * 10_001,
        message="text is 10001 characters; at most 10000"),
    # --- keystores -------------------------------------------------------------------------------
    row("keystore-wrong-password", "buy", "1", "--keystore", "key.json", message="wrong password for keystore",
        env={"DAPP_KEYSTORE_PASSWORD": "Tr0ub4dor"}),
    row("keystore-wrong-password-piped", "buy", "1", "--keystore", "key.json", message="wrong password for keystore",
        stdin="Tr0ub4dor\n"),
    row("keystore-no-password", "buy", "1", "--keystore", "key.json", message="needs a password and none was given"),
    row("keystore-truncated", "buy", "1", "--keystore", "truncated-key.json", message="is not a JSON keystore",
        env={"DAPP_KEYSTORE_PASSWORD": KEYSTORE_PASSWORD}),
    # --- registry files --------------------------------------------------------------------------
    row("registry-missing", "buy", "1", "--deployments", "registry-missing",
        message="not deployed on chain 31337: no entry in registry-missing/31337.json"),
    row("registry-truncated", "buy", "1", "--deployments", "registry-truncated", message="is unreadable"),
    row("registry-truncated-deploy", "deploy", "--deployments", "registry-truncated", message="is unreadable"),
    row("registry-foreign", "buy", "1", "--deployments", "registry-foreign",
        message="is not a registry for chain 31337"),
    row("registry-other-chain", "products", "--deployments", "registry-other-chain",
        message="is not a registry for chain 31337"),
    # --- an RPC URL that is not a node -----------------------------------------------------------
    row("rpc-web-page", "buy", "1", "--network", "{html_url}", message="answers, but is not an Ethereum JSON-RPC node"),
    row("rpc-json-api", "buy", "1", "--network", "{json_api_url}",
        message="answers, but is not an Ethereum JSON-RPC node"),
    row("rpc-not-a-url", "products", "--network", "htp:/127.0.0.1", message="unknown network 'htp:/127.0.0.1'"),
]
# fmt: on


@dataclass
class Outcome:
    result: subprocess.CompletedProcess[str]
    expected: str  # the row's message, its {names} filled in
    sent: list[str]  # transaction-sending requests seen by the proxy or the fake node
    changed: list[str]  # files of the project folder that changed


def _run(world: World, case: Row, folder: Path, dapp: Callable[..., subprocess.CompletedProcess[str]]) -> Outcome:
    """One row in its own copy of the project folder, the counts of the shared proxy and servers reset."""
    shutil.copytree(world.home, folder)
    before = snapshot(folder)
    proxy, html, api = world.proxy, world.html, world.json_api
    proxy.reset_counts()
    html.methods.clear()
    api.methods.clear()
    values = {**world.values, "html_url": html.url, "json_api_url": api.url}
    args = [a.format(**values) for a in case.args]
    if case.network:
        args += ["--network", proxy.url]
    env = {**world.env, "DAPP_HOME": str(folder / ".dapp"), "DAPP_DEPLOYMENTS": str(folder / "deployments")}
    result = dapp(args, {**env, **dict(case.env)}, folder, case.stdin)
    sent = [m for m in [*proxy.calls, *html.methods, *api.methods] if m in SENDS]
    after = snapshot(folder)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    return Outcome(result, case.message.format(**values), sent, changed)


@pytest.fixture(scope="module")
def dapp() -> DappForkServer:
    return dapp_server()  # the one every Cli of this test process forks from


@pytest.mark.parametrize("case", ROWS)
def test_bad_input_is_refused_by_the_cli(world: World, dapp: DappForkServer, case: Row, tmp_path: Path) -> None:
    outcome = _run(world, case, tmp_path / "project", dapp.run)
    stderr = outcome.result.stderr
    assert outcome.result.returncode == 2, stderr
    assert "Traceback" not in stderr, stderr
    assert "s3cret" not in stderr, stderr  # a password inside a URL is never repeated
    errors = [line for line in stderr.splitlines() if line.startswith(("ERROR:", "Error:"))]
    assert len(errors) == 1, stderr
    assert outcome.expected in errors[0], stderr
    assert outcome.sent == [], f"sent {outcome.sent}"
    assert outcome.changed == [], f"changed {outcome.changed}"


SAME_AS_PYTHON_M_DAPP = [
    "quantity-zero", "quantity-over-stock", "keystore-no-password", "rpc-web-page",]  # fmt: skip


@pytest.mark.parametrize("row_id", SAME_AS_PYTHON_M_DAPP)
def test_the_fork_server_runs_dapp_as_python_m_dapp(
    world: World, dapp: DappForkServer, row_id: str, tmp_path: Path
) -> None:
    """The rows above run in forks of one process that imported `dapp`; a fresh `python -m dapp` gives
    the same exit code, the same error line and the same output."""
    case = next(p.values[0] for p in ROWS if p.id == row_id)
    forked = _run(world, case, tmp_path / "forked", dapp.run).result
    fresh = _run(world, case, tmp_path / "fresh", fresh_dapp).result
    port = re.compile(r"127\.0\.0\.1:\d+")  # each run has its own proxy
    assert (forked.returncode, port.sub("PORT", forked.stdout), port.sub("PORT", forked.stderr)) == (
        fresh.returncode, port.sub("PORT", fresh.stdout), port.sub("PORT", fresh.stderr)
    )  # fmt: skip
