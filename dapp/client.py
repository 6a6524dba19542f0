"""CatalogClient: the typed web3.py client for the Catalog contract.

Every write goes: validate arguments -> simulate (estimate gas, or eth_call on Ganache) -> send ->
poll for the receipt with a timeout. A revert found while simulating is raised by name (e.g.
`CatalogInsufficientStock`) and nothing is sent; a receipt that says the transaction failed is replayed
to name its error too.
"""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import TimeExhausted, Web3ValidationError
from web3.types import TxParams, TxReceipt, Wei

from dapp._utils.abi import ViewFunction, abi_type
from dapp._utils.logs import get_logs
from dapp._utils.revert import ErrorDecoder, revert_data
from dapp.exceptions import (
    ContractRevert,
    DappValueError,
    NetworkError,
    ReceiptTimeout,
    TransactionError,
)
from dapp.ipfs.cid import Codec
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.metadata import ProductMetadata, ReviewDocument, fetch_product_metadata, fetch_review
from dapp.registry import Deployment
from dapp.types import Listing, Order, OrderRef, OrderState, Product, Purchase, Review, TxResult, Withdrawal

UINT32_MAX = 2**32 - 1
UINT96_MAX = 2**96 - 1
# Gas limits for nodes whose eth_estimateGas is slow (Ganache: ~0.65 s a call). Each is the worst case
# measured by the benchmarks (first write to a fresh balance slot) with ~50% headroom.
FIXED_GAS = {
    "listProduct": 160_000,
    "setPrice": 90_000,
    "setStock": 60_000,
    "setMetadata": 60_000,
    "delist": 60_000,
    "buy": 120_000,
    "confirm": 90_000,
    "release": 90_000,
    "refund": 110_000,
    "review": 80_000,
    "withdraw": 60_000,
}
PAGE_SIZE = 250  # products per getProducts call: one eth_call stays well under node response limits


def _check_uint(name: str, value: int, maximum: int, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DappValueError(f"{name} must be an integer, got {type(value).__name__}")
    if not minimum <= value <= maximum:
        bits = (maximum + 1).bit_length() - 1
        top = f"2^{bits}-1" if maximum + 1 == 1 << bits and bits > 32 else str(maximum)
        raise DappValueError(f"{name} must be between {minimum} and {top}, got {value}")
    return value


UINT256_MAX = 2**256 - 1


def _check_order(product_id: int, order_no: int) -> None:
    _check_uint("product id", product_id, UINT256_MAX)
    _check_uint("order number", order_no, UINT256_MAX)


def _check_address(name: str, value: str) -> str:
    if not isinstance(value, str) or not Web3.is_address(value):
        raise DappValueError(f"{name} is not an Ethereum address: {value!r}")
    return str(Web3.to_checksum_address(value))


def _check_digest(name: str, digest: bytes) -> bytes:
    if not isinstance(digest, bytes | bytearray) or len(digest) != 32:
        raise DappValueError(f"{name} must be 32 bytes (a sha2-256 digest)")
    if not any(digest):
        raise DappValueError(f"{name} must not be all zeros")
    return bytes(digest)


def _check_codec(codec: Codec | int) -> Codec:
    try:
        return Codec(codec)
    except ValueError:
        raise DappValueError(f"codec must be 0 (raw) or 1 (dag-pb), got {codec!r}") from None


class CatalogClient:
    """Typed access to one deployed Catalog."""

    def __init__(
        self,
        w3: Web3,
        address: str,
        abi: list[dict[str, Any]],
        *,
        account: str | None = None,
        deployed_on_block: int = 0,
        fixed_gas: bool = False,
        receipt_timeout: float = 120.0,
        poll_interval: float = 0.05,
    ) -> None:
        self.w3 = w3
        self.address = Web3.to_checksum_address(address)
        self.abi = abi
        self.contract: Contract = w3.eth.contract(address=self.address, abi=abi)
        self.account = account or (str(w3.eth.default_account) if w3.eth.default_account else None)
        self.deployed_on_block = deployed_on_block
        self.fixed_gas = fixed_gas
        self.receipt_timeout = receipt_timeout
        self.poll_interval = poll_interval
        self._views: dict[str, ViewFunction] = {}
        self.errors = ErrorDecoder(abi, enums={"enum Catalog.OrderState": OrderState})

    @classmethod
    def from_deployment(
        cls, w3: Web3, deployment: Deployment, abi: list[dict[str, Any]], **kwargs: Any
    ) -> CatalogClient:
        return cls(w3, deployment.address, abi, deployed_on_block=deployment.deployed_on_block, **kwargs)

    # --- views ----------------------------------------------------------------------------------

    def _view(self, name: str, *args: Any) -> Any:
        """Call a view with a raw eth_call, encoding and decoding with eth_abi (see dapp._utils.abi)."""
        fn = self._views.get(name)
        if fn is None:
            fn = self._views[name] = ViewFunction.from_abi(self.abi, name)
        try:
            raw = self.w3.eth.call({"to": self.address, "data": fn.encode(args)})
        except Exception as exc:
            raise self._as_revert(exc) from None
        return fn.decode(bytes(raw))

    def product_count(self) -> int:
        return int(self._view("productCount"))

    def product(self, product_id: int) -> Product:
        _check_uint("product id", product_id, UINT256_MAX)
        return Product.from_view(self._view("getProduct", product_id))

    def products(self, offset: int = 0, limit: int | None = None, page_size: int = PAGE_SIZE) -> list[Product]:
        """Products offset+1 .. offset+limit (all the rest if limit is None), a page per call."""
        views = self._pages("getProducts", (), self.product_count(), offset, limit, page_size)
        return [Product.from_view(view) for view in views]

    def _pages(
        self, view: str, key: tuple[Any, ...], count: int, offset: int, limit: int | None, page_size: int
    ) -> list[Any]:
        """Items offset+1 .. offset+limit of a paginated view `view(*key, offset, limit)` with `count` items."""
        _check_uint("offset", offset, UINT256_MAX)
        end = count if limit is None else min(count, offset + _check_uint("limit", limit, UINT256_MAX))
        items: list[Any] = []
        while offset + len(items) < end:
            start = offset + len(items)
            page = self._view(view, *key, start, min(page_size, end - start))
            if not page:
                break
            items.extend(page)
        return items

    def product_metadata(self, product_id: int, source: Kubo | str) -> ProductMetadata:
        """The product's metadata document from Kubo or a gateway URL, accepted only if it hashes to the
        CID the contract stores (CidMismatchError otherwise)."""
        return fetch_product_metadata(source, self.product(product_id).metadata_cid)

    def review_document(self, review: Review, source: Kubo | str) -> ReviewDocument:
        """A review's text document, verified against the digest in its Reviewed event."""
        return fetch_review(source, review.review_cid)

    def order(self, product_id: int, order_no: int) -> Order:
        _check_order(product_id, order_no)
        return Order.from_view(self._view("getOrder", product_id, order_no))

    def orders(self, product_id: int, offset: int = 0, limit: int | None = None) -> list[Order]:
        """Orders of one product, paginated like `products`."""
        count = self.product(product_id).order_count
        return [Order.from_view(v) for v in self._pages("getOrders", (product_id,), count, offset, limit, PAGE_SIZE)]

    def withdrawable(self, account: str | None = None) -> int:
        who = _check_address("account", account) if account is not None else self._sender()
        return int(self._view("withdrawable", who))

    # --- history from indexed events ------------------------------------------------------------

    def _topic(self, event: str) -> str:
        item = next(i for i in self.abi if i.get("type") == "event" and i["name"] == event)
        types = ",".join(abi_type(p) for p in item["inputs"])
        return "0x" + keccak(text=f"{event}({types})").hex()

    @staticmethod
    def _address_topic(address: str) -> str:
        return "0x" + bytes.fromhex(Web3.to_checksum_address(address)[2:]).rjust(32, b"\0").hex()

    def _events(self, event: str, topics: list[Any]) -> list[Any]:
        logs = get_logs(self.w3, self.address, [self._topic(event), *topics], self.deployed_on_block)
        processor = getattr(self.contract.events, event)()
        return [processor.process_log(log) for log in logs]

    def order_refs_of(self, buyer: str) -> list[OrderRef]:
        """Every order `buyer` placed, from the Purchased event's indexed buyer topic."""
        events = self._events("Purchased", [None, self._address_topic(_check_address("buyer", buyer))])
        return [OrderRef(e.args.productId, e.args.orderNo) for e in events]

    def orders_of(self, buyer: str) -> list[Order]:
        """Every order `buyer` placed, read through the views."""
        return [self.order(ref.product_id, ref.order_no) for ref in self.order_refs_of(buyer)]

    def products_of(self, seller: str) -> list[Product]:
        events = self._events("ProductListed", [None, self._address_topic(_check_address("seller", seller))])
        return [self.product(e.args.productId) for e in events]

    def reviews(self, product_id: int) -> list[Review]:
        _check_uint("product id", product_id, UINT256_MAX)
        events = self._events("Reviewed", ["0x" + product_id.to_bytes(32, "big").hex()])
        return [
            Review(
                product_id=e.args.productId,
                order_no=e.args.orderNo,
                reviewer=e.args.reviewer,
                rating=e.args.rating,
                review_digest=bytes(e.args.reviewDigest),
                review_codec=Codec(e.args.reviewCodec),
                block_number=e.blockNumber,
                tx_hash="0x" + bytes(e.transactionHash).hex(),
            )
            for e in events
        ]

    # --- writes ---------------------------------------------------------------------------------

    def list_product(
        self, price: int, stock: int, escrow_window: int, metadata_digest: bytes, metadata_codec: Codec | int
    ) -> Listing:
        _check_uint("price", price, UINT96_MAX, minimum=1)
        _check_uint("stock", stock, UINT32_MAX)
        _check_uint("escrow window", escrow_window, UINT32_MAX)
        digest = _check_digest("metadata digest", metadata_digest)
        codec = _check_codec(metadata_codec)
        receipt, tx = self._transact("listProduct", price, stock, escrow_window, digest, int(codec))
        (event,) = self.contract.events.ProductListed().process_receipt(receipt)
        return Listing(product_id=event.args.productId, tx=tx)

    def set_price(self, product_id: int, price: int) -> TxResult:
        _check_uint("product id", product_id, UINT256_MAX)
        _check_uint("price", price, UINT96_MAX, minimum=1)
        return self._transact("setPrice", product_id, price)[1]

    def set_stock(self, product_id: int, stock: int) -> TxResult:
        _check_uint("product id", product_id, UINT256_MAX)
        _check_uint("stock", stock, UINT32_MAX)
        return self._transact("setStock", product_id, stock)[1]

    def set_metadata(self, product_id: int, metadata_digest: bytes, metadata_codec: Codec | int) -> TxResult:
        _check_uint("product id", product_id, UINT256_MAX)
        digest = _check_digest("metadata digest", metadata_digest)
        return self._transact("setMetadata", product_id, digest, int(_check_codec(metadata_codec)))[1]

    def delist(self, product_id: int) -> TxResult:
        _check_uint("product id", product_id, UINT256_MAX)
        return self._transact("delist", product_id)[1]

    def buy(self, product_id: int, quantity: int = 1, expected_unit_price: int | None = None) -> Purchase:
        """Buy at `expected_unit_price` (default: the current price, read just before sending)."""
        _check_uint("product id", product_id, UINT256_MAX)
        _check_uint("quantity", quantity, UINT32_MAX, minimum=1)
        price = self.product(product_id).price if expected_unit_price is None else expected_unit_price
        _check_uint("expected unit price", price, UINT96_MAX, minimum=1)
        receipt, tx = self._transact("buy", product_id, quantity, price, value=quantity * price)
        (event,) = self.contract.events.Purchased().process_receipt(receipt)
        ref = OrderRef(event.args.productId, event.args.orderNo)
        return Purchase(order=ref, amount=quantity * price, escrowed=event.args.escrowed, tx=tx)

    def confirm(self, product_id: int, order_no: int) -> TxResult:
        _check_order(product_id, order_no)
        return self._transact("confirm", product_id, order_no)[1]

    def release(self, product_id: int, order_no: int) -> TxResult:
        _check_order(product_id, order_no)
        return self._transact("release", product_id, order_no)[1]

    def refund(self, product_id: int, order_no: int) -> TxResult:
        _check_order(product_id, order_no)
        return self._transact("refund", product_id, order_no)[1]

    def review(
        self, product_id: int, order_no: int, rating: int, review_digest: bytes, review_codec: Codec | int
    ) -> TxResult:
        _check_order(product_id, order_no)
        _check_uint("rating", rating, 5, minimum=1)
        digest = _check_digest("review digest", review_digest)
        return self._transact("review", product_id, order_no, rating, digest, int(_check_codec(review_codec)))[1]

    def withdraw(self) -> Withdrawal:
        receipt, tx = self._transact("withdraw")
        (event,) = self.contract.events.Withdrawn().process_receipt(receipt)
        return Withdrawal(account=event.args.account, amount=event.args.amount, tx=tx)

    # --- plumbing -------------------------------------------------------------------------------

    def _sender(self) -> str:
        if not self.account:
            raise DappValueError("no account selected: pass account= or set w3.eth.default_account")
        return self.account

    def _as_revert(self, exc: Exception, tx_hash: str | None = None) -> Exception:
        data = revert_data(exc)
        if data is not None:
            return self.errors.decode(data, tx_hash)
        if isinstance(exc, Web3ValidationError):
            return DappValueError(str(exc).strip().splitlines()[0])
        if isinstance(exc, ContractRevert | DappValueError):
            return exc
        return NetworkError(f"{type(exc).__name__}: {exc}")

    def _function(self, name: str, args: tuple[Any, ...]) -> ContractFunction:
        try:
            fn: ContractFunction = getattr(self.contract.functions, name)(*args)
            return fn
        except Web3ValidationError as exc:
            raise DappValueError(f"invalid arguments for {name}{args}: {str(exc).strip().splitlines()[0]}") from None

    def simulate(self, name: str, *args: Any, value: int = 0) -> int:
        """Run a write as a call, without sending it: raises its revert by name, else returns the gas
        limit a real send would use. For checks before side effects elsewhere (e.g. an IPFS upload)."""
        return int(self._prepare(name, args, value)[1]["gas"])

    def _prepare(self, name: str, args: tuple[Any, ...], value: int) -> tuple[ContractFunction, TxParams]:
        fn = self._function(name, args)
        params: TxParams = {"from": Web3.to_checksum_address(self._sender()), "value": Wei(value)}
        try:
            if self.fixed_gas:
                fn.call(params)
                params["gas"] = FIXED_GAS[name]
            else:
                params["gas"] = int(fn.estimate_gas(params) * 1.2) + 10_000
        except Exception as exc:
            raise self._as_revert(exc) from None
        return fn, params

    def _transact(self, name: str, *args: Any, value: int = 0) -> tuple[TxReceipt, TxResult]:
        # Simulate first: a revert is raised by name here and nothing is sent.
        fn, params = self._prepare(name, args, value)
        try:
            tx_hash = fn.transact(params)
        except Exception as exc:
            raise self._as_revert(exc) from None
        receipt = self._wait("0x" + bytes(tx_hash).hex())
        result = TxResult(
            tx_hash="0x" + bytes(receipt["transactionHash"]).hex(),
            block_number=receipt["blockNumber"],
            gas_used=receipt["gasUsed"],
        )
        if receipt["status"] != 1:
            raise self._replay_failure(params, fn, receipt, result.tx_hash)
        return receipt, result

    def _wait(self, tx_hash: str) -> TxReceipt:
        try:
            return self.w3.eth.wait_for_transaction_receipt(
                tx_hash,  # type: ignore[arg-type]
                timeout=self.receipt_timeout,
                poll_latency=self.poll_interval,
            )
        except TimeExhausted:
            raise ReceiptTimeout(
                f"no receipt within {self.receipt_timeout:.0f} s; the transaction may still be mined", tx_hash
            ) from None

    def _replay_failure(self, params: TxParams, fn: ContractFunction, receipt: TxReceipt, tx_hash: str) -> Exception:
        """Re-run a failed transaction as a call at its block to learn which error it hit."""
        replay: TxParams = {k: v for k, v in params.items() if k != "gas"}  # type: ignore[assignment]
        try:
            fn.call(replay, block_identifier=receipt["blockNumber"] - 1)
        except Exception as exc:
            found = self._as_revert(exc, tx_hash)
            if isinstance(found, ContractRevert):
                return found
        return TransactionError(f"transaction failed (out of gas or reverted): gas used {receipt['gasUsed']}", tx_hash)
