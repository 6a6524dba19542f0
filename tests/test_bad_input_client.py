"""The bad-input table through the Python API (issue 11): CatalogClient and the public functions around it
(Cid, OrderRef, Token.parse, the metadata functions, accounts, the registry, deploy, connect), on one
shared anvil and one Catalog.

Every row must raise one DappError subclass (the named exception a caller would catch) with a one-line
message naming the problem; the Web3 it used must have sent no eth_sendTransaction or
eth_sendRawTransaction (counted by dapp.middleware.count_requests, or by the fake server a row points
at); and the registry folder and the transaction journal must be unchanged. Each row counts as a
`bad_input` in the reliability tally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from dapp.accounts import load_keystore, use_account
from dapp.client import CatalogClient
from dapp.deploy import deploy_catalog
from dapp.exceptions import (
    AccountError,
    ConfigError,
    ContractRevert,
    DappError,
    DappValueError,
    InsufficientFundsError,
    MetadataError,
    NetworkError,
    NotATokenError,
    NotDeployedError,
    RpcUnavailableError,
    TokenDecimalsError,
)
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.metadata import (
    MAX_DOCUMENT,
    build_product_metadata,
    build_profile_document,
    build_review_document,
    fetch_product_metadata,
    parse_product_metadata,
    parse_profile_document,
)
from dapp.liveness import live_deployment
from dapp.middleware import count_requests
from dapp.networks import connect, http_web3
from dapp.nodes import AnvilNode
from dapp.registry import Registry
from dapp.types import ListingTerms, OrderRef
from tests.support.bad_input import (
    BLAKE2_CID,
    CBOR_CID,
    CIDV0,
    KEYSTORE_PASSWORD,
    OFFERED_AMOUNT,
    SENDS,
    FakeServer,
    bad_documents,
    open_disputed_shop,
    snapshot,
    wrong_checksum,
)
from tests.support.fixtures import CID

pytestmark = [pytest.mark.anvil]

KEY = "0x" + "4e" * 32
DOC = Cid.parse(CID)
DISPUTED = OrderRef(2, 1)  # the shared shop's disputed order, with no settlement offer
OFFERED = OrderRef(2, 2)  # its paid order with the buyer's open offer of OFFERED_AMOUNT


@dataclass
class World:
    """One Catalog (product 1 in ETH, stock 1; product 2 in tUSD, arbiter account 4, order 2-1 disputed, order
    2-2 paid with the buyer's open offer), clients for its seller, buyer and arbiter, and the bad files and
    servers the rows use."""

    w3: Web3
    home: Path
    journal: Path
    seller: CatalogClient
    buyer: CatalogClient
    arbiter: CatalogClient
    usd: str
    no_decimals: str
    stranger: str
    gateway: str
    html: FakeServer
    json_api: FakeServer
    docs: dict[str, Cid]

    def registry(self, name: str = "deployments") -> Registry:
        return Registry(self.home / name)


@pytest.fixture(scope="module")
def world(anvil_node: AnvilNode, dapp_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("bad-input-client")
    w3 = http_web3(anvil_node.url)
    shop = open_disputed_shop(w3, home, KEY)
    seller, buyer, arbiter = (shop.client(w3, i) for i in (1, 2, 4))
    docs = bad_documents()
    files = {str(doc.cid): doc.body for doc in docs.values()}
    with FakeServer.gateway(files) as gateway, FakeServer.html() as html, FakeServer.not_json_rpc() as json_api:
        yield World(
            w3, home, dapp_home, seller, buyer, arbiter, shop.usd, shop.no_decimals, shop.accounts[7], gateway.url,
            html, json_api, {name: doc.cid for name, doc in docs.items()},
        )  # fmt: skip


Action = Callable[[World], Any]


def row(id: str, action: Action, error: type[DappError], message: str) -> Any:
    return pytest.param(action, error, message, id=id, marks=pytest.mark.reliability("bad_input"))


def _node_client(w: World, url: str) -> CatalogClient:
    """A client whose Web3 points at `url` instead of the node, with the real deployment's address."""
    return CatalogClient(http_web3(url), w.seller.address, w.seller.abi, account=w.stranger)


# fmt: off
ROWS = [
    # --- addresses -------------------------------------------------------------------------------
    row("address-malformed", lambda w: w.buyer.orders_of("0x123"), DappValueError,
        "buyer is not an Ethereum address: '0x123'"),
    row("address-wrong-checksum", lambda w: w.buyer.orders_of(wrong_checksum(w.stranger)), DappValueError,
        "fails its EIP-55 checksum"),
    row("address-not-a-string", lambda w: w.seller.products_of(12345), DappValueError,  # type: ignore[arg-type]
        "seller is not an Ethereum address: 12345"),
    row("address-wrong-checksum-recipient", lambda w: w.seller.withdraw(to=wrong_checksum(w.stranger)),
        DappValueError, "recipient"),
    row("address-wrong-checksum-currency",
        lambda w: w.seller.list_product(ListingTerms(1, 1, DOC, currency=wrong_checksum(w.usd))),
        DappValueError, "currency"),
    row("address-wrong-checksum-arbiter", lambda w: w.seller.list_product(ListingTerms(
        1, 1, DOC, escrow_window=60, handling_time=60, arbiter=wrong_checksum(w.stranger))),
        DappValueError, "arbiter"),
    row("address-malformed-contract", lambda w: CatalogClient(w.w3, "0x1234", w.seller.abi), DappValueError,
        "contract address is not an Ethereum address"),
    row("address-wrong-checksum-account", lambda w: w.seller.withdrawable(wrong_checksum(w.stranger)),
        DappValueError, "account"),
    # --- quantities ------------------------------------------------------------------------------
    row("quantity-zero", lambda w: w.buyer.buy(1, 0), DappValueError,
        "quantity must be between 1 and 4294967295, got 0"),
    row("quantity-negative", lambda w: w.buyer.buy(1, -2), DappValueError, "quantity must be between 1"),
    row("quantity-fractional", lambda w: w.buyer.buy(1, 1.5), DappValueError,  # type: ignore[arg-type]
        "quantity must be an integer, got float"),
    row("quantity-bool", lambda w: w.buyer.buy(1, True), DappValueError, "quantity must be an integer, got bool"),
    row("quantity-huge", lambda w: w.buyer.buy(1, 2**40), DappValueError, "quantity must be between 1 and 4294967295"),
    row("quantity-over-stock", lambda w: w.buyer.buy(1, 2**32 - 1), ContractRevert, "CatalogInsufficientStock("),
    row("quantity-over-stock-token", lambda w: w.buyer.buy(2, 10), ContractRevert, "CatalogInsufficientStock("),
    row("quantity-unaffordable-token", lambda w: w.buyer.buy(2, 1000), InsufficientFundsError,
        "the purchase costs 12500.00 tUSD and"),
    row("stock-negative", lambda w: w.seller.list_product(ListingTerms(1, -1, DOC)), DappValueError,
        "stock must be between 0"),
    row("stock-fractional", lambda w: w.seller.list_product(ListingTerms(1, 0.5, DOC)), DappValueError,  # type: ignore[arg-type]
        "stock must be an integer, got float"),
    row("stock-huge", lambda w: w.seller.set_stock(1, 2**32), DappValueError, "stock must be between 0 and 4294967295"),
    # --- prices ----------------------------------------------------------------------------------
    row("price-zero", lambda w: w.seller.list_product(ListingTerms(0, 1, DOC)), DappValueError,
        "price must be between 1"),
    row("price-negative", lambda w: w.seller.set_price(1, -5), DappValueError, "price must be between 1"),
    row("price-fractional", lambda w: w.seller.list_product(ListingTerms(0.5, 1, DOC)), DappValueError,  # type: ignore[arg-type]
        "price must be an integer, got float"),
    row("price-string", lambda w: w.seller.list_product(ListingTerms("1000", 1, DOC)), DappValueError,  # type: ignore[arg-type]
        "price must be an integer, got str"),
    row("price-huge", lambda w: w.seller.list_product(ListingTerms(2**96, 1, DOC)), DappValueError,
        "price must be between 1 and 2^96-1"),
    row("price-token-too-fine", lambda w: w.seller.token(w.usd).parse("1.0000001"), DappValueError,
        "is finer than the token's 6 decimals"),
    row("price-token-negative", lambda w: w.seller.token(w.usd).parse("-3"), DappValueError, "not an amount: '-3'"),
    row("price-token-words", lambda w: w.seller.token(w.usd).parse("lots"), DappValueError, "not an amount: 'lots'"),
    row("split-negative", lambda w: w.arbiter.resolve(OrderRef(2, 1), -1), DappValueError,
        "buyer amount must be between 0"),
    row("split-huge", lambda w: w.arbiter.resolve(OrderRef(2, 1), 10**30), ContractRevert, "CatalogInvalidSplit("),
    # --- settlement by agreement -------------------------------------------------------------------
    row("settle-negative", lambda w: w.buyer.offer_settlement(DISPUTED, -1), DappValueError,
        "buyer amount must be between 0"),
    row("settle-fractional", lambda w: w.buyer.offer_settlement(DISPUTED, 0.5), DappValueError,  # type: ignore[arg-type]
        "buyer amount must be an integer, got float"),
    row("settle-huge", lambda w: w.buyer.offer_settlement(DISPUTED, 10**30), ContractRevert, "CatalogInvalidSplit("),
    row("settle-not-party", lambda w: w.arbiter.offer_settlement(DISPUTED, 0), ContractRevert, "CatalogNotParty("),
    row("settle-accept-no-offer", lambda w: w.seller.accept_settlement(DISPUTED, 0), ContractRevert,
        "CatalogNoOffer("),
    row("settle-withdraw-no-offer", lambda w: w.buyer.withdraw_settlement(DISPUTED), ContractRevert,
        "CatalogNoOffer("),
    row("settle-accept-changed-offer", lambda w: w.seller.accept_settlement(OFFERED, OFFERED_AMOUNT - 1),
        ContractRevert, f"CatalogOfferMismatch(productId=2, orderNo=2, offered={OFFERED_AMOUNT}, "
        f"accepted={OFFERED_AMOUNT - 1})"),
    row("settle-accept-own-offer", lambda w: w.buyer.accept_settlement(OFFERED, OFFERED_AMOUNT), ContractRevert,
        "CatalogOwnOffer(productId=2, orderNo=2)"),
    row("settle-unknown-order", lambda w: w.buyer.offer_settlement(OrderRef(2, 99), 0), ContractRevert,
        "CatalogUnknownOrder("),
    # --- v3 listing bounds and purchase rules ------------------------------------------------------
    row("escrow-window-too-short", lambda w: ListingTerms(1, 1, DOC, escrow_window=60, handling_time=3600),
        DappValueError, "the escrow window must be 1 day to 365 days, got 60 s"),
    row("escrow-window-too-long", lambda w: ListingTerms(1, 1, DOC, escrow_window=366 * 86_400, handling_time=3600),
        DappValueError, "the escrow window must be 1 day to 365 days"),
    row("handling-time-too-short", lambda w: ListingTerms(1, 1, DOC, escrow_window=86_400, handling_time=60),
        DappValueError, "the handling time must be 1 hour to 365 days, got 60 s"),
    row("handling-time-too-long", lambda w: ListingTerms(1, 1, DOC, escrow_window=86_400, handling_time=366 * 86_400),
        DappValueError, "the handling time must be 1 hour to 365 days"),
    row("arbiter-is-seller", lambda w: w.seller.list_product(ListingTerms(
        1, 1, DOC, escrow_window=86_400, handling_time=3600, arbiter=w.seller.account)), DappValueError,
        "the arbiter must not be the seller"),
    row("arbiter-is-catalog", lambda w: w.seller.list_product(ListingTerms(
        1, 1, DOC, escrow_window=86_400, handling_time=3600, arbiter=w.seller.address)), DappValueError,
        "the arbiter must not be the Catalog itself"),
    row("buy-own-product", lambda w: w.seller.buy(1), ContractRevert, "CatalogSellerIsBuyer(productId=1)"),
    row("order-data-oversized", lambda w: w.buyer.buy(1, order_data=bytes(1025)), DappValueError,
        "order data is 1025 bytes; a purchase carries at most 1024"),
    row("order-data-text", lambda w: w.buyer.buy(1, order_data="0xab"), DappValueError,  # type: ignore[arg-type]
        "order data must be bytes, got str"),
    row("order-data-unknown-order", lambda w: w.seller.order_data(OrderRef(1, 99)), ContractRevert,
        "CatalogUnknownOrder("),
    # --- profiles --------------------------------------------------------------------------------
    row("profile-as-string", lambda w: w.seller.set_profile(CID), DappValueError,  # type: ignore[arg-type]
        "the profile document must be a Cid"),
    row("profile-zero-digest", lambda w: w.seller.set_profile(Cid(bytes(32), Codec.RAW)), DappValueError,
        "profile digest must not be all zeros"),
    row("profile-of-malformed-address", lambda w: w.seller.profile("0x123"), DappValueError,
        "seller is not an Ethereum address: '0x123'"),
    row("profile-bad-key", lambda w: build_profile_document("Shop", "", None, "0x1234"), DappValueError,
        "encryptionKey has 2 bytes; an X25519 public key has 32"),
    row("profile-bad-document", lambda w: parse_profile_document(DOC, b'{"schema": "ownerless-store/seller@1"}'),
        MetadataError, "name must be a string"),
    # --- a token address that is not a token -----------------------------------------------------
    row("token-no-contract", lambda w: w.seller.list_product(ListingTerms(1, 1, DOC, currency=w.stranger)),
        NotATokenError, "is not a token: there is no contract at that address"),
    row("token-other-contract", lambda w: w.seller.list_product(ListingTerms(1, 1, DOC, currency=w.seller.address)),
        NotATokenError, "is not an ERC-20 token: it does not answer totalSupply/balanceOf"),
    row("token-no-decimals", lambda w: w.seller.list_product(ListingTerms(1, 1, DOC, currency=w.no_decimals)),
        TokenDecimalsError, "has no usable decimals()"),
    row("token-lookup", lambda w: w.seller.token(w.stranger), NotATokenError, "is not a token"),
    # --- ids -------------------------------------------------------------------------------------
    row("id-string", lambda w: w.buyer.product("1"), DappValueError,  # type: ignore[arg-type]
        "product id must be an integer, got str"),
    row("id-string-buy", lambda w: w.buyer.buy("1"), DappValueError,  # type: ignore[arg-type]
        "product id must be an integer, got str"),
    row("id-negative", lambda w: w.buyer.product(-1), DappValueError, "product id must be between 0"),
    row("id-huge", lambda w: w.buyer.product(2**256), DappValueError, "product id must be between 0 and 2^256-1"),
    row("id-unknown", lambda w: w.buyer.product(999), ContractRevert, "CatalogUnknownProduct(productId=999)"),
    row("id-unknown-buy", lambda w: w.buyer.buy(999), ContractRevert, "CatalogUnknownProduct(productId=999)"),
    row("id-unknown-set-price", lambda w: w.seller.set_price(999, 5), ContractRevert, "CatalogUnknownProduct("),
    row("order-malformed", lambda w: OrderRef.parse("1-x"), DappValueError, "not an order: '1-x'"),
    row("order-zero", lambda w: OrderRef(1, 0), DappValueError, "order number must be between 1"),
    row("order-unknown", lambda w: w.buyer.order(OrderRef(1, 99)), ContractRevert, "CatalogUnknownOrder("),
    row("order-unknown-confirm", lambda w: w.buyer.confirm(OrderRef(999, 1)), ContractRevert, "CatalogUnknownOrder("),
    # --- CIDs ------------------------------------------------------------------------------------
    row("cid-malformed", lambda w: Cid.parse("not-a-cid"), DappValueError, "not a valid CID: 'not-a-cid'"),
    row("cid-v0", lambda w: Cid.parse_document(CIDV0), DappValueError, "is a CIDv0"),
    row("cid-not-sha256", lambda w: Cid.parse(BLAKE2_CID), DappValueError, "not hashed with sha2-256"),
    row("cid-wrong-codec", lambda w: Cid.parse(CBOR_CID), DappValueError, "has codec dag-cbor"),
    row("cid-short-digest", lambda w: Cid(b"\x11" * 31, Codec.RAW), DappValueError, "must be 32 bytes, got 31"),
    row("cid-unknown-codec", lambda w: Cid(b"\x11" * 32, 7), DappValueError,  # type: ignore[arg-type]
        "unknown codec 7"),
    row("cid-as-string", lambda w: w.seller.list_product(ListingTerms(1, 1, CID)), DappValueError,  # type: ignore[arg-type]
        "the metadata document must be a Cid"),
    row("cid-zero-digest", lambda w: w.seller.list_product(ListingTerms(1, 1, Cid(bytes(32), Codec.RAW))),
        DappValueError, "metadata digest must not be all zeros"),
    # --- metadata documents ----------------------------------------------------------------------
    row("metadata-invalid-json", lambda w: fetch_product_metadata(w.gateway, w.docs["invalid"]), MetadataError,
        "is not UTF-8 JSON"),
    row("metadata-oversized", lambda w: fetch_product_metadata(w.gateway, w.docs["oversized"]), MetadataError,
        f"is larger than {MAX_DOCUMENT} bytes"),
    row("metadata-wrong-schema", lambda w: fetch_product_metadata(w.gateway, w.docs["wrong_schema"]), MetadataError,
        "is not a ownerless-store/product@1 document (schema: 'ownerless-store/review@1')"),
    row("metadata-wrong-types", lambda w: fetch_product_metadata(w.gateway, w.docs["wrong_types"]), MetadataError,
        "images must be a list of CIDs"),
    row("metadata-terminal-escape", lambda w: fetch_product_metadata(w.gateway, w.docs["escape"]), MetadataError,
        "name contains control characters"),
    row("metadata-not-an-object", lambda w: parse_product_metadata(DOC, b"[1, 2]"), MetadataError,
        "is not a ownerless-store/product@1 document (schema: 'list')"),
    row("metadata-name-oversized", lambda w: build_product_metadata("x" * 201, "", []), DappValueError,
        "name is 201 characters; at most 200"),
    row("metadata-name-escape", lambda w: build_product_metadata("Mug\x1b[2J", "", []), DappValueError,
        "name contains control characters"),
    row("metadata-bad-image", lambda w: build_product_metadata("Mug", "", ["not-a-cid"]), DappValueError,
        "not a valid CID"),
    row("review-rating", lambda w: build_review_document(6, "great"), DappValueError,
        "rating must be an integer from 1 to 5, got 6"),
    # --- keystores -------------------------------------------------------------------------------
    row("keystore-wrong-password", lambda w: load_keystore(w.home / "key.json", "Tr0ub4dor"), AccountError,
        "wrong password for keystore"),
    row("keystore-wrong-password-prompt", lambda w: use_account(
        w.w3, keystore=w.home / "key.json", password_prompt=lambda: "Tr0ub4dor"), AccountError,
        "wrong password for keystore"),
    row("keystore-truncated", lambda w: load_keystore(w.home / "truncated-key.json", KEYSTORE_PASSWORD), AccountError,
        "is not a JSON keystore"),
    # --- registry files --------------------------------------------------------------------------
    row("registry-missing", lambda w: live_deployment(w.w3, w.registry("registry-missing")), NotDeployedError,
        "Catalog is not deployed on chain 31337: no entry in"),
    row("registry-truncated", lambda w: live_deployment(w.w3, w.registry("registry-truncated")), ConfigError,
        "is unreadable"),
    row("registry-truncated-deploy", lambda w: deploy_catalog(w.w3, w.stranger, w.registry("registry-truncated")),
        ConfigError, "is unreadable"),
    row("registry-foreign", lambda w: live_deployment(w.w3, w.registry("registry-foreign")), ConfigError,
        "is not a registry for chain 31337"),
    row("registry-foreign-deploy", lambda w: deploy_catalog(w.w3, w.stranger, w.registry("registry-foreign")),
        ConfigError, "is not a registry for chain 31337"),
    row("registry-other-chain", lambda w: live_deployment(w.w3, w.registry("registry-other-chain")), ConfigError,
        "is not a registry for chain 31337"),
    # --- an RPC URL that is not a node -----------------------------------------------------------
    row("rpc-web-page", lambda w: connect(w.html.url), NetworkError, "answers, but is not an Ethereum JSON-RPC node"),
    row("rpc-json-api", lambda w: connect(w.json_api.url), NetworkError,
        "answers, but is not an Ethereum JSON-RPC node"),
    row("rpc-web-page-read", lambda w: _node_client(w, w.html.url).product(1), RpcUnavailableError,
        "the reply is not JSON"),
    row("rpc-web-page-buy", lambda w: _node_client(w, w.html.url).buy(1), RpcUnavailableError,
        "the reply is not JSON"),
    row("rpc-not-a-url", lambda w: connect("htp:/127.0.0.1"), NetworkError, "unknown network 'htp:/127.0.0.1'"),
]
# fmt: on


@pytest.mark.parametrize(("action", "error", "message"), ROWS)
def test_bad_input_is_refused_by_the_client(world: World, action: Action, error: type[DappError], message: str) -> None:
    before = {**snapshot(world.home), **{f"journal/{k}": v for k, v in snapshot(world.journal).items()}}
    counts = count_requests(world.w3)
    world.html.methods.clear()
    world.json_api.methods.clear()

    with pytest.raises(DappError) as raised:
        action(world)

    assert type(raised.value) is error or isinstance(raised.value, error), repr(raised.value)
    text = str(raised.value)
    assert message in text and "\n" not in text, text
    sent = [m for m in [*counts.elements(), *world.html.methods, *world.json_api.methods] if m in SENDS]
    assert sent == [], f"sent {sent}"
    after = {**snapshot(world.home), **{f"journal/{k}": v for k, v in snapshot(world.journal).items()}}
    assert after == before, "a file of the project changed"
