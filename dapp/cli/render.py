"""How the shop commands show products and orders: tables, settlement terms, what protects a buyer."""

from __future__ import annotations

from datetime import UTC, datetime

from dapp.cli.explain import when
from dapp.cli.output import format_duration, table
from dapp.ipfs.cid import Cid
from dapp.ipfs.documents import NameLookup
from dapp.tokens import Token
from dapp.types import Order, OrderState, Payment, Product

Names = dict[Cid, NameLookup]

PAYMENT_WORDS = {
    Payment.ETH: "in ETH",
    Payment.ALLOWANCE: "from the allowance you had already given the Catalog",
    Payment.APPROVE: "after an approve of exactly that amount (two transactions)",
    Payment.PERMIT: "with an EIP-2612 permit signed into the purchase (one transaction, no approve)",
}


def short(address: str) -> str:
    return address[:10] + "…"


def settles(p: Product) -> str:
    if p.settles_immediately:
        return "now"
    arbiter = f", arbiter {short(p.arbiter)}" if p.has_arbiter else ", no arbiter"
    return f"ship {format_duration(p.handling_time)}, escrow {format_duration(p.escrow_window)}{arbiter}"


def protection(p: Product) -> str:
    """What protects the buyer of `p`, in words, said before every purchase."""
    if p.settles_immediately:
        return (
            "This product settles at once: the seller is paid when your purchase is mined. There is no escrow, "
            "no cancel and no dispute."
        )
    text = (
        f"Escrowed: the seller has {format_duration(p.handling_time)} to ship, or you may cancel for a full refund. "
        f"Once shipped you have {format_duration(p.escrow_window)} to confirm or dispute; after that anyone may "
        f"release the payment to the seller."
    )
    if p.has_arbiter:
        return text + (
            f" Disputes go to the arbiter {p.arbiter}, who splits the amount between you and the seller "
            f"and can keep none of it."
        )
    return text + (
        " No arbiter: without an arbiter a disputed order stays frozen until the seller refunds or you confirm."
    )


def _product_rows(products: list[Product], tokens: dict[str, Token]) -> list[list[object]]:
    return [
        [
            p.id,
            tokens[p.currency].format(p.price),
            p.stock,
            settles(p),
            f"{p.rating:.1f} ({p.rating_count})" if p.rating is not None else "-",
            "yes" if p.listed else "delisted",
            short(p.seller),
            p.metadata_cid,
        ]
        for p in products
    ]


PRODUCT_HEADERS = ["id", "price", "stock", "settles", "rating", "listed", "seller", "metadata"]


def products_table(products: list[Product], tokens: dict[str, Token], names: Names | None = None) -> str:
    """The catalog as a table; with `names` (metadata CID -> name lookup) a name column too."""
    if not products:
        return "(no products yet)"
    rows = _product_rows(products, tokens)
    if names is None:
        return table(PRODUCT_HEADERS, rows)
    named = [[row[0], _name(names, p.metadata_cid), *row[1:]] for p, row in zip(products, rows, strict=True)]
    return table([PRODUCT_HEADERS[0], "name", *PRODUCT_HEADERS[1:]], named)


def _name(names: Names, cid: Cid) -> str:
    found = names.get(cid)
    return found.label if found else "?"


def _next_step(o: Order) -> str:
    if o.state is OrderState.PAID:
        return f"ship by {when(o.deadline)}"
    if o.state is OrderState.SHIPPED:
        return f"dispute before {when(o.deadline)}"
    if o.state is OrderState.DISPUTED:
        return "frozen: arbiter, refund or confirm"
    return "-"


def orders_table(
    orders: list[Order],
    tokens: dict[str, Token],
    names: Names | None = None,
    products: dict[int, Product] | None = None,
) -> str:
    if not orders:
        return "(no orders)"
    with_names = names is not None and products is not None
    rows = []
    for o in orders:
        row: list[object] = [str(o.ref)]
        if with_names:
            assert names is not None and products is not None
            row.append(_name(names, products[o.product_id].metadata_cid))
        placed = o.placed_at or o.shipped_at
        row += [
            short(o.buyer),
            o.quantity,
            tokens[o.currency].format(o.amount),
            o.state.label,
            datetime.fromtimestamp(placed, UTC).strftime("%Y-%m-%d %H:%M"),
            _next_step(o),
        ]
        rows.append(row)
    headers = [
        "order",
        *(["product"] if with_names else []),
        "buyer",
        "qty",
        "paid",
        "state",
        "placed/shipped (UTC)",
        "next",
    ]
    return table(headers, rows)
