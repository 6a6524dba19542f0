"""Typed results of the Catalog client: what the contract's views and events say, as dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from dapp._utils.validate import check_uint
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec


class OrderState(IntEnum):
    """Mirrors Catalog.OrderState."""

    NONE = 0
    ESCROWED = 1
    COMPLETED = 2
    REFUNDED = 3
    REVIEWED = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Product:
    id: int
    seller: str
    price: int
    stock: int
    escrow_window: int
    order_count: int
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

    @classmethod
    def from_view(cls, view: Any) -> Product:
        (id_, seller, price, stock, window, orders, r_count, r_sum, digest, codec, listed) = view
        return cls(
            id=id_,
            seller=seller,
            price=price,
            stock=stock,
            escrow_window=window,
            order_count=orders,
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
            "price": str(self.price),
            "stock": self.stock,
            "escrowWindow": self.escrow_window,
            "orderCount": self.order_count,
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
    quantity: int
    amount: int
    created_at: int
    releasable_at: int
    state: OrderState

    @property
    def ref(self) -> OrderRef:
        return OrderRef(self.product_id, self.order_no)

    @classmethod
    def from_view(cls, view: Any) -> Order:
        (product_id, order_no, buyer, quantity, amount, created_at, releasable_at, state) = view
        return cls(product_id, order_no, buyer, quantity, amount, created_at, releasable_at, OrderState(state))

    def to_json(self) -> dict[str, Any]:
        return {
            "order": str(self.ref),
            "productId": self.product_id,
            "orderNo": self.order_no,
            "buyer": self.buyer,
            "quantity": self.quantity,
            "amount": str(self.amount),
            "createdAt": self.created_at,
            "releasableAt": self.releasable_at,
            "state": self.state.label,
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
class Listing:
    product_id: int
    tx: TxResult


@dataclass(frozen=True)
class Purchase:
    order: OrderRef
    amount: int
    escrowed: bool
    tx: TxResult


@dataclass(frozen=True)
class Withdrawal:
    account: str
    amount: int
    tx: TxResult
