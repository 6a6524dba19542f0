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
    """What protects the buyer of `p` and the rules that bind both sides, in words, said before every purchase."""
    if p.settles_immediately:
        return (
            "This product settles at once: the seller is paid when your purchase is mined. There is no escrow, "
            "no cancel and no dispute. You may review it once."
        )
    text = (
        f"Escrowed: the seller has {format_duration(p.handling_time)} to ship; from then on it can no longer ship "
        f"and you may cancel for a full refund. Once shipped you have {format_duration(p.escrow_window)} to confirm "
        f"or dispute; after that anyone may release the payment to the seller."
    )
    if p.has_arbiter:
        text += (
            f" Disputes go to the arbiter {p.arbiter}, who splits the amount between you and the seller "
            f"and can keep none of it."
        )
    else:
        text += (
            " No arbiter: without an arbiter a disputed order stays frozen until the seller refunds, you confirm, "
            "or you both agree on a split."
        )
    return text + (
        " Until the order ends, either of you may offer a split (how much you get back) and the other accept "
        "that same amount (`dapp settle`). You may review the order once it completes, is ruled or settled; "
        "refunded and cancelled orders cannot be reviewed."
    )


ORDER_DATA_WORDS = (
    "The order data goes into the purchase's event on chain, readable by anyone: only encrypted details "
    "(sealed to the seller's shipping key) belong there."
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
    found = [names.get(p.metadata_cid) for p in products]
    if not any(n is not None and n.variant is not None for n in found):
        named = [[row[0], _name(names, p.metadata_cid), *row[1:]] for p, row in zip(products, rows, strict=True)]
        return table([PRODUCT_HEADERS[0], "name", *PRODUCT_HEADERS[1:]], named)
    with_options = [
        [row[0], _name(names, p.metadata_cid), option_label(n), *row[1:]]
        for p, n, row in zip(products, found, rows, strict=True)
    ]
    return table([PRODUCT_HEADERS[0], "name", "options", *PRODUCT_HEADERS[1:]], with_options)


def option_label(found: NameLookup | None) -> str:
    """ "size M" for a product with options (its group: `group` in --json), "-" for one without."""
    return found.variant.label if found is not None and found.variant is not None else "-"


def _name(names: Names, cid: Cid) -> str:
    found = names.get(cid)
    return found.label if found else "?"


def _next_step(o: Order, token: Token) -> str:
    step = "-"
    if o.state is OrderState.PAID:
        step = f"ship by {when(o.deadline)}"
    elif o.state is OrderState.SHIPPED:
        step = f"dispute before {when(o.deadline)}"
    elif o.state is OrderState.DISPUTED:
        step = "frozen: arbiter, refund, confirm or settle"
    offer = o.offer
    if offer is not None:
        step += f"; {offer.author} offers {token.format(offer.buyer_amount)} back"
    return step


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
            _next_step(o, tokens[o.currency]),
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
