"""CatalogClient: the typed Python API of one deployed Catalog.

Reads go through raw eth_calls encoded and decoded with eth_abi (dapp._utils.abi); writes are checked
here (ranges, addresses), then handed to the transaction pipeline (dapp.transactions), which simulates,
sends, waits and names any revert. IPFS documents are fetched by dapp.ipfs.metadata, from the `Cid`
values this client returns.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from eth_typing import HexStr
from web3 import Web3
from web3.providers import JSONBaseProvider

from dapp._utils.abi import AbiEncodingError, AbiEvent, AbiFunction
from dapp._utils.logs import get_logs
from dapp._utils.revert import ErrorDecoder, as_dapp_error
from dapp._utils.validate import UINT32_MAX, UINT96_MAX, check_address, check_uint
from dapp.exceptions import (
    ContractRevert,
    DappValueError,
    IndexerError,
    IndexerMismatchError,
    InsufficientFundsError,
    NetworkError,
    NotDeployedError,
)
from dapp.indexer.reader import IndexedPurchase, IndexerFallbackWarning, IndexerReader
from dapp.ipfs.cid import Cid, Codec
from dapp.liveness import DEV_CHAIN_IDS, stale_reason
from dapp.registry import Deployment
from dapp.tokens import Token, Tokens
from dapp.transactions import Mined, TransactionPipeline, TxRequest
from dapp.types import (
    ETH,
    NO_ARBITER,
    ORDER_STATE_ENUMS,
    Listing,
    ListingTerms,
    Offered,
    Order,
    OrderRef,
    Payment,
    Product,
    Profile,
    Purchase,
    Resolution,
    Review,
    Settlement,
    TxResult,
    Withdrawal,
    check_order_data,
    document_args,
)

T = TypeVar("T")
PAYMENTS = ("auto", "permit", "approve")
PAGE_SIZE = 250  # products per getProducts call: one eth_call stays well under node response limits
# eth_calls per JSON-RPC batch: one HTTP request where a public RPC counts (and rate-limits) requests;
# providers commonly accept 100 or more per batch.
CALL_BATCH = 100


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
        tokens: Tokens | None = None,
        deployment: Deployment | None = None,
        verified: bool = True,
        indexer: str | IndexerReader | None = None,
        indexer_sync_timeout: float = 5.0,
        on_warning: Callable[[str], None] | None = None,
        **pipeline: Any,
    ) -> None:
        """`verified=False`: the contract is checked on first use (`live_deployment(check="on_use")`): the
        first view that returns data proves it, and before a first write with no view yet, eth_getCode.
        `indexer`: the URL of our Ponder indexer for this deployment; `orders_of`, `products_of` and
        `reviews` then ask it instead of scanning logs from the deployment block, once it has proved it
        follows this chain and Catalog and has reached the chain's head (waiting up to
        `indexer_sync_timeout` s). An indexer that cannot be used is reported through `on_warning` (by
        default a `warnings.warn`) and the log scan answers instead.
        `pipeline` options go to the TransactionPipeline: signer, fees, journal_root, on_event."""
        self.w3 = w3
        self.deployment = deployment
        self._verified = verified
        self.address = check_address("contract address", address)
        self.abi = abi
        self.account = account or (str(w3.eth.default_account) if w3.eth.default_account else None)
        self.deployed_on_block = deployed_on_block
        self.errors = ErrorDecoder(abi, enums=ORDER_STATE_ENUMS)
        self.transactions = TransactionPipeline(
            w3,
            self.account,
            errors=self.errors,
            receipt_timeout=receipt_timeout,
            poll_interval=poll_interval,
            **pipeline,
        )
        self.tokens = tokens or Tokens(w3)
        self._functions: dict[str, AbiFunction] = {}
        self._events: dict[str, AbiEvent] = {}
        self.indexer = IndexerReader(indexer) if isinstance(indexer, str) else indexer
        self.indexer_sync_timeout = indexer_sync_timeout
        self._indexer_checked = False
        self._warn = on_warning or _warn

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

    def _views(self, name: str, calls: Sequence[tuple[Any, ...]]) -> list[Any]:
        """`_view(name, *args)` for each of `calls`, in order: in JSON-RPC batches of CALL_BATCH where the
        provider speaks JSON-RPC (a rate-limited RPC counts one request per batch), else one by one. A batch
        the endpoint refuses, or one with a call that fails, is asked again one call at a time, so that
        each failure gets the error `_view` names."""
        if not isinstance(self.w3.provider, JSONBaseProvider) or len(calls) < 2:
            return [self._view(name, *args) for args in calls]
        fn = self._function(name)
        out: list[Any] = []
        for start in range(0, len(calls), CALL_BATCH):
            chunk = calls[start : start + CALL_BATCH]
            try:
                with self.w3.batch_requests() as batch:
                    for args in chunk:
                        batch.add(self.w3.eth.call({"to": self.address, "data": self._encode(fn, args)}))
                    answers = [bytes(raw) for raw in cast(list[Any], batch.execute())]
            except DappValueError:
                raise  # bad arguments: asking again one by one would not help
            except Exception:
                answers = []
            if len(answers) != len(chunk) or not all(answers):
                out.extend(self._view(name, *args) for args in chunk)  # names the failure, or proves the code
                continue
            self._verified = True  # every Catalog view returns data: this address holds the contract
            out.extend(fn.decode(raw) for raw in answers)
        return out

    def _verify(self) -> None:
        """NotDeployedError unless the registered contract is on this chain (see `verified`)."""
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

    def orders_by_ref(self, refs: Sequence[OrderRef]) -> list[Order]:
        """`order(ref)` of each of `refs`, in JSON-RPC batches (see `_views`)."""
        views = self._views("getOrder", [(ref.product_id, ref.order_no) for ref in refs])
        return [Order.from_view(view) for view in views]

    def products_by_id(self, product_ids: Sequence[int]) -> list[Product]:
        """`product(id)` of each of `product_ids`, in JSON-RPC batches (see `_views`)."""
        views = self._views("getProduct", [(check_uint("product id", pid),) for pid in product_ids])
        return [Product.from_view(view) for view in views]

    def orders(self, product_id: int, offset: int = 0, limit: int | None = None) -> list[Order]:
        """Orders of one product, paginated like `products`."""
        count = self.product(product_id).order_count
        return [Order.from_view(v) for v in self._pages("getOrders", (product_id,), count, offset, limit, PAGE_SIZE)]

    def withdrawable(self, account: str | None = None, currency: str = ETH) -> int:
        """What `account` (default: yours) can withdraw in `currency` (default: ETH)."""
        who = check_address("account", account) if account is not None else self.transactions.require_sender()
        return int(self._view("withdrawable", who, check_address("currency", currency)))

    def token(self, currency: str) -> Token:
        """Symbol and decimals of a product's currency (ETH for the zero address), read once per token."""
        return self.tokens.info(currency)

    def format(self, amount: int, currency: str) -> str:
        """`12.50 tUSD`, `0.02 ETH`."""
        return self.tokens.info(currency).format(amount)

    def currencies(self) -> list[str]:
        """ETH and every token a product was ever listed in (from the indexed currency topic)."""
        found = dict.fromkeys([ETH])
        for args, _ in self._history("ProductListed", []):
            found[args["currency"]] = None
        return list(found)

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

    def _indexed(self, query: Callable[[IndexerReader], T]) -> T | None:
        """`query`'s answer from the indexer once it passes its checks; None (and a warning) when there is
        no usable indexer, for the caller to scan the logs instead. The chain id, the address and the
        contract's code are checked once; the indexer's height at every query."""
        if self.indexer is None:
            return None
        try:
            if not self._indexer_checked:
                self.indexer.check(self.w3, self.address, self.indexer_sync_timeout)
                if not self._verified:
                    self._verify()
                self._indexer_checked = True
            else:
                self.indexer.check_height(self.w3, self.indexer_sync_timeout)
            return query(self.indexer)
        except IndexerMismatchError as exc:
            self._warn(f"{exc}; not using it, reading the chain's logs instead")
            self.indexer = None  # it will not become the right indexer later
        except IndexerError as exc:
            self._warn(f"{exc}; reading the chain's logs instead")
        return None

    def order_refs_of(self, buyer: str) -> list[OrderRef]:
        """Every order `buyer` placed, from the Purchased event's indexed buyer topic."""
        events = self._history("Purchased", [None, self._address_topic(check_address("buyer", buyer))])
        return [OrderRef(args["productId"], args["orderNo"]) for args, _ in events]

    def orders_of(self, buyer: str) -> list[Order]:
        """Every order `buyer` placed, in the order placed: which ones from the indexer, else the logs; each
        order itself read from the chain."""
        buyer = check_address("buyer", buyer)
        indexed = self._indexed(lambda indexer: indexer.orders_of(buyer))
        if indexed is not None:
            return self._from_chain(
                [o.ref for o in indexed],
                self.orders_by_ref,
                lambda o: o.buyer.lower() == buyer.lower(),
                "order",
                "the buyer's",
            )
        return self.orders_by_ref(self.order_refs_of(buyer))

    def products_of(self, seller: str) -> list[Product]:
        """Every product `seller` listed, by id: which ones from the indexer, else the logs; each product
        itself read from the chain."""
        seller = check_address("seller", seller)
        indexed = self._indexed(lambda indexer: indexer.products_of(seller))
        if indexed is not None:
            return self._from_chain(
                [p.id for p in indexed],
                self.products_by_id,
                lambda p: p.seller.lower() == seller.lower(),
                "product",
                "the seller's",
            )
        events = self._history("ProductListed", [None, self._address_topic(check_address("seller", seller))])
        return self.products_by_id([args["productId"] for args, _ in events])

    def seller_orders(self, seller: str) -> list[tuple[Order, bytes]]:
        """A seller's inbox: every order of its products with the order's orderData, oldest first: from the
        indexer (the orderData read from the chain, in the block the indexer names for each purchase), else
        the ProductListed and Purchased events (one log query each) and the views."""
        seller = check_address("seller", seller)
        indexed = self._indexed(lambda indexer: _indexed_seller_purchases(indexer, seller))
        if indexed is not None:
            orders = self.orders_by_ref([p.order.ref for p in indexed])  # the indexer says which; the chain what
            pairs = list(zip(orders, self._chain_order_data(indexed), strict=True))
        else:
            ids = self.product_ids_of(seller)
            data = {ref: order_data for ref, _, order_data in self.purchases(ids)} if ids else {}
            pairs = [(o, data.get(o.ref, b"")) for pid in ids for o in self.orders(pid)]
        return sorted(
            pairs, key=lambda pair: (pair[0].placed_at or pair[0].shipped_at, pair[0].product_id, pair[0].order_no)
        )

    def _from_chain(
        self,
        keys: Sequence[Any],
        read: Callable[[Sequence[Any]], list[T]],
        belongs: Callable[[T], bool],
        what: str,
        whose: str,
    ) -> list[T]:
        """The items an indexer named, each read from the chain: an indexer only says which items to read, never
        what they hold. One the chain says is not `whose` is left out, with a warning."""
        items = []
        for key, item in zip(keys, read(keys), strict=True):
            if belongs(item):
                items.append(item)
            else:
                self._warn(f"the indexer lists {what} {key} as {whose}, which the chain does not: it is left out")
        return items

    def _chain_order_data(self, rows: Sequence[IndexedPurchase]) -> list[bytes]:
        """The orderData of each of the indexer's rows as its Purchased event has it. An indexer's bytes are
        never used: HPKE base mode does not authenticate the sender and the seller's key is public, so an
        indexer could hand the seller a forged address sealed to it and bound to the right order. Each row
        names the block of its purchase: that block's Purchased logs of the rows' products are read (one
        single-block eth_getLogs per block, on the indexed product topic: no RPC caps such a range); a
        purchase not in the block named is looked for in one log scan. Each row the chain contradicts is
        reported through the warning callback."""
        head = int(self.w3.eth.block_number) if rows else 0
        wanted: dict[int, set[int]] = {}
        for row in rows:
            if row.block_number is not None and self.deployed_on_block <= row.block_number <= head:
                wanted.setdefault(row.block_number, set()).add(row.order.product_id)
        found: dict[tuple[OrderRef, int], bytes] = {}
        for block, product_ids in sorted(wanted.items()):
            for ref, at, data in self.purchases(sorted(product_ids), from_block=block, to_block=block):
                found[ref, at] = data
        missing = [r for r in rows if r.block_number is None or (r.order.ref, r.block_number) not in found]
        scanned: dict[OrderRef, bytes] = {}
        if missing:
            ids = sorted({r.order.product_id for r in missing})
            scanned = {ref: data for ref, _, data in self.purchases(ids)}
        out: list[bytes] = []
        for row in rows:
            ref = row.order.ref
            chain = found.get((ref, row.block_number)) if row.block_number is not None else None
            if chain is None:
                where = "gives no block" if row.block_number is None else f"names block {row.block_number}"
                if ref in scanned:
                    self._warn(
                        f"the indexer {where} for the purchase of order {ref}, which the chain has elsewhere: "
                        "its orderData is read from the chain's logs instead"
                    )
                else:
                    self._warn(f"the chain has no purchase of the indexer's order {ref}: no orderData is used")
                out.append(scanned.get(ref, b""))
                continue
            if (row.order_data or b"") != chain:
                self._warn(f"the indexer's orderData of order {ref} differs from the chain's: the chain's is used")
            out.append(chain)
        return out

    def product_ids_of(self, seller: str, from_block: int | None = None, to_block: int | None = None) -> list[int]:
        """The ids of the products `seller` listed in [from_block (default: the deployment block), to_block]."""
        topics = [self._event("ProductListed").topic_hex, None, self._address_topic(check_address("seller", seller))]
        start = self.deployed_on_block if from_block is None else from_block
        event = self._event("ProductListed")
        return [int(event.decode(log)["productId"]) for log in get_logs(self.w3, self.address, topics, start, to_block)]

    def purchases(
        self,
        product_ids: Sequence[int] | None = None,
        buyer: str | None = None,
        from_block: int | None = None,
        to_block: int | None = None,
    ) -> list[tuple[OrderRef, int, bytes]]:
        """(order, block number, orderData) of each Purchased event of these products (default: all) or
        this buyer, from `from_block` (default: the deployment block) to `to_block` (default: the head)."""
        topics: list[Any] = [self._event("Purchased").topic_hex]
        topics.append(
            ["0x" + check_uint("product id", p).to_bytes(32, "big").hex() for p in product_ids]
            if product_ids is not None
            else None
        )
        topics.append(self._address_topic(check_address("buyer", buyer)) if buyer is not None else None)
        start = self.deployed_on_block if from_block is None else from_block
        logs = get_logs(self.w3, self.address, topics, start, to_block)
        event = self._event("Purchased")
        return [
            (OrderRef(args["productId"], args["orderNo"]), int(log["blockNumber"]), bytes(args["orderData"]))
            for log in logs
            for args in (event.decode(log),)
        ]  # fmt: skip

    def reviews(self, product_id: int) -> list[Review]:
        """Every review of a product, in the order written: from the indexer, else the Reviewed events."""
        check_uint("product id", product_id)
        indexed = self._indexed(lambda indexer: indexer.reviews(product_id))
        if indexed is not None:
            return indexed
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

    # --- writes: the seller -----------------------------------------------------------------------

    def list_product(self, terms: ListingTerms) -> Listing:
        """List a product on `terms`. A token currency is checked here (NotATokenError, TokenDecimalsError),
        and an arbiter must not be its own seller."""
        mined = self._write("listProduct", *self._listing(terms))
        (event,) = self._event("ProductListed").decode_all(mined.logs)
        return Listing(product_id=event["productId"], tx=mined.tx)

    def check_listing(self, terms: ListingTerms) -> None:
        """Every check `list_product` makes, the contract's included (simulated), without sending."""
        self.simulate("listProduct", *self._listing(terms))

    def _listing(self, terms: ListingTerms) -> tuple[Any, ...]:
        if terms.arbiter is not None and terms.arbiter != NO_ARBITER and terms.arbiter == self.account:
            raise DappValueError("the arbiter must not be the seller")
        if terms.arbiter == self.address:
            raise DappValueError("the arbiter must not be the Catalog itself: it could never rule")
        self.tokens.info(terms.currency)  # refuses an address that is not a usable token, before anything is sent
        return terms.contract_args()

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
        return self._write("setMetadata", product_id, *document_args("metadata", metadata)).tx

    def delist(self, product_id: int) -> TxResult:
        check_uint("product id", product_id)
        return self._write("delist", product_id).tx

    def ship(self, ref: OrderRef, tracking: Cid | None = None) -> TxResult:
        """Mark a paid order shipped, with the CID of a tracking document if there is one."""
        digest, codec = document_args("tracking", tracking) if tracking is not None else (bytes(32), 0)
        return self._write("ship", ref.product_id, ref.order_no, digest, codec).tx

    def refund(self, ref: OrderRef) -> TxResult:
        return self._write("refund", ref.product_id, ref.order_no).tx

    # --- writes: the buyer ------------------------------------------------------------------------

    def buy(
        self,
        product: Product | int,
        quantity: int = 1,
        *,
        payment: str = "auto",
        permit_ttl: int = 3600,
        order_data: bytes = b"",
    ) -> Purchase:
        """Buy on the terms of `product` as the caller saw it (currency, unit price, terms version): any
        change since reverts by name. Given an id, the product is read just before sending.

        `order_data`: opaque bytes for the seller (the sealed shipping details of dapp.shipping), at most
        MAX_ORDER_DATA; emitted in the Purchased event, not stored, and read back with `order_data(ref)`.

        A token purchase pays with an allowance already there, else (payment "auto") an EIP-2612 permit
        signed into the purchase when the token and the account support it, else an approve of exactly the
        amount sent first. payment "permit" or "approve" forces one way. `Purchase.payment` says which."""
        if payment not in PAYMENTS:
            raise DappValueError(f"payment must be one of {', '.join(PAYMENTS)}, got {payment!r}")
        check_uint("quantity", quantity, UINT32_MAX, minimum=1)
        data = check_order_data(order_data)
        if not isinstance(product, Product):
            product = self.product(check_uint("product id", product))
        amount = quantity * product.price
        terms = (product.id, quantity, product.currency, product.price, product.terms_version)
        if not product.in_token:
            mined = self._write("buy", *terms, data, value=amount)
            return self._purchase(mined, product, amount, Payment.ETH)
        buyer = self.transactions.require_sender()
        token = self.tokens.info(product.currency)
        balance = self.tokens.balance_of(token.address, buyer)
        if balance < amount:
            raise InsufficientFundsError(
                f"the purchase costs {token.format(amount)} and {buyer} holds {token.format(balance)}"
            )
        if payment != "permit" and self.tokens.allowance(token.address, buyer, self.address) >= amount:
            return self._purchase(self._write("buy", *terms, data), product, amount, Payment.ALLOWANCE)
        if payment != "approve":
            domain = self.tokens.permit_domain(token.address)
            deadline = int(self.w3.eth.get_block("latest")["timestamp"]) + permit_ttl
            signed = self.tokens.sign_permit(domain, buyer, self.address, amount, deadline) if domain else None
            if signed is not None:
                mined = self._write("buyWithPermit", *terms, deadline, signed.v, signed.r, signed.s, data)
                return self._purchase(mined, product, amount, Payment.PERMIT)
            if payment == "permit":
                why = "has no EIP-2612 permit" if domain is None else "cannot be signed for by this account here"
                raise DappValueError(f"cannot pay with a permit: {token.symbol} {why}")
        # Check the purchase before sending the approve: buyWithPermit with a blank signature runs every
        # Catalog check (its permit is tried and ignored), then fails in the token for want of allowance.
        try:
            self.simulate("buyWithPermit", *terms, 0, 27, bytes(32), bytes(32), data)
        except ContractRevert as exc:
            if exc.name.startswith("Catalog"):
                raise
        approved = self.transactions.execute(self.tokens.approve_request(token.address, self.address, amount))
        mined = self._write("buy", *terms, data)
        return self._purchase(mined, product, amount, Payment.APPROVE, approved.tx)

    def _purchase(
        self, mined: Mined, product: Product, amount: int, payment: Payment, approve_tx: TxResult | None = None
    ) -> Purchase:
        (event,) = self._event("Purchased").decode_all(_from(mined.logs, self.address))
        return Purchase(
            order=OrderRef(event["productId"], event["orderNo"]),
            currency=product.currency,
            amount=amount,
            escrowed=event["escrowed"],
            payment=payment,
            order_data=bytes(event["orderData"]),
            tx=mined.tx,
            approve_tx=approve_tx,
        )

    def confirm(self, ref: OrderRef) -> TxResult:
        """Received (or withdraw your dispute): the seller is paid."""
        return self._write("confirm", ref.product_id, ref.order_no).tx

    def cancel(self, ref: OrderRef) -> TxResult:
        """Take back a paid order the seller did not ship within the handling time."""
        return self._write("cancel", ref.product_id, ref.order_no).tx

    def dispute(self, ref: OrderRef) -> TxResult:
        """Freeze a shipped order before its escrow window ends."""
        return self._write("dispute", ref.product_id, ref.order_no).tx

    def review(self, ref: OrderRef, rating: int, document: Cid) -> TxResult:
        check_uint("rating", rating, 5, minimum=1)
        digest, codec = document_args("review", document)
        return self._write("review", ref.product_id, ref.order_no, rating, digest, codec).tx

    # --- writes: settlement by agreement (the buyer or the seller) ---------------------------------

    def offer_settlement(self, ref: OrderRef, buyer_amount: int) -> Offered:
        """Offer to end a paid, shipped or disputed order with `buyer_amount` back to the buyer and the rest
        to the seller. Replaces any open offer, from either side; the other party accepts it."""
        check_uint("buyer amount", buyer_amount)
        mined = self._write("offerSettlement", ref.product_id, ref.order_no, buyer_amount)
        (event,) = self._event("SettlementOffered").decode_all(mined.logs)
        return Offered(ref, event["by"], event["buyerAmount"], mined.tx)

    def accept_settlement(self, ref: OrderRef, buyer_amount: int) -> Settlement:
        """Accept the other party's open offer, naming its amount: if the offer changed since you read it,
        the contract refuses (CatalogOfferMismatch) rather than settle on terms you did not see."""
        check_uint("buyer amount", buyer_amount)
        mined = self._write("acceptSettlement", ref.product_id, ref.order_no, buyer_amount)
        (event,) = self._event("OrderSettled").decode_all(mined.logs)
        return Settlement(ref, event["buyerAmount"], event["sellerAmount"], mined.tx)

    def withdraw_settlement(self, ref: OrderRef) -> TxResult:
        """Take back your own open offer."""
        return self._write("withdrawSettlement", ref.product_id, ref.order_no).tx

    # --- seller profiles ---------------------------------------------------------------------------

    def set_profile(self, document: Cid | None) -> TxResult:
        """Point your seller profile at `document` (dapp.ipfs.profile); None clears it. The latest wins."""
        digest, codec = document_args("profile", document) if document is not None else (bytes(32), 0)
        return self._write("setProfile", digest, codec).tx

    def profile(self, seller: str) -> Profile | None:
        """The latest ProfileSet event of `seller` (its `document` is None if that event cleared it), or
        None if the seller never set one."""
        events = self._history("ProfileSet", [self._address_topic(check_address("seller", seller))])
        if not events:
            return None
        args, log = events[-1]  # logs come in chain order: the last is the latest
        digest = bytes(args["digest"])
        return Profile(
            seller=args["seller"],
            document=Cid(digest, Codec(args["codec"])) if any(digest) else None,
            block_number=int(log["blockNumber"]),
            tx_hash="0x" + bytes(log["transactionHash"]).hex(),
        )

    def order_data(self, ref: OrderRef) -> bytes:
        """The `orderData` the buyer passed with order `ref` (empty for none), from its Purchased event."""
        self.order(ref)  # an order that does not exist is refused by name
        topic = "0x" + ref.product_id.to_bytes(32, "big").hex()
        for args, _ in self._history("Purchased", [topic]):
            if args["orderNo"] == ref.order_no:
                return bytes(args["orderData"])
        raise NetworkError(
            f"order {ref} exists but the node returned no Purchased event for it from block "
            f"{self.deployed_on_block} on: does it keep old logs?"
        )

    # --- writes: anyone, the arbiter, money -------------------------------------------------------

    def release(self, ref: OrderRef) -> TxResult:
        """Pay the seller of a shipped, undisputed order once its escrow window has passed."""
        return self._write("release", ref.product_id, ref.order_no).tx

    def resolve(self, ref: OrderRef, buyer_amount: int) -> Resolution:
        """As the product's arbiter: give `buyer_amount` of a disputed order to the buyer, the rest to the seller."""
        check_uint("buyer amount", buyer_amount)
        mined = self._write("resolve", ref.product_id, ref.order_no, buyer_amount)
        (event,) = self._event("OrderResolved").decode_all(mined.logs)
        return Resolution(ref, event["buyerAmount"], event["sellerAmount"], mined.tx)

    def withdraw(self, currency: str = ETH, to: str | None = None) -> Withdrawal:
        """Send all you are owed in `currency` to `to` (default: yourself)."""
        currency = check_address("currency", currency)
        recipient = check_address("recipient", to) if to is not None else self.transactions.require_sender()
        mined = self._write("withdraw", currency, recipient)
        (event,) = self._event("Withdrawn").decode_all(_from(mined.logs, self.address))
        return Withdrawal(
            account=event["account"], currency=event["currency"], to=event["to"], amount=event["amount"], tx=mined.tx
        )

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


def _warn(message: str) -> None:
    warnings.warn(message, IndexerFallbackWarning, stacklevel=4)


def _indexed_seller_purchases(indexer: IndexerReader, seller: str) -> list[IndexedPurchase]:
    found: list[IndexedPurchase] = []
    cursor: str | None = None
    while True:
        page, cursor = indexer.seller_purchases(seller, after=cursor)
        found += page
        if cursor is None:
            return found


def _from(logs: Sequence[Mapping[str, Any]], address: str) -> list[Mapping[str, Any]]:
    """The logs `address` emitted (a token purchase's receipt also holds the token's Transfer logs)."""
    return [log for log in logs if str(log.get("address", "")).lower() == address.lower()]
