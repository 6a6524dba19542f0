"""The shop commands: list, browse, buy, settle, review and withdraw."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import click

from dapp.cli.common import parse_amount, session
from dapp.cli.options import NetworkArgs, TxArgs, ipfs_api_option, network_options, tx_options
from dapp.cli.output import emit, format_duration, format_wei, progress, table
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.metadata import ProductMetadata, build_product_metadata, build_review_document
from dapp.types import Order, OrderRef, Product

# Stands in for a document's CID while simulating, before the document is uploaded.
PLACEHOLDER_CID = Cid(b"\x01" * 32, Codec.RAW)


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


def products_table(products: list[Product], names: dict[Cid, str] | None = None) -> str:
    """The catalog as a table; with `names` (metadata CID -> product name) a name column too."""
    if not products:
        return "(no products yet)"
    rows = _product_rows(products)
    if names is None:
        return table(PRODUCT_HEADERS, rows)
    named = [[row[0], names.get(p.metadata_cid, "?"), *row[1:]] for p, row in zip(products, rows, strict=True)]
    return table([PRODUCT_HEADERS[0], "name", *PRODUCT_HEADERS[1:]], named)


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
@click.option("--name", help="Product name: uploads a metadata document to IPFS (with --description, --image).")
@click.option("--description", default="", help="Product description for the metadata document.")
@click.option(
    "--image",
    "images",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Image file to add to IPFS and name in the metadata (repeatable).",
)
@click.option("--metadata-cid", help="Instead of --name: CID of a metadata document already on IPFS.")
@ipfs_api_option
@network_options
@tx_options
def list_product(
    price: str,
    stock: int,
    escrow_window: int,
    name: str | None,
    description: str,
    images: tuple[Path, ...],
    metadata_cid: str | None,
    ipfs_api: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """List a product for sale; you become its seller."""
    wei = parse_amount(price)
    if bool(name) == bool(metadata_cid):
        raise DappValueError("give either --name (and --description/--image) or --metadata-cid")
    if metadata_cid and (description or images):
        raise DappValueError("--description and --image describe a new document: use them with --name")
    metadata = Cid.parse_document(metadata_cid) if metadata_cid else PLACEHOLDER_CID
    if not metadata_cid:
        build_product_metadata(name or "", description, [])  # check name and description before any upload
    with session(net, tx=tx) as s:
        client = s.client()
        if name:
            client.simulate("listProduct", wei, stock, escrow_window, PLACEHOLDER_CID.digest, 0)
            from dapp.ipfs.kubo import open_kubo  # ipfshttpclient: only for commands that upload
            from dapp.ipfs.metadata import upload_product_metadata

            progress(f"adding {len(images)} image(s) and the metadata document to IPFS")
            with open_kubo(ipfs_api) as kubo:
                metadata = upload_product_metadata(kubo, name, description, list(images))
        progress("sending listProduct")
        listing = client.list_product(wei, stock, escrow_window, metadata)
        product = client.product(listing.product_id)
    emit(
        net.as_json,
        {"productId": listing.product_id, "tx": listing.tx.tx_hash, "product": product.to_json()},
        f"listed product {listing.product_id} at {format_wei(wei)}, metadata {product.metadata_cid} "
        f"(tx {listing.tx.tx_hash})",
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
        items = client.products_of(seller) if seller else client.products(offset, limit)
    emit(net.as_json, [p.to_json() for p in items], lambda: products_table(items))


@click.command("product")
@click.argument("product_id", type=click.IntRange(1))
@click.option(
    "--metadata",
    "with_metadata",
    is_flag=True,
    help="Fetch the metadata and review documents from IPFS and verify their CIDs.",
)
@click.option("--gateway", metavar="URL", help="Fetch documents through this IPFS gateway instead of Kubo's API.")
@ipfs_api_option
@network_options
def product(product_id: int, with_metadata: bool, gateway: str | None, ipfs_api: str | None, net: NetworkArgs) -> None:
    """Show one product with its orders and reviews."""
    with session(net, need_account=False) as s:
        client = s.client()
        item = client.product(product_id)
        orders = client.orders(product_id)
        reviews = client.reviews(product_id)
    metadata: ProductMetadata | None = None
    texts: dict[Cid, str] = {}
    if with_metadata or gateway:
        from dapp.ipfs.kubo import Kubo, open_kubo
        from dapp.ipfs.metadata import fetch_product_metadata, fetch_review

        progress("fetching documents from IPFS and checking their CIDs")
        with contextlib.ExitStack() as stack:
            source: Kubo | str = gateway or stack.enter_context(open_kubo(ipfs_api))
            metadata = fetch_product_metadata(source, item.metadata_cid)
            texts = {r.review_cid: fetch_review(source, r.review_cid).text for r in reviews}
    data: dict[str, object] = {
        "product": item.to_json(),
        "orders": [o.to_json() for o in orders],
        "reviews": [{**r.to_json(), **({"text": texts[r.review_cid]} if texts else {})} for r in reviews],
    }
    if metadata:
        data["metadata"] = {"name": metadata.name, "description": metadata.description, "images": metadata.images}

    def text() -> str:
        lines = []
        if metadata:
            lines += [metadata.name, metadata.description, *[f"image {cid}" for cid in metadata.images], ""]
        lines += [products_table([item]), "", "orders:", orders_table(orders), "", "reviews:"]
        for r in reviews:
            stars = "★" * r.rating + "☆" * (5 - r.rating)
            lines.append(f"  {stars}  order {r.product_id}-{r.order_no}  {texts.get(r.review_cid, r.review_cid)}")
        if not reviews:
            lines.append("  (none)")
        return "\n".join(lines)

    emit(net.as_json, data, text)


@click.command("buy")
@click.argument("product_id", type=click.IntRange(1))
@click.option("--quantity", "-q", type=click.IntRange(1), default=1, show_default=True)
@click.option("--expect-price", help="Unit price you agree to (default: the current price, read now).")
@network_options
@tx_options
def buy(
    product_id: int,
    quantity: int,
    expect_price: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """Buy a product, paying exactly quantity times the unit price."""
    expected = parse_amount(expect_price) if expect_price else None
    with session(net, tx=tx) as s:
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
            who = buyer or s.account
            assert who is not None
            items = client.orders_of(who)
    emit(net.as_json, [o.to_json() for o in items], lambda: orders_table(items))


def _settle_command(name: str, method: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("order")
    @network_options
    @tx_options
    def command(order: str, net: NetworkArgs, tx: TxArgs) -> None:
        ref = OrderRef.parse(order)
        with session(net, tx=tx) as s:
            progress(f"{name} order {ref}")
            result = getattr(s.client(), method)(ref)
        emit(
            net.as_json,
            {"order": str(ref), "action": name, "tx": result.tx_hash},
            f"order {ref}: {name} done (tx {result.tx_hash})",
        )

    return command


confirm = _settle_command(
    "confirm", "confirm", "Buyer: confirm you received ORDER (as 7-2); its funds go to the seller."
)
release = _settle_command("release", "release", "Seller: release ORDER's funds once its escrow window has passed.")
refund = _settle_command("refund", "refund", "Seller: refund an escrowed ORDER in full; the units return to stock.")


@click.command("review")
@click.argument("order")
@click.option("--rating", type=click.IntRange(1, 5), required=True, help="Stars, 1 to 5.")
@click.option("--text", help="Review text: uploaded to IPFS as a review document.")
@click.option("--review-cid", help="Instead of --text: CID of a review document already on IPFS.")
@ipfs_api_option
@network_options
@tx_options
def review(
    order: str,
    rating: int,
    text: str | None,
    review_cid: str | None,
    ipfs_api: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """Review a completed ORDER you placed (once)."""
    ref = OrderRef.parse(order)
    if (text is None) == (review_cid is None):
        raise DappValueError("give either --text or --review-cid")
    document = Cid.parse_document(review_cid) if review_cid is not None else PLACEHOLDER_CID
    if text is not None:
        build_review_document(rating, text)  # check before any upload
    with session(net, tx=tx) as s:
        client = s.client()
        if text is not None:
            # Let the contract name any problem (not your order, not completed) before uploading.
            client.simulate("review", ref.product_id, ref.order_no, rating, PLACEHOLDER_CID.digest, 0)
            from dapp.ipfs.kubo import open_kubo
            from dapp.ipfs.metadata import upload_review

            progress("adding the review document to IPFS")
            with open_kubo(ipfs_api) as kubo:
                document = upload_review(kubo, rating, text)
        progress(f"reviewing order {ref}")
        result = client.review(ref, rating, document)
    emit(net.as_json, {"order": str(ref), "rating": rating, "tx": result.tx_hash}, f"reviewed order {ref}: {rating}/5")


@click.command("withdraw")
@network_options
@tx_options
def withdraw(net: NetworkArgs, tx: TxArgs) -> None:
    """Withdraw everything credited to you: sales, released escrow, refunds."""
    with session(net, tx=tx) as s:
        progress("withdrawing")
        result = s.client().withdraw()
    emit(
        net.as_json,
        {"account": result.account, "amount": str(result.amount), "tx": result.tx.tx_hash},
        f"withdrew {format_wei(result.amount)} to {result.account}",
    )
