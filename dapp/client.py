"""CatalogClient: the typed Python API of one deployed Catalog.

Reads go through raw eth_calls encoded and decoded with eth_abi (dapp._utils.abi); writes are checked
here (ranges, addresses), then handed to the transaction pipeline (dapp.transactions), which simulates,
sends, waits and names any revert. IPFS documents are fetched by dapp.ipfs.metadata, from the `Cid`
values this client returns.
"""

from __future__ import annotations

from typing import Any

from eth_typing import HexStr
from web3 import Web3

from dapp._utils.abi import AbiEncodingError, AbiEvent, AbiFunction
from dapp._utils.logs import get_logs
from dapp._utils.revert import ErrorDecoder, as_dapp_error
from dapp._utils.validate import UINT32_MAX, UINT96_MAX, check_address, check_uint
from dapp.exceptions import DappValueError, NotDeployedError
from dapp.ipfs.cid import Cid, Codec
from dapp.registry import Deployment
from dapp.transactions import Mined, TransactionPipeline, TxRequest
from dapp.types import Listing, Order, OrderRef, OrderState, Product, Purchase, Review, TxResult, Withdrawal

PAGE_SIZE = 250  # products per getProducts call: one eth_call stays well under node response limits


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
        receipt_timeout: float = 120.0,
        poll_interval: float | None = None,
        deployment: Deployment | None = None,
        verified: bool = True,
        **pipeline: Any,
    ) -> None:
        """`verified=False`: the contract is checked on first use (`live_deployment(check="on_use")`): the
        first view that returns data proves it, and before a first write with no view yet, eth_getCode.
        `pipeline` options go to the TransactionPipeline: signer, fees, journal_root, on_event."""
        self.w3 = w3
        self.deployment = deployment
        self._verified = verified
        self.address = check_address("contract address", address)
        self.abi = abi
        self.account = account or (str(w3.eth.default_account) if w3.eth.default_account else None)
        self.deployed_on_block = deployed_on_block
        self.errors = ErrorDecoder(abi, enums={"enum Catalog.OrderState": OrderState})
        self.transactions = TransactionPipeline(
            w3,
            self.account,
            errors=self.errors,
            receipt_timeout=receipt_timeout,
            poll_interval=poll_interval,
            **pipeline,
        )
        self._functions: dict[str, AbiFunction] = {}
        self._events: dict[str, AbiEvent] = {}

    @classmethod
    def from_deployment(
        cls, w3: Web3, deployment: Deployment, abi: list[dict[str, Any]], **kwargs: Any
    ) -> CatalogClient:
        return cls(
            w3, deployment.address, abi, deployed_on_block=deployment.deployed_on_block, deployment=deployment, **kwargs
        )

    # --- views ----------------------------------------------------------------------------------

    def _view(self, name: str, *args: Any) -> Any:
        fn = self._function(name)
        data = self._encode(fn, args)
        try:
            raw = bytes(self.w3.eth.call({"to": self.address, "data": data}))
        except Exception as exc:
            raise as_dapp_error(exc, self.errors) from None
        if not self._verified:
            if not raw:  # every Catalog view returns data; an address without code returns none
                self._verify()
            self._verified = True
        return fn.decode(raw)

    def _verify(self) -> None:
        """NotDeployedError unless the registered contract is on this chain (see `verified`)."""
        from dapp.deploy import stale_reason
        from dapp.networks import DEV_CHAIN_IDS

        if self.deployment is not None:
            reason = stale_reason(self.w3, self.deployment)  # the genesis block, then the code
        elif not bytes(self.w3.eth.get_code(Web3.to_checksum_address(self.address))):
            reason = f"there is no contract code at {self.address}"
        else:
            reason = None
        if reason:
            chain_id = int(self.w3.eth.chain_id)
            detail = f"the registry entry is stale: {reason}"
            raise NotDeployedError(chain_id, detail, dev_chain=chain_id in DEV_CHAIN_IDS)
        self._verified = True

    def product_count(self) -> int:
        return int(self._view("productCount"))

    def product(self, product_id: int) -> Product:
        check_uint("product id", product_id)
        return Product.from_view(self._view("getProduct", product_id))

    def products(self, offset: int = 0, limit: int | None = None, page_size: int = PAGE_SIZE) -> list[Product]:
        """Products offset+1 .. offset+limit (all the rest if limit is None), a page per call."""
        views = self._pages("getProducts", (), self.product_count(), offset, limit, page_size)
        return [Product.from_view(view) for view in views]

    def _pages(
        self, view: str, key: tuple[Any, ...], count: int, offset: int, limit: int | None, page_size: int
    ) -> list[Any]:
        """Items offset+1 .. offset+limit of a paginated view `view(*key, offset, limit)` with `count` items."""
        check_uint("offset", offset)
        end = count if limit is None else min(count, offset + check_uint("limit", limit))
        items: list[Any] = []
        while offset + len(items) < end:
            start = offset + len(items)
            page = self._view(view, *key, start, min(page_size, end - start))
            if not page:
                break
            items.extend(page)
        return items

    def order(self, ref: OrderRef) -> Order:
        return Order.from_view(self._view("getOrder", ref.product_id, ref.order_no))

    def orders(self, product_id: int, offset: int = 0, limit: int | None = None) -> list[Order]:
        """Orders of one product, paginated like `products`."""
        count = self.product(product_id).order_count
        return [Order.from_view(v) for v in self._pages("getOrders", (product_id,), count, offset, limit, PAGE_SIZE)]

    def withdrawable(self, account: str | None = None) -> int:
        who = check_address("account", account) if account is not None else self.transactions.require_sender()
        return int(self._view("withdrawable", who))

    # --- history from indexed events ------------------------------------------------------------

    def _event(self, name: str) -> AbiEvent:
        event = self._events.get(name)
        if event is None:
            event = self._events[name] = AbiEvent.from_abi(self.abi, name)
        return event

    @staticmethod
    def _address_topic(address: str) -> str:
        return "0x" + bytes.fromhex(address[2:]).rjust(32, b"\0").hex()

    def _history(self, name: str, topics: list[Any]) -> list[tuple[dict[str, Any], Any]]:
        """(arguments, log) of every `name` event matching `topics`, from the deployment block on."""
        event = self._event(name)
        logs = get_logs(self.w3, self.address, [event.topic_hex, *topics], self.deployed_on_block)
        return [(event.decode(log), log) for log in logs]

    def order_refs_of(self, buyer: str) -> list[OrderRef]:
        """Every order `buyer` placed, from the Purchased event's indexed buyer topic."""
        events = self._history("Purchased", [None, self._address_topic(check_address("buyer", buyer))])
        return [OrderRef(args["productId"], args["orderNo"]) for args, _ in events]

    def orders_of(self, buyer: str) -> list[Order]:
        """Every order `buyer` placed, read through the views."""
        return [self.order(ref) for ref in self.order_refs_of(buyer)]

    def products_of(self, seller: str) -> list[Product]:
        events = self._history("ProductListed", [None, self._address_topic(check_address("seller", seller))])
        return [self.product(args["productId"]) for args, _ in events]

    def reviews(self, product_id: int) -> list[Review]:
        check_uint("product id", product_id)
        events = self._history("Reviewed", ["0x" + product_id.to_bytes(32, "big").hex()])
        return [
            Review(
                product_id=args["productId"],
                order_no=args["orderNo"],
                reviewer=args["reviewer"],
                rating=args["rating"],
                review_digest=bytes(args["reviewDigest"]),
                review_codec=Codec(args["reviewCodec"]),
                block_number=int(log["blockNumber"]),
                tx_hash="0x" + bytes(log["transactionHash"]).hex(),
            )
            for args, log in events
        ]

    # --- writes ---------------------------------------------------------------------------------

    def list_product(self, price: int, stock: int, escrow_window: int, metadata: Cid) -> Listing:
        check_uint("price", price, UINT96_MAX, minimum=1)
        check_uint("stock", stock, UINT32_MAX)
        check_uint("escrow window", escrow_window, UINT32_MAX)
        digest, codec = _document("metadata", metadata)
        mined = self._write("listProduct", price, stock, escrow_window, digest, codec)
        (event,) = self._event("ProductListed").decode_all(mined.logs)
        return Listing(product_id=event["productId"], tx=mined.tx)

    def set_price(self, product_id: int, price: int) -> TxResult:
        check_uint("product id", product_id)
        check_uint("price", price, UINT96_MAX, minimum=1)
        return self._write("setPrice", product_id, price).tx

    def set_stock(self, product_id: int, stock: int) -> TxResult:
        check_uint("product id", product_id)
        check_uint("stock", stock, UINT32_MAX)
        return self._write("setStock", product_id, stock).tx

    def set_metadata(self, product_id: int, metadata: Cid) -> TxResult:
        check_uint("product id", product_id)
        return self._write("setMetadata", product_id, *_document("metadata", metadata)).tx

    def delist(self, product_id: int) -> TxResult:
        check_uint("product id", product_id)
        return self._write("delist", product_id).tx

    def buy(self, product_id: int, quantity: int = 1, expected_unit_price: int | None = None) -> Purchase:
        """Buy at `expected_unit_price` (default: the current price, read just before sending)."""
        check_uint("product id", product_id)
        check_uint("quantity", quantity, UINT32_MAX, minimum=1)
        price = self.product(product_id).price if expected_unit_price is None else expected_unit_price
        check_uint("expected unit price", price, UINT96_MAX, minimum=1)
        mined = self._write("buy", product_id, quantity, price, value=quantity * price)
        (event,) = self._event("Purchased").decode_all(mined.logs)
        ref = OrderRef(event["productId"], event["orderNo"])
        return Purchase(order=ref, amount=quantity * price, escrowed=event["escrowed"], tx=mined.tx)

    def confirm(self, ref: OrderRef) -> TxResult:
        return self._write("confirm", ref.product_id, ref.order_no).tx

    def release(self, ref: OrderRef) -> TxResult:
        return self._write("release", ref.product_id, ref.order_no).tx

    def refund(self, ref: OrderRef) -> TxResult:
        return self._write("refund", ref.product_id, ref.order_no).tx

    def review(self, ref: OrderRef, rating: int, document: Cid) -> TxResult:
        check_uint("rating", rating, 5, minimum=1)
        digest, codec = _document("review", document)
        return self._write("review", ref.product_id, ref.order_no, rating, digest, codec).tx

    def withdraw(self) -> Withdrawal:
        mined = self._write("withdraw")
        (event,) = self._event("Withdrawn").decode_all(mined.logs)
        return Withdrawal(account=event["account"], amount=event["amount"], tx=mined.tx)

    def simulate(self, name: str, *args: Any, value: int = 0) -> int:
        """Run a write as a call, without sending it: raises its revert by name, else returns the gas
        limit a real send would use. For checks before side effects elsewhere (e.g. an IPFS upload)."""
        if not self._verified:
            self._verify()
        return self.transactions.simulate(self._request(name, args, value)).gas

    # --- plumbing -------------------------------------------------------------------------------

    def _function(self, name: str) -> AbiFunction:
        fn = self._functions.get(name)
        if fn is None:
            fn = self._functions[name] = AbiFunction.from_abi(self.abi, name)
        return fn

    @staticmethod
    def _encode(fn: AbiFunction, args: tuple[Any, ...]) -> HexStr:
        try:
            return fn.encode_hex(args)
        except AbiEncodingError as exc:
            raise DappValueError(str(exc)) from None

    def _request(self, name: str, args: tuple[Any, ...], value: int) -> TxRequest:
        data = bytes.fromhex(self._encode(self._function(name), args)[2:])
        return TxRequest(label=name, to=self.address, data=data, value=value)

    def _write(self, name: str, *args: Any, value: int = 0) -> Mined:
        if not self._verified:  # a call to an address without code would "succeed" and send the value there
            self._verify()
        return self.transactions.execute(self._request(name, args, value))


def _document(what: str, cid: Cid) -> tuple[bytes, int]:
    """The (digest, codec) contract arguments of a document's CID."""
    if not isinstance(cid, Cid):
        raise DappValueError(f"the {what} document must be a Cid (parse strings with Cid.parse), got {cid!r}")
    if not any(cid.digest):
        raise DappValueError(f"{what} digest must not be all zeros")
    return cid.digest, int(cid.codec)
