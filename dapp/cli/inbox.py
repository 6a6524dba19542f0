"""The orders with their shipping details opened: the seller's inbox (`dapp orders --seller --decrypt`), its
CSV of orders to ship, and `dapp orders --watch`. A key is derived, used and dropped here; it is never shown."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click

from dapp.cli.merch import address_text, details_json, options_text
from dapp.cli.output import progress, table
from dapp.cli.render import Names, option_label, short
from dapp.client import CatalogClient
from dapp.exceptions import DecryptionError
from dapp.ipfs.cid import Cid
from dapp.shipping import OrderContext, ShippingDetails, ShippingKeyPair, open_envelope
from dapp.tokens import Token
from dapp.types import Order, OrderRef, OrderState, Product

NO_ADDRESS = "no address"


@dataclass(frozen=True)
class Opened:
    """An order and what its orderData holds for this key: the details, or why there are none."""

    order: Order
    details: ShippingDetails | None
    problem: str | None  # NO_ADDRESS, or "cannot decrypt: ..."

    @property
    def ship_to(self) -> str:
        return address_text(self.details) if self.details is not None else self.problem or ""


def open_order(order: Order, data: bytes, keys: ShippingKeyPair, chain_id: int, catalog: str) -> Opened:
    """Never raises for what is on chain: a foreign, altered or unreadable envelope is a 'cannot decrypt'."""
    if not data:
        return Opened(order, None, NO_ADDRESS)
    context = OrderContext(chain_id, catalog, order.product_id, order.buyer)
    try:
        return Opened(order, open_envelope(data, keys, context), None)
    except DecryptionError as exc:
        return Opened(order, None, f"cannot decrypt: {exc}")


def open_orders(
    orders: list[Order], order_data: dict[OrderRef, bytes], keys: ShippingKeyPair, chain_id: int, catalog: str
) -> list[Opened]:
    return [open_order(o, order_data.get(o.ref, b""), keys, chain_id, catalog) for o in orders]


def _product_name(names: Names | None, products: dict[int, Product], product_id: int) -> str:
    found = names.get(products[product_id].metadata_cid) if names else None
    return found.label if found is not None else f"product {product_id}"


def _options(opened: Opened, names: Names | None, products: dict[int, Product]) -> str:
    if opened.details is not None and opened.details.options:
        return options_text(dict(opened.details.options))
    label = option_label(names.get(products[opened.order.product_id].metadata_cid) if names else None)
    return label.replace(" ", "=", 1) if label != "-" else ""


def inbox_table(
    opened: list[Opened], tokens: dict[str, Token], names: Names | None, products: dict[int, Product]
) -> str:
    if not opened:
        return "(no orders)"
    rows = [
        [
            str(x.order.ref),
            _product_name(names, products, x.order.product_id),
            _options(x, names, products) or "-",
            short(x.order.buyer),
            x.order.quantity,
            tokens[x.order.currency].format(x.order.amount),
            x.order.state.label,
            x.ship_to,
        ]
        for x in opened
    ]
    return table(["order", "product", "options", "buyer", "qty", "paid", "state", "ship to"], rows)


def inbox_json(
    opened: list[Opened], tokens: dict[str, Token], names: Names | None, products: dict[int, Product]
) -> list[dict[str, Any]]:
    return [
        {
            **x.order.to_json(),
            "amountText": tokens[x.order.currency].format(x.order.amount),
            **(names[products[x.order.product_id].metadata_cid].to_json() if names else {}),
            "shipTo": details_json(x.details) if x.details is not None else None,
            "shipToProblem": x.problem,
        }
        for x in opened
    ]


_PHONE_LIKE = re.compile(r"[+-][0-9 ().-]*")


def _cell(value: str) -> str:
    """A buyer's text as a spreadsheet reads it: a leading = @ + - would start a formula (CSV injection),
    so such a cell gets a leading apostrophe; a phone number such as +44 20 ... stays as typed."""
    if value[:1] in ("=", "@", "\t", "\r") or (value[:1] in ("+", "-") and not _PHONE_LIKE.fullmatch(value)):
        return "'" + value
    return value


def csv_rows(opened: list[Opened], names: Names | None, products: dict[int, Product]) -> list[list[str]]:
    """The paid orders (the ones to ship), one row each (columns: dapp.cli.merch.CSV_COLUMNS); an order
    without readable details keeps its row, with the reason in the note column."""
    rows = []
    for x in opened:
        if x.order.state is not OrderState.PAID:
            continue
        paid_at = datetime.fromtimestamp(x.order.placed_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        d = x.details
        if d is None:
            fields = ["", "", "", "", "", "", "", "", "", "", x.problem or ""]
        else:
            lines = [*d.lines, "", ""][:3]
            fields = [d.name, *lines, d.city, d.region, d.postcode, d.country, d.email, d.phone, d.note]
        product = _product_name(names, products, x.order.product_id)
        rows.append([str(x.order.ref), product, _options(x, names, products), *fields, paid_at])
    return [[_cell(str(c)) for c in row] for row in rows]


def watch_orders(
    client: CatalogClient,
    keys: ShippingKeyPair | None,
    *,
    seller: str | None,
    buyer: str | None,
    max_events: int | None,
    poll: float,
    names: Callable[[list[Cid]], Names] | None,
    as_json: bool,
) -> None:
    """Print each order placed from now on (of `seller`'s products, or by `buyer`) as its block is mined,
    marked new, until Ctrl-C or `max_events` orders. Polls the head every `poll` seconds."""
    w3 = client.w3
    start = int(w3.eth.block_number) + 1
    ids = client.product_ids_of(seller, to_block=start - 1) if seller else []
    chain_id = int(w3.eth.chain_id)
    whose = f"of {seller}'s products" if seller else f"by {buyer}"
    progress(f"watching for new orders {whose} from block {start}; Ctrl-C stops")
    seen = 0
    products: dict[int, Product] = {}
    try:
        while max_events is None or seen < max_events:
            head = int(w3.eth.block_number)
            if head < start:
                time.sleep(poll)
                continue
            if seller:
                ids += client.product_ids_of(seller, start, head)
                events = client.purchases(ids, from_block=start, to_block=head) if ids else []
            else:
                events = client.purchases(buyer=buyer, from_block=start, to_block=head)
            for ref, block, data in events:
                order = client.order(ref)
                if ref.product_id not in products:
                    products[ref.product_id] = client.product(ref.product_id)
                found = names([products[ref.product_id].metadata_cid]) if names else None
                opened = open_order(order, data, keys, chain_id, client.address) if keys else None
                _print_new(order, block, opened, client.token(order.currency), found, products, as_json)
                seen += 1
                if max_events is not None and seen >= max_events:
                    return
            start = head + 1
    except KeyboardInterrupt:
        progress(f"stopped watching after {seen} new order(s)")


def _print_new(
    order: Order,
    block: int,
    opened: Opened | None,
    token: Token,
    names: Names | None,
    products: dict[int, Product],
    as_json: bool,
) -> None:
    if as_json:
        data: dict[str, Any] = {
            "new": True,
            "block": block,
            **order.to_json(),
            "amountText": token.format(order.amount),
        }
        if names:
            data.update(names[products[order.product_id].metadata_cid].to_json())
        if opened is not None:
            data["shipTo"] = details_json(opened.details) if opened.details is not None else None
            data["shipToProblem"] = opened.problem
        click.echo(json.dumps(data, default=str))
        return
    name = _product_name(names, products, order.product_id)
    text = (
        f"NEW order {order.ref}  {name}  {order.quantity} x  {token.format(order.amount)}  by {short(order.buyer)}"
        f"  {order.state.label}  (block {block})"
    )
    if opened is not None:
        options = _options(opened, names, products)
        text += f"  options {options or '-'}  ship to: {opened.ship_to}"
    click.echo(text)
