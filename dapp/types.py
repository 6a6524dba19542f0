"""Typed results of the Catalog client: what the contract's views and events say, as dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from dapp._utils.validate import UINT32_MAX, UINT96_MAX, check_address, check_uint
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec

ETH = "0x0000000000000000000000000000000000000000"  # the `currency` of a product priced in ETH
NO_ARBITER = ETH  # the `arbiter` of a product without one


class OrderState(IntEnum):
    """Mirrors ICatalog.OrderState; the numeric order is "forward" (a state only ever grows)."""

    NONE = 0
    PAID = 1  # escrowed, not shipped: the buyer may cancel once the handling time is over
    SHIPPED = 2  # escrowed, the escrow window runs: the buyer confirms or disputes, then anyone releases
    DISPUTED = 3  # escrowed and frozen: the arbiter splits, the seller refunds or the buyer confirms
    COMPLETED = 4  # the seller was credited
    REFUNDED = 5  # the seller gave the buyer the full amount back
    CANCELLED = 6  # the buyer took it back after the handling time passed unshipped
    RESOLVED = 7  # the arbiter split the amount
    REVIEWED = 8  # completed and rated

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def escrowed(self) -> bool:
        """The money is still held by the Catalog."""
        return self in (OrderState.PAID, OrderState.SHIPPED, OrderState.DISPUTED)


# OrderState by its internalType in a Catalog ABI, so decoded errors name states. Both spellings: the
# enum is ICatalog's, and an ABI recorded from a build that declared it in the Catalog itself (the same
# code and selectors) names it Catalog.OrderState.
ORDER_STATE_ENUMS: dict[str, type[IntEnum]] = {
    "enum ICatalog.OrderState": OrderState,
    "enum Catalog.OrderState": OrderState,
}


@dataclass(frozen=True)
class Product:
    id: int
    seller: str
    currency: str  # ETH (the zero address) or the ERC-20 token the product is priced in
    price: int  # of one unit, in wei or the token's base units
    stock: int
    handling_time: int  # seconds the seller has to ship an escrowed order
    escrow_window: int  # seconds after shipping the buyer has to dispute; 0 settles at once
    arbiter: str  # the zero address: no arbiter
    order_count: int
    terms_version: int  # bumped by every price or metadata change; a purchase names the one it saw
    rating_count: int
    rating_sum: int
    metadata_digest: bytes
    metadata_codec: Codec
    listed: bool

    @property
    def metadata_cid(self) -> Cid:
        return Cid(self.metadata_digest, self.metadata_codec)

    @property
    def rating(self) -> float | None:
        """Average stars, or None before the first review."""
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def settles_immediately(self) -> bool:
        return self.escrow_window == 0

    @property
    def in_token(self) -> bool:
        return self.currency != ETH

    @property
    def has_arbiter(self) -> bool:
        return self.arbiter != NO_ARBITER

    @classmethod
    def from_view(cls, view: Any) -> Product:
        (id_, seller, currency, price, stock, handling, window, arbiter, orders, terms, r_count, r_sum, digest,
         codec, listed) = view  # fmt: skip
        return cls(
            id=id_,
            seller=seller,
            currency=currency,
            price=price,
            stock=stock,
            handling_time=handling,
            escrow_window=window,
            arbiter=arbiter,
            order_count=orders,
            terms_version=terms,
            rating_count=r_count,
            rating_sum=r_sum,
            metadata_digest=bytes(digest),
            metadata_codec=Codec(codec),
            listed=listed,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seller": self.seller,
            "currency": self.currency,
            "price": str(self.price),
            "stock": self.stock,
            "handlingTime": self.handling_time,
            "escrowWindow": self.escrow_window,
            "arbiter": self.arbiter if self.has_arbiter else None,
            "orderCount": self.order_count,
            "termsVersion": self.terms_version,
            "ratingCount": self.rating_count,
            "ratingSum": self.rating_sum,
            "rating": self.rating,
            "metadataCid": str(self.metadata_cid),
            "listed": self.listed,
        }


@dataclass(frozen=True)
class OrderRef:
    """Orders are numbered per product: order 2 of product 7 is `7-2`. Both numbers start at 1."""

    product_id: int
    order_no: int

    def __post_init__(self) -> None:
        check_uint("product id", self.product_id, minimum=1)
        check_uint("order number", self.order_no, minimum=1)

    @classmethod
    def parse(cls, text: str) -> OrderRef:
        """'7-2' (order 2 of product 7), the form `dapp buy` and `dapp orders` print."""
        product, sep, number = text.partition("-")
        if not sep or not product.isdigit() or not number.isdigit() or int(product) < 1 or int(number) < 1:
            raise DappValueError(f"not an order: {text!r} (expected PRODUCT-ORDER, e.g. 7-2)")
        return cls(int(product), int(number))

    def __str__(self) -> str:
        return f"{self.product_id}-{self.order_no}"


@dataclass(frozen=True)
class Order:
    product_id: int
    order_no: int
    buyer: str
    currency: str
    quantity: int
    unit_price: int  # the price of the terms version the buyer agreed to
    amount: int
    terms_version: int
    state: OrderState
    placed_at: int  # 0 once the order has shipped (the contract keeps one timestamp)
    shipped_at: int  # 0 until shipped
    deadline: int  # Paid: cancel from then on; Shipped/Disputed: dispute before, release from; else 0

    @property
    def ref(self) -> OrderRef:
        return OrderRef(self.product_id, self.order_no)

    @classmethod
    def from_view(cls, view: Any) -> Order:
        (product_id, order_no, buyer, currency, quantity, unit_price, amount, terms, state, placed, shipped,
         deadline) = view  # fmt: skip
        return cls(
            product_id, order_no, buyer, currency, quantity, unit_price, amount, terms, OrderState(state), placed,
            shipped, deadline,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "order": str(self.ref),
            "productId": self.product_id,
            "orderNo": self.order_no,
            "buyer": self.buyer,
            "currency": self.currency,
            "quantity": self.quantity,
            "unitPrice": str(self.unit_price),
            "amount": str(self.amount),
            "termsVersion": self.terms_version,
            "state": self.state.label,
            "placedAt": self.placed_at,
            "shippedAt": self.shipped_at,
            "deadline": self.deadline,
        }


@dataclass(frozen=True)
class Review:
    product_id: int
    order_no: int
    reviewer: str
    rating: int
    review_digest: bytes
    review_codec: Codec
    block_number: int
    tx_hash: str

    @property
    def ref(self) -> OrderRef:
        return OrderRef(self.product_id, self.order_no)

    @property
    def review_cid(self) -> Cid:
        return Cid(self.review_digest, self.review_codec)

    def to_json(self) -> dict[str, Any]:
        return {
            "order": str(self.ref),
            "reviewer": self.reviewer,
            "rating": self.rating,
            "reviewCid": str(self.review_cid),
            "block": self.block_number,
            "tx": self.tx_hash,
        }


@dataclass(frozen=True)
class TxResult:
    """A mined, successful transaction."""

    tx_hash: str
    block_number: int
    gas_used: int


@dataclass(frozen=True)
class ListingTerms:
    """What a seller offers: `price` per unit in `currency` (ETH, or an ERC-20 token's address), `stock`
    units, the `metadata` document's CID; for an escrowed product (`escrow_window` > 0, the time the buyer
    has to dispute after shipping) the `handling_time` to ship, and optionally an `arbiter` for disputes.

    Checked when made, so the CLI, the client and the demo share one set of rules (DappValueError naming
    the problem); what only the chain knows (is `currency` a token? is the arbiter the seller?) the
    client checks before sending. Addresses are kept checksummed."""

    price: int
    stock: int
    metadata: Cid
    currency: str = ETH
    escrow_window: int = 0
    handling_time: int = 0
    arbiter: str | None = None

    def __post_init__(self) -> None:
        check_uint("price", self.price, UINT96_MAX, minimum=1)
        check_uint("stock", self.stock, UINT32_MAX)
        check_uint("escrow window", self.escrow_window, UINT32_MAX)
        check_uint("handling time", self.handling_time, UINT32_MAX)
        object.__setattr__(self, "currency", check_address("currency", self.currency))
        if self.arbiter is not None:
            object.__setattr__(self, "arbiter", check_address("arbiter", self.arbiter))
        if self.escrow_window and not self.handling_time:
            raise DappValueError("an escrowed product needs a handling time: how long you have to ship")
        if self.handling_time and not self.escrow_window:
            raise DappValueError("a handling time needs an escrow window: an immediate sale has nothing to ship")
        if self.arbiter not in (None, NO_ARBITER) and not self.escrow_window:
            raise DappValueError("only an escrowed product can have an arbiter: an immediate sale has no dispute")
        document_args("metadata", self.metadata)

    def contract_args(self) -> tuple[Any, ...]:
        """listProduct's arguments, in its order."""
        return (
            self.currency,
            self.price,
            self.stock,
            self.handling_time,
            self.escrow_window,
            self.arbiter or NO_ARBITER,
            *document_args("metadata", self.metadata),
        )


def document_args(what: str, cid: Cid) -> tuple[bytes, int]:
    """The (digest, codec) contract arguments of a document's CID."""
    if not isinstance(cid, Cid):
        raise DappValueError(f"the {what} document must be a Cid (parse strings with Cid.parse), got {cid!r}")
    if not any(cid.digest):
        raise DappValueError(f"{what} digest must not be all zeros")
    return cid.digest, int(cid.codec)


@dataclass(frozen=True)
class Listing:
    product_id: int
    tx: TxResult


class Payment(IntEnum):
    """How a purchase paid: ETH sent with it, or a token pulled with an allowance it found, an approve
    it sent first, or an EIP-2612 permit signed into the purchase itself."""

    ETH = 0
    ALLOWANCE = 1
    APPROVE = 2
    PERMIT = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Purchase:
    order: OrderRef
    currency: str
    amount: int
    escrowed: bool
    payment: Payment
    tx: TxResult
    approve_tx: TxResult | None = None  # the approve sent before the purchase (Payment.APPROVE)


@dataclass(frozen=True)
class Resolution:
    order: OrderRef
    buyer_amount: int
    seller_amount: int
    tx: TxResult


@dataclass(frozen=True)
class Withdrawal:
    account: str
    currency: str
    to: str
    amount: int
    tx: TxResult

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "currency": self.currency,
            "to": self.to,
            "amount": str(self.amount),
            "tx": self.tx.tx_hash,
        }
