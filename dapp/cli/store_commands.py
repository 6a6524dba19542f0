"""The shop commands: list, browse, buy, ship, confirm, dispute, resolve, review and withdraw (their tables
and words: dapp.cli.render; settling by agreement: settle_commands.py; seller profiles: profile_commands.py)."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

import click

from dapp._utils.validate import check_address
from dapp.cli.common import session
from dapp.cli.options import (
    F,
    NetworkArgs,
    TxArgs,
    cli_settings,
    indexer_option,
    ipfs_api_option,
    network_options,
    tx_options,
)
from dapp.cli.output import echo_err, emit, progress
from dapp.cli.paramtypes import AMOUNT, DURATION, AmountType
from dapp.cli.render import (
    ORDER_DATA_WORDS,
    PAYMENT_WORDS,
    Names,
    orders_table,
    products_table,
    protection,
    settles,
)
from dapp.client import PAYMENTS, CatalogClient
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.documents import lookup_names
from dapp.ipfs.metadata import ProductMetadata, build_product_metadata, build_review_document
from dapp.tokens import Token
from dapp.types import ETH, MAX_ORDER_DATA, ListingTerms, OrderRef, check_order_data, check_windows

DEFAULT_HANDLING = 2 * 86_400  # an escrowed listing's handling time unless --handling says otherwise

# Stands in for a document's CID while simulating, before the document is uploaded.
PLACEHOLDER_CID = Cid(b"\x01" * 32, Codec.RAW)


def currency_tokens(client: CatalogClient, currencies: list[str]) -> dict[str, Token]:
    """The Token of each currency, read once each (the client caches them)."""
    return {c: client.token(c) for c in dict.fromkeys(currencies)}


metadata_options = [
    click.option("--no-metadata", is_flag=True, help="Do not fetch the metadata documents (no product names)."),
    click.option("--gateway", metavar="URL", help="Fetch documents through this IPFS gateway instead of Kubo."),
    ipfs_api_option,
]


def with_metadata_options(func: F) -> F:
    for option in reversed(metadata_options):
        func = option(func)
    return func


def fetch_names(cids: list[Cid], no_metadata: bool, gateway: str | None, ipfs_api: str | None) -> Names | None:
    """Product names from the metadata documents (None with --no-metadata)."""
    if no_metadata:
        return None
    return lookup_names(cids, cli_settings().home / "documents", gateway=gateway, ipfs_api=ipfs_api, progress=progress)


@click.command("list-product")
@click.option(
    "--price", type=AMOUNT, required=True, help="Unit price: 0.02ether, 1000 (wei), 12.5tUSD, or 12.5 with --currency."
)
@click.option("--currency", help="Token ADDRESS (or the demo token's symbol, or ETH) the price is in.")
@click.option("--stock", type=click.IntRange(0), required=True, help="Units available.")
@click.option(
    "--escrow",
    "escrow_window",
    type=DURATION,
    default="0",
    show_default=True,
    help="Time the buyer has after shipping to dispute (1d to 365d, or seconds); 0 settles every sale at once.",
)
@click.option(
    "--handling",
    "handling_time",
    type=DURATION,
    default=None,
    help="Time you have to ship an escrowed order (1h to 365d); after it you can no longer ship and the buyer "
    "may cancel (default 2d when escrowed).",
)
@click.option("--arbiter", help="ADDRESS that splits disputes of an escrowed product (default: none).")
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
    currency: str | None,
    stock: int,
    escrow_window: int,
    handling_time: int | None,
    arbiter: str | None,
    name: str | None,
    description: str,
    images: tuple[Path, ...],
    metadata_cid: str | None,
    ipfs_api: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """List a product for sale; you become its seller."""
    handling = handling_time if handling_time is not None else (DEFAULT_HANDLING if escrow_window else 0)
    check_windows(escrow_window, handling)  # the contract's bounds, said before connecting
    if bool(name) == bool(metadata_cid):
        raise DappValueError("give either --name (and --description/--image) or --metadata-cid")
    if metadata_cid and (description or images):
        raise DappValueError("--description and --image describe a new document: use them with --name")
    metadata = Cid.parse_document(metadata_cid) if metadata_cid else PLACEHOLDER_CID
    if not metadata_cid:
        build_product_metadata(name or "", description, [])  # check name and description before any upload
    with session(net, tx=tx) as s:
        client = s.client()
        token, units = s.price(client, price, currency)
        terms = ListingTerms(units, stock, metadata, token.address, escrow_window, handling, arbiter)
        if name:
            # Every check (ours and the contract's) before the upload: list_product with the placeholder,
            # simulated only.
            client.check_listing(terms)
            from dapp.ipfs.kubo import open_kubo  # ipfshttpclient: only for commands that upload
            from dapp.ipfs.metadata import upload_product_metadata

            progress(f"adding {len(images)} image(s) and the metadata document to IPFS")
            with open_kubo(ipfs_api) as kubo:
                uploaded = upload_product_metadata(kubo, name, description, list(images))
            terms = dataclasses.replace(terms, metadata=uploaded)
        progress("sending listProduct")
        listing = client.list_product(terms)
        product = client.product(listing.product_id)
    emit(
        net.as_json,
        {
            "productId": listing.product_id,
            "tx": listing.tx.tx_hash,
            "product": product.to_json(),
            "token": token.to_json(),
        },
        f"listed product {listing.product_id} at {token.format(units)} ({settles(product)}), "
        f"metadata {product.metadata_cid} (tx {listing.tx.tx_hash})",
    )


@click.command("products")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--limit", type=click.IntRange(0), default=None, help="Most products to show (default: all).")
@click.option("--seller", help="Only products listed by this address (from indexed events).")
@with_metadata_options
@indexer_option
@network_options
def products(
    offset: int,
    limit: int | None,
    seller: str | None,
    no_metadata: bool,
    gateway: str | None,
    ipfs_api: str | None,
    indexer: str | None,
    net: NetworkArgs,
) -> None:
    """Show the catalog with product names, read a page at a time through the contract's views (a seller's
    products: from --indexer if given, else from their Listed events)."""
    with session(net, need_account=False) as s:
        client = s.client(indexer)
        items = client.products_of(seller) if seller else client.products(offset, limit)
        tokens = currency_tokens(client, [p.currency for p in items])
    names = fetch_names([p.metadata_cid for p in items], no_metadata, gateway, ipfs_api)
    data = [
        {
            **p.to_json(),
            "priceText": tokens[p.currency].format(p.price),
            "token": tokens[p.currency].to_json(),
            **(names[p.metadata_cid].to_json() if names else {}),
        }
        for p in items
    ]
    emit(net.as_json, data, lambda: products_table(items, tokens, names))


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
@indexer_option
@network_options
def product(
    product_id: int,
    with_metadata: bool,
    gateway: str | None,
    ipfs_api: str | None,
    indexer: str | None,
    net: NetworkArgs,
) -> None:
    """Show one product with its orders and reviews (from --indexer if given), and what protects its buyers."""
    with session(net, need_account=False) as s:
        client = s.client(indexer)
        item = client.product(product_id)
        orders = client.orders(product_id)
        reviews = client.reviews(product_id)
        tokens = currency_tokens(client, [item.currency])
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
        "token": tokens[item.currency].to_json(),
        "protection": protection(item),
        "orders": [o.to_json() for o in orders],
        "reviews": [{**r.to_json(), **({"text": texts[r.review_cid]} if texts else {})} for r in reviews],
    }
    if metadata:
        data["metadata"] = {"name": metadata.name, "description": metadata.description, "images": metadata.images}

    def text() -> str:
        lines = []
        if metadata:
            lines += [metadata.name, metadata.description, *[f"image {cid}" for cid in metadata.images], ""]
        lines += [products_table([item], tokens), "", protection(item), "", "orders:", orders_table(orders, tokens)]
        lines += ["", "reviews:"]
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
@click.option("--expect-price", type=AMOUNT, help="Unit price you agree to (default: the current price, read now).")
@click.option(
    "--payment",
    type=click.Choice(PAYMENTS),
    default="auto",
    show_default=True,
    help="Token products: permit when the token has one, else approve (auto), or force one.",
)
@click.option(
    "--order-data",
    "order_data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"FILE of bytes for the seller (sealed shipping details), at most {MAX_ORDER_DATA}; public on chain.",
)
@network_options
@tx_options
def buy(
    product_id: int,
    quantity: int,
    expect_price: str | None,
    payment: str,
    order_data_file: Path | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """Buy a product on the terms shown now (currency, price, terms version); paying quantity x price."""
    order_data = check_order_data(order_data_file.read_bytes()) if order_data_file is not None else b""
    with session(net, tx=tx) as s:
        client = s.client()
        item = client.product(product_id)
        token = client.token(item.currency)
        if expect_price is not None:
            expected = s.price(client, expect_price, item.currency)[1]
            item = dataclasses.replace(item, price=expected)  # the contract refuses it if the price moved
        words = f"{token.format(quantity * item.price)} for {quantity} x product {product_id}. {protection(item)}"
        if order_data:
            words += f" {ORDER_DATA_WORDS}"
        echo_err(words)
        progress(f"buying {quantity} of product {product_id}")
        purchase = client.buy(item, quantity, payment=payment, order_data=order_data)
    how = PAYMENT_WORDS[purchase.payment]
    emit(
        net.as_json,
        {
            "order": str(purchase.order),
            "amount": str(purchase.amount),
            "currency": purchase.currency,
            "amountText": token.format(purchase.amount),
            "escrowed": purchase.escrowed,
            "payment": purchase.payment.label,
            "orderDataBytes": len(purchase.order_data),
            "tx": purchase.tx.tx_hash,
            **({"approveTx": purchase.approve_tx.tx_hash} if purchase.approve_tx else {}),
        },
        f"order {purchase.order} placed: paid {token.format(purchase.amount)} {how}"
        + (" (in escrow until you confirm or it is released)" if purchase.escrowed else " (settled)"),
    )


@click.command("orders")
@click.option("--buyer", help="Orders placed by this address (default: your account).")
@click.option("--product", "product_id", type=click.IntRange(1), help="All orders of one product.")
@with_metadata_options
@indexer_option
@network_options
def orders(
    buyer: str | None,
    product_id: int | None,
    no_metadata: bool,
    gateway: str | None,
    ipfs_api: str | None,
    indexer: str | None,
    net: NetworkArgs,
) -> None:
    """Show orders with their product names: yours (from --indexer if given, else through the indexed buyer
    topic of the logs), or one product's (its views)."""
    with session(net, need_account=product_id is None and not buyer) as s:
        client = s.client(indexer)
        if product_id is not None:
            items = client.orders(product_id)
        else:
            who = buyer or s.account
            assert who is not None
            items = client.orders_of(who)
        tokens = currency_tokens(client, [o.currency for o in items])
        products_by_id = {pid: client.product(pid) for pid in dict.fromkeys(o.product_id for o in items)}
    names = fetch_names([p.metadata_cid for p in products_by_id.values()], no_metadata, gateway, ipfs_api)
    data = [
        {
            **o.to_json(),
            "amountText": tokens[o.currency].format(o.amount),
            **(names[products_by_id[o.product_id].metadata_cid].to_json() if names else {}),
        }
        for o in items
    ]
    emit(net.as_json, data, lambda: orders_table(items, tokens, names, products_by_id))


def _order_command(name: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @click.argument("order")
    @network_options
    @tx_options
    def command(
        order: str,
        net: NetworkArgs,
        tx: TxArgs,
    ) -> None:
        ref = OrderRef.parse(order)
        with session(net, tx=tx) as s:
            progress(f"{name} order {ref}")
            done = getattr(s.client(), name)(ref)
        emit(
            net.as_json,
            {"order": str(ref), "action": name, "tx": done.tx_hash},
            f"order {ref}: {name} done (tx {done.tx_hash})",
        )

    return command


confirm = _order_command(
    "confirm", "Buyer: confirm you received ORDER (as 7-2), or withdraw your dispute; the seller is paid."
)
cancel = _order_command(
    "cancel", "Buyer: cancel a paid ORDER the seller did not ship within the handling time; full refund."
)
dispute = _order_command(
    "dispute", "Buyer: dispute a shipped ORDER before its escrow window ends; it stays frozen until settled."
)
release = _order_command(
    "release", "Anyone: pay the seller of a shipped, undisputed ORDER once its escrow window has passed."
)
refund = _order_command(
    "refund", "Seller: refund an escrowed ORDER in full; the units return to stock if it never shipped."
)


@click.command("ship")
@click.argument("order")
@click.option("--tracking-cid", help="CID of a tracking document on IPFS, recorded in the OrderShipped event.")
@network_options
@tx_options
def ship(order: str, tracking_cid: str | None, net: NetworkArgs, tx: TxArgs) -> None:
    """Seller: mark a paid ORDER shipped; the buyer's escrow window starts now."""
    ref = OrderRef.parse(order)
    tracking = Cid.parse_document(tracking_cid) if tracking_cid else None
    with session(net, tx=tx) as s:
        progress(f"shipping order {ref}")
        shipped = s.client().ship(ref, tracking)
    emit(
        net.as_json,
        {"order": str(ref), "action": "ship", "tracking": tracking_cid, "tx": shipped.tx_hash},
        f"order {ref}: shipped (tx {shipped.tx_hash})",
    )


@click.command("resolve")
@click.argument("order")
@click.option(
    "--buyer-amount",
    required=True,
    type=AmountType(words=("all",)),
    help="The buyer's share, in the order's currency (12.5, 12.5tUSD, 0.01ether) or 'all'; the seller gets the rest.",
)
@network_options
@tx_options
def resolve(order: str, buyer_amount: str, net: NetworkArgs, tx: TxArgs) -> None:
    """Arbiter: split a disputed ORDER between its buyer and its seller (you get nothing)."""
    ref = OrderRef.parse(order)
    with session(net, tx=tx) as s:
        client = s.client()
        current = client.order(ref)
        token = client.token(current.currency)
        share = (
            current.amount if buyer_amount.strip().lower() == "all" else s.price(client, buyer_amount, token.address)[1]
        )
        progress(f"resolving order {ref}: {token.format(share)} to the buyer")
        result = client.resolve(ref, share)
    emit(
        net.as_json,
        {
            "order": str(ref),
            "buyerAmount": str(result.buyer_amount),
            "sellerAmount": str(result.seller_amount),
            "tx": result.tx.tx_hash,
        },
        f"order {ref} resolved: {token.format(result.buyer_amount)} to the buyer, "
        f"{token.format(result.seller_amount)} to the seller",
    )


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
        reviewed = client.review(ref, rating, document)
    emit(
        net.as_json, {"order": str(ref), "rating": rating, "tx": reviewed.tx_hash}, f"reviewed order {ref}: {rating}/5"
    )


@click.command("withdraw")
@click.option(
    "--currency", help="Token ADDRESS, ETH, or the demo token's symbol (default: every currency you are owed)."
)
@click.option("--to", "recipient", help="Send to this ADDRESS instead of your own.")
@network_options
@tx_options
def withdraw(currency: str | None, recipient: str | None, net: NetworkArgs, tx: TxArgs) -> None:
    """Withdraw what you are owed: sales, released escrow, refunds, arbiter splits."""
    if recipient is not None:
        check_address("--to", recipient)
    with session(net, tx=tx) as s:
        client = s.client()
        assert s.account is not None
        if currency is not None:
            wanted = [s.currency(client, currency).address]
        else:
            owed = [c for c in client.currencies() if client.withdrawable(s.account, c)]
            wanted = owed or [ETH]  # nothing owed: let the contract say so, by name
        results = []
        for c in wanted:
            progress(f"withdrawing {client.token(c).symbol}")
            results.append(client.withdraw(c, recipient))
    emit(
        net.as_json,
        results[0].to_json() if len(results) == 1 else [r.to_json() for r in results],
        "\n".join(f"withdrew {client.format(r.amount, r.currency)} to {r.to}" for r in results),
    )
