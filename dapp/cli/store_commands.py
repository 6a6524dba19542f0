"""The shop commands: list, browse, buy, settle, review and withdraw."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from dapp.cli.common import (
    NetworkArgs,
    emit,
    format_duration,
    format_wei,
    network_options,
    parse_amount,
    parse_order,
    progress,
    session,
    table,
)
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import parse_cid
from dapp.types import Order, Product


def _product_rows(products: list[Product]) -> list[list[object]]:
    return [
        [
            p.id,
            format_wei(p.price),
            p.stock,
            "now" if p.settles_immediately else f"escrow {format_duration(p.escrow_window)}",
            f"{p.rating:.1f} ({p.rating_count})" if p.rating is not None else "-",
            "yes" if p.listed else "delisted",
            p.seller[:10] + "…",
            p.metadata_cid,
        ]
        for p in products
    ]


PRODUCT_HEADERS = ["id", "price", "stock", "settles", "rating", "listed", "seller", "metadata"]


def products_table(products: list[Product]) -> str:
    return table(PRODUCT_HEADERS, _product_rows(products)) if products else "(no products yet)"


def orders_table(orders: list[Order]) -> str:
    if not orders:
        return "(no orders)"
    rows = [
        [
            str(o.ref),
            o.buyer[:10] + "…",
            o.quantity,
            format_wei(o.amount),
            o.state.label,
            datetime.fromtimestamp(o.created_at, UTC).strftime("%Y-%m-%d %H:%M"),
        ]
        for o in orders
    ]
    return table(["order", "buyer", "qty", "paid", "state", "placed (UTC)"], rows)


@click.command("list-product")
@click.option("--price", required=True, help="Unit price: wei, or e.g. 0.02ether.")
@click.option("--stock", type=click.IntRange(0), required=True, help="Units available.")
@click.option(
    "--escrow",
    "escrow_window",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Seconds the buyer has to confirm receipt; 0 settles every sale at once.",
)
@click.option("--metadata-cid", help="CID of the product's metadata JSON, already on IPFS.")
@network_options
def list_product(
    price: str,
    stock: int,
    escrow_window: int,
    metadata_cid: str | None,
    net: NetworkArgs,
) -> None:
    """List a product for sale; you become its seller."""
    wei = parse_amount(price)
    if not metadata_cid:
        raise DappValueError("give --metadata-cid CID (the product's metadata document on IPFS)")
    codec, digest = parse_cid(metadata_cid)
    with session(net) as s:
        client = s.client()
        progress("sending listProduct")
        listing = client.list_product(wei, stock, escrow_window, digest, codec)
        product = client.product(listing.product_id)
    emit(
        net.as_json,
        {"productId": listing.product_id, "tx": listing.tx.tx_hash, "product": product.to_json()},
        f"listed product {listing.product_id} at {format_wei(wei)} (tx {listing.tx.tx_hash})",
    )


@click.command("products")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--limit", type=click.IntRange(0), default=None, help="Most products to show (default: all).")
@click.option("--seller", help="Only products listed by this address (from indexed events).")
@network_options
def products(
    offset: int,
    limit: int | None,
    seller: str | None,
    net: NetworkArgs,
) -> None:
    """Show the catalog, read a page at a time through the contract's views."""
    with session(net, need_account=False) as s:
        client = s.client()
        items = client.products_of(_address(seller)) if seller else client.products(offset, limit)
    emit(net.as_json, [p.to_json() for p in items], lambda: products_table(items))


@click.command("product")
@click.argument("product_id", type=click.IntRange(1))
@network_options
def product(
    product_id: int,
    net: NetworkArgs,
) -> None:
    """Show one product with its orders and reviews."""
    with session(net, need_account=False) as s:
        client = s.client()
        item = client.product(product_id)
        orders = client.orders(product_id)
        reviews = client.reviews(product_id)
    data = {
        "product": item.to_json(),
        "orders": [o.to_json() for o in orders],
        "reviews": [r.to_json() for r in reviews],
    }

    def text() -> str:
        lines = [products_table([item]), "", "orders:", orders_table(orders), "", "reviews:"]
        lines += [
            f"  {'★' * r.rating}{'☆' * (5 - r.rating)}  order {r.product_id}-{r.order_no}  {r.review_cid}"
            for r in reviews
        ] or ["  (none)"]
        return "\n".join(lines)

    emit(net.as_json, data, text)


@click.command("buy")
@click.argument("product_id", type=click.IntRange(1))
@click.option("--quantity", "-q", type=click.IntRange(1), default=1, show_default=True)
@click.option("--expect-price", help="Unit price you agree to (default: the current price, read now).")
@network_options
def buy(
    product_id: int,
    quantity: int,
    expect_price: str | None,
    net: NetworkArgs,
) -> None:
    """Buy a product, paying exactly quantity times the unit price."""
    expected = parse_amount(expect_price) if expect_price else None
    with session(net) as s:
        progress(f"buying {quantity} of product {product_id}")
        purchase = s.client().buy(product_id, quantity, expected)
    emit(
        net.as_json,
        {
            "order": str(purchase.order),
            "amount": str(purchase.amount),
            "escrowed": purchase.escrowed,
            "tx": purchase.tx.tx_hash,
        },
        f"order {purchase.order} placed: paid {format_wei(purchase.amount)}"
        + (" (in escrow until you confirm)" if purchase.escrowed else " (settled)"),
    )


@click.command("orders")
@click.option("--buyer", help="Orders placed by this address (default: your account).")
@click.option("--product", "product_id", type=click.IntRange(1), help="All orders of one product.")
@network_options
def orders(
    buyer: str | None,
    product_id: int | None,
    net: NetworkArgs,
) -> None:
    """Show orders: yours (found through the indexed buyer topic), or one product's."""
    with session(net, need_account=product_id is None and not buyer) as s:
        client = s.client()
        if product_id is not None:
            items = client.orders(product_id)
        else:
            who = _address(buyer) if buyer else s.account
            assert who is not None
            items = client.orders_of(who)
    emit(net.as_json, [o.to_json() for o in items], lambda: orders_table(items))


def _settle_command(name: str, method: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("order")
    @network_options
    def command(
        order: str,
        net: NetworkArgs,
    ) -> None:
        ref = parse_order(order)
        with session(net) as s:
            progress(f"{name} order {ref}")
            tx = getattr(s.client(), method)(ref.product_id, ref.order_no)
        emit(
            net.as_json,
            {"order": str(ref), "action": name, "tx": tx.tx_hash},
            f"order {ref}: {name} done (tx {tx.tx_hash})",
        )

    return command


confirm = _settle_command("confirm", "confirm", "Confirm you received ORDER (e.g. 7-2): its funds go to the seller.")
release = _settle_command("release", "release", "Seller: release ORDER's funds once its escrow window has passed.")
refund = _settle_command("refund", "refund", "Seller: refund an escrowed ORDER in full; the units return to stock.")


@click.command("review")
@click.argument("order")
@click.option("--rating", type=click.IntRange(1, 5), required=True, help="Stars, 1 to 5.")
@click.option("--review-cid", required=True, help="CID of the review document on IPFS.")
@network_options
def review(
    order: str,
    rating: int,
    review_cid: str,
    net: NetworkArgs,
) -> None:
    """Review a completed ORDER you placed (once)."""
    ref = parse_order(order)
    codec, digest = parse_cid(review_cid)
    with session(net) as s:
        progress(f"reviewing order {ref}")
        tx = s.client().review(ref.product_id, ref.order_no, rating, digest, codec)
    emit(net.as_json, {"order": str(ref), "rating": rating, "tx": tx.tx_hash}, f"reviewed order {ref}: {rating}/5")


@click.command("withdraw")
@network_options
def withdraw(
    net: NetworkArgs,
) -> None:
    """Withdraw everything credited to you: sales, released escrow, refunds."""
    with session(net) as s:
        progress("withdrawing")
        result = s.client().withdraw()
    emit(
        net.as_json,
        {"account": result.account, "amount": str(result.amount), "tx": result.tx.tx_hash},
        f"withdrew {format_wei(result.amount)} to {result.account}",
    )


def _address(text: str | None) -> str:
    from web3 import Web3

    if not text or not Web3.is_address(text):
        raise DappValueError(f"not an Ethereum address: {text!r}")
    return str(Web3.to_checksum_address(text))


COMMANDS = [list_product, products, product, buy, orders, confirm, release, refund, review, withdraw]
