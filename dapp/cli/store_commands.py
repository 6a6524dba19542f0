"""The shop commands: list, browse, buy, ship, confirm, dispute, resolve, review and withdraw (their tables
and words: dapp.cli.render; settling by agreement: settle_commands.py; seller profiles: profile_commands.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dapp._utils.validate import check_address
from dapp.cli.common import Session, session
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
from dapp.exceptions import DappError, DappValueError
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.documents import lookup_names
from dapp.ipfs.metadata import ProductMetadata, build_product_metadata, build_review_document
from dapp.tokens import Token
from dapp.types import ETH, MAX_ORDER_DATA, ListingTerms, OrderRef, Product, check_order_data, check_windows

if TYPE_CHECKING:
    from dapp.ipfs.kubo import Kubo
    from dapp.shipping import ShippingDetails, ShippingKeyPair

ME = "me"  # `orders --seller` with no address: your own inbox
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
@click.option(
    "--stock",
    required=True,
    help="Units available. With --option: N for every combination, or VALUE=N,... for each (values of several "
    "options joined by /, as M/black=3).",
)
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
@click.option(
    "--option",
    "option_texts",
    multiple=True,
    metavar="NAME=V1,V2,...",
    help="List a group: one product per combination of the options (repeatable, at most 3), e.g. "
    "--option size=S,M,L,XL; each gets its own stock and document.",
)
@click.option("--group", help="The group's id with --option ([a-z0-9-], default: from --name).")
@ipfs_api_option
@network_options
@tx_options
def list_product(
    price: str,
    currency: str | None,
    stock: str,
    escrow_window: int,
    handling_time: int | None,
    arbiter: str | None,
    name: str | None,
    description: str,
    images: tuple[Path, ...],
    metadata_cid: str | None,
    option_texts: tuple[str, ...],
    group: str | None,
    ipfs_api: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """List a product for sale, or with --option a group of them (sizes, colours); you become its seller."""
    handling = handling_time if handling_time is not None else (DEFAULT_HANDLING if escrow_window else 0)
    check_windows(escrow_window, handling)  # the contract's bounds, said before connecting
    if bool(name) == bool(metadata_cid):
        raise DappValueError("give either --name (and --description/--image) or --metadata-cid")
    if metadata_cid and (description or images):
        raise DappValueError("--description and --image describe a new document: use them with --name")
    if option_texts:
        if metadata_cid:
            raise DappValueError("--option makes one document per combination: give --name, not --metadata-cid")
        _list_group(
            price, currency, stock, escrow_window, handling, arbiter, name or "", description, images,
            option_texts, group, ipfs_api, net, tx,
        )  # fmt: skip
        return
    if group:
        raise DappValueError("--group names the group of --option: give --option too")
    if not stock.strip().isdigit():
        raise DappValueError(f"--stock must be a whole number of units, got {stock!r}")
    units_in_stock = int(stock)
    metadata = Cid.parse_document(metadata_cid) if metadata_cid else PLACEHOLDER_CID
    if not metadata_cid:
        build_product_metadata(name or "", description, [])  # check name and description before any upload
    with session(net, tx=tx) as s:
        client = s.client()
        token, units = s.price(client, price, currency)
        terms = ListingTerms(units, units_in_stock, metadata, token.address, escrow_window, handling, arbiter)
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


def _list_group(
    price: str,
    currency: str | None,
    stock: str,
    escrow_window: int,
    handling: int,
    arbiter: str | None,
    name: str,
    description: str,
    images: tuple[Path, ...],
    option_texts: tuple[str, ...],
    group: str | None,
    ipfs_api: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """One product per combination, each its own document and stock: the contract lists one product per
    transaction, so a group of N is N transactions, sent after every check and upload."""
    from dapp.cli.merch import combinations, group_variants, parse_options, slug

    choices = parse_options(option_texts)
    group_id = group if group is not None else slug(name)
    if not group_id:
        raise DappValueError(f"cannot make a group id from the name {name!r}: give --group ID ([a-z0-9-])")
    combos = combinations(choices, stock)
    variants = group_variants(group_id, choices, combos)  # every rule of the variant, before connecting
    build_product_metadata(name, description, [], variants[0])
    with session(net, tx=tx) as s:
        client = s.client()
        token, units = s.price(client, price, currency)
        terms = [
            ListingTerms(units, c.stock, PLACEHOLDER_CID, token.address, escrow_window, handling, arbiter)
            for c in combos
        ]
        for t in terms:
            client.check_listing(t)
        from dapp.ipfs.kubo import open_kubo
        from dapp.ipfs.metadata import upload_document, upload_images

        progress(f"adding {len(images)} image(s) and {len(combos)} metadata documents to IPFS")
        with open_kubo(ipfs_api) as kubo:
            image_cids: list[Cid | str] = list(upload_images(kubo, list(images)))
            documents = [
                upload_document(kubo, *build_product_metadata(name, description, image_cids, v)) for v in variants
            ]
        listed: list[tuple[int, str, str]] = []
        for combo, t, document in zip(combos, terms, documents, strict=True):
            progress(f"sending listProduct {len(listed) + 1}/{len(combos)} ({combo.key}, stock {combo.stock})")
            try:
                listing = client.list_product(dataclasses.replace(t, metadata=document))
            except DappError:
                if listed:
                    echo_err(
                        "listed before the failure: "
                        + ", ".join(f"product {pid} ({key})" for pid, key, _ in listed)
                        + f"; the rest of group {group_id} was not listed"
                    )
                raise
            listed.append((listing.product_id, combo.key, listing.tx.tx_hash))
    products_json = [
        {"productId": pid, "options": c.options, "stock": c.stock, "metadata": str(d), "tx": tx_hash}
        for (pid, _, tx_hash), c, d in zip(listed, combos, documents, strict=True)
    ]
    emit(
        net.as_json,
        {"group": group_id, "choices": choices, "products": products_json, "token": token.to_json()},
        "\n".join(
            [f"listed group {group_id}: {len(listed)} products at {token.format(units)} each"]
            + [f"  product {pid}  {c.key}  stock {c.stock}" for (pid, _, _), c in zip(listed, combos, strict=True)]
        ),
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
        from dapp.ipfs.kubo import open_kubo
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
        if metadata.variant is not None:
            data["metadata"]["variant"] = metadata.variant.to_json()  # type: ignore[index]

    def text() -> str:
        lines = []
        if metadata:
            lines += [metadata.name, metadata.description, *[f"image {cid}" for cid in metadata.images]]
            variant = metadata.variant
            if variant is not None:
                lines.append(
                    f"options {variant.label} (group {variant.group}: "
                    + "; ".join(f"{name} {', '.join(values)}" for name, values in variant.choices.items())
                    + ")"
                )
            lines.append("")
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
    "--ship-to",
    "ship_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.json of the shipping address (name, lines, city, region, postcode, country, email, phone, note): "
    "sealed to the seller's published key and yours, with the product's options. At a terminal, without it, "
    "the address is asked for when the seller has a key.",
)
@click.option(
    "--no-address",
    is_flag=True,
    help="Buy without a shipping address (a seller that published no key can get none).",
)
@click.option(
    "--order-data",
    "order_data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"FILE of bytes for the seller (sealed shipping details), at most {MAX_ORDER_DATA}; public on chain.",
)
@click.option(
    "--gateway", metavar="URL", help="Read the seller's profile and the product's options through this gateway."
)
@ipfs_api_option
@network_options
@tx_options
def buy(
    product_id: int,
    quantity: int,
    expect_price: str | None,
    payment: str,
    ship_to: Path | None,
    no_address: bool,
    order_data_file: Path | None,
    gateway: str | None,
    ipfs_api: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """Buy a product on the terms shown now (currency, price, terms version); paying quantity x price."""
    if sum(map(bool, (ship_to, no_address, order_data_file))) > 1:
        raise DappValueError("give one of --ship-to, --no-address and --order-data")
    order_data = check_order_data(order_data_file.read_bytes()) if order_data_file is not None else b""
    address = None
    if ship_to is not None:
        from dapp.cli.merch import load_ship_to, sealed_size_check

        address = sealed_size_check(load_ship_to(ship_to, {}))  # the file's problems before connecting
    ask = ship_to is None and not no_address and order_data_file is None and sys.stdin.isatty()
    with session(net, tx=tx) as s:
        client = s.client()
        item = client.product(product_id)
        token = client.token(item.currency)
        if address is not None or ask:
            order_data = _seal_address(s, client, item, address, gateway, ipfs_api)
        if expect_price is not None:
            expected = s.price(client, expect_price, item.currency)[1]
            item = dataclasses.replace(item, price=expected)  # the contract refuses it if the price moved
        words = f"{token.format(quantity * item.price)} for {quantity} x product {product_id}. {protection(item)}"
        if order_data:
            words += " " + (ADDRESS_WORDS if address is not None or ask else ORDER_DATA_WORDS)
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


ADDRESS_WORDS = (
    "Your shipping address is sealed to the seller's key and yours: on chain anyone sees that you ordered, "
    "not where it goes."
)


def _seal_address(
    s: Session,
    client: CatalogClient,
    item: Product,
    address: ShippingDetails | None,
    gateway: str | None,
    ipfs_api: str | None,
) -> bytes:
    """The sealed address for buying `item`: the seller's published key (from its profile), the buyer's own
    derived key, the product's options. Refuses (nothing sent) a seller without a key. `address` None:
    asked for at the terminal, only once the seller is known to have a key."""
    from dapp.cli.merch import prompt_ship_to, sealed_size_check
    from dapp.ipfs.metadata import fetch_product_metadata, fetch_profile
    from dapp.shipping import OrderContext, seal
    from dapp.shipping.keys import derive_keypair_checked
    from dapp.transactions.signers import sign_text

    no_key = (
        f"the seller of product {item.id} ({item.seller}) has published no shipping key, so it cannot receive "
        "an address; nothing was sent (--no-address buys without one)"
    )
    profile = client.profile(item.seller)
    if profile is None or profile.document is None:
        if address is None:
            return b""  # at the terminal, nothing was asked yet: buy as before
        raise DappValueError(no_key)
    progress("reading the seller's profile and the product's options from IPFS, checking their CIDs")
    with _document_source(gateway, ipfs_api) as source:
        seller_key = fetch_profile(source, profile.document).encryption_key
        if seller_key is None:
            if address is None:
                return b""
            raise DappValueError(no_key)
        variant = fetch_product_metadata(source, item.metadata_cid).variant
    options = dict(variant.options) if variant is not None else {}
    if address is None:
        address = prompt_ship_to(options)
    address = sealed_size_check(dataclasses.replace(address, options=options))
    assert s.account is not None
    progress("deriving your shipping key from your account's signature")
    chain_id = int(s.w3.eth.chain_id)
    buyer = derive_keypair_checked(lambda text: sign_text(s.w3, str(s.account), text), chain_id, client.address)
    context = OrderContext(chain_id, client.address, item.id, s.account)
    return seal(address, seller_key, buyer.public_key, context)


@contextlib.contextmanager
def _document_source(gateway: str | None, ipfs_api: str | None) -> Iterator[Kubo | str]:
    """Where documents are fetched from: the gateway if given, else Kubo (`--ipfs-api` or our daemon)."""
    if gateway:
        yield gateway
        return
    from dapp.ipfs.kubo import open_kubo

    with open_kubo(ipfs_api) as kubo:
        yield kubo


@click.command("orders")
@click.option("--buyer", help="Orders placed by this address (default: your account).")
@click.option("--product", "product_id", type=click.IntRange(1), help="All orders of one product.")
@click.option(
    "--seller",
    is_flag=False,
    flag_value=ME,
    metavar="[ADDRESS]",
    help="A seller's inbox: the orders of its products (--seller alone: yours).",
)
@click.option(
    "--decrypt",
    is_flag=True,
    help="Open each order's sealed shipping details with your account's shipping key: address and options.",
)
@click.option("--csv", "as_csv", is_flag=True, help="With --seller: the paid orders to ship, decrypted, as CSV.")
@click.option("--watch", is_flag=True, help="Follow new orders as they are mined (yours, or --seller's); Ctrl-C stops.")
@click.option("--max-events", type=click.IntRange(1), help="With --watch: stop after this many new orders.")
@click.option(
    "--poll", type=click.FloatRange(0.05), default=1.0, show_default=True, help="With --watch: seconds between polls."
)
@with_metadata_options
@indexer_option
@network_options
def orders(
    buyer: str | None,
    product_id: int | None,
    seller: str | None,
    decrypt: bool,
    as_csv: bool,
    watch: bool,
    max_events: int | None,
    poll: float,
    no_metadata: bool,
    gateway: str | None,
    ipfs_api: str | None,
    indexer: str | None,
    net: NetworkArgs,
) -> None:
    """Show orders with their product names: yours (from --indexer if given, else through the indexed buyer
    topic of the logs), one product's (its views), or a seller's inbox (--seller); --decrypt opens their
    shipping addresses, --watch follows new ones."""
    if sum(map(bool, (buyer, product_id, seller))) > 1:
        raise DappValueError("give at most one of --buyer, --product and --seller")
    if as_csv and seller is None:
        raise DappValueError("--csv writes a seller's orders to ship: give --seller")
    if as_csv and (watch or net.as_json):
        raise DappValueError("--csv is a file of the orders to ship: not with --watch or --json")
    if max_events is not None and not watch:
        raise DappValueError("--max-events goes with --watch")
    if watch and product_id is not None:
        raise DappValueError("--watch follows your orders or a seller's: not with --product")
    for flag, value in (("--buyer", buyer), ("--seller", seller if seller != ME else None)):
        if value is not None:
            check_address(flag, value)
    decrypt = decrypt or as_csv
    own = (product_id is None and not buyer and seller in (None, ME)) or decrypt
    with session(net, need_account=own) as s:
        client = s.client(indexer)
        who = seller if seller not in (None, ME) else (s.account if seller == ME else None)
        keys = _own_keys(s, client) if decrypt else None
        if watch:
            from dapp.cli.inbox import watch_orders

            watch_orders(
                client, keys, seller=who, buyer=None if who else (buyer or s.account), max_events=max_events,
                poll=poll, names=None if no_metadata else _name_fetcher(gateway, ipfs_api), as_json=net.as_json,
            )  # fmt: skip
            return
        order_data: dict[OrderRef, bytes] = {}
        if who is not None:
            pairs = client.seller_orders(who)
            items = [o for o, _ in pairs]
            order_data = {o.ref: data for o, data in pairs}
        elif product_id is not None:
            items = client.orders(product_id)
        else:
            whose = buyer or s.account
            assert whose is not None
            items = client.orders_of(whose)
        if keys is not None and who is None:
            order_data = {ref: data for ref, _, data in client.purchases(sorted({o.product_id for o in items}))}
        tokens = currency_tokens(client, [o.currency for o in items])
        products_by_id = {pid: client.product(pid) for pid in dict.fromkeys(o.product_id for o in items)}
        chain_id = int(s.w3.eth.chain_id)
    names = fetch_names([p.metadata_cid for p in products_by_id.values()], no_metadata, gateway, ipfs_api)
    if keys is None:
        data = [
            {
                **o.to_json(),
                "amountText": tokens[o.currency].format(o.amount),
                **(names[products_by_id[o.product_id].metadata_cid].to_json() if names else {}),
            }
            for o in items
        ]
        emit(net.as_json, data, lambda: orders_table(items, tokens, names, products_by_id))
        return
    from dapp.cli.inbox import Opened, csv_rows, inbox_json, inbox_table, open_orders

    opened: list[Opened] = open_orders(items, order_data, keys, chain_id, client.address)
    if as_csv:
        from dapp.cli.merch import csv_text

        click.echo(csv_text(csv_rows(opened, names, products_by_id)), nl=False)
        return
    emit(
        net.as_json,
        inbox_json(opened, tokens, names, products_by_id),
        lambda: inbox_table(opened, tokens, names, products_by_id),
    )


def _own_keys(s: Session, client: CatalogClient) -> ShippingKeyPair:
    """Your shipping key pair for this Catalog, from your account's signature (never printed)."""
    from dapp.shipping.keys import derive_keypair_checked
    from dapp.transactions.signers import sign_text

    assert s.account is not None
    progress("deriving your shipping key from your account's signature")
    account = str(s.account)
    return derive_keypair_checked(lambda text: sign_text(s.w3, account, text), int(s.w3.eth.chain_id), client.address)


def _name_fetcher(gateway: str | None, ipfs_api: str | None) -> Callable[[list[Cid]], Names]:
    def fetch(cids: list[Cid]) -> Names:
        return lookup_names(
            cids, cli_settings().home / "documents", gateway=gateway, ipfs_api=ipfs_api, progress=progress
        )

    return fetch


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
