"""What the merch commands parse and show: a group of options for `list-product`, the address for
`buy --ship-to`, and the seller's decrypted inbox (`orders --seller --decrypt`, `--csv`)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import click

from dapp.exceptions import DappValueError, ShippingDetailsError
from dapp.ipfs.metadata import Variant, make_variant
from dapp.shipping.details import ShippingDetails
from dapp.types import MAX_ORDER_DATA

# --- list-product --option ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Combination:
    """One product of a group: its options and its stock."""

    options: dict[str, str]
    stock: int

    @property
    def key(self) -> str:
        return "/".join(self.options.values())


def parse_options(texts: Sequence[str]) -> dict[str, list[str]]:
    """--option size=S,M,L,XL (repeatable) -> {"size": ["S", "M", "L", "XL"]}, checked as the variant is."""
    choices: dict[str, list[str]] = {}
    for text in texts:
        name, sep, values = text.partition("=")
        name = name.strip()
        if not sep or not values.strip():
            raise DappValueError(f"--option {text!r}: give NAME=VALUE,VALUE,... such as size=S,M,L,XL")
        if name in choices:
            raise DappValueError(f"--option {name!r} is given twice")
        choices[name] = [v.strip() for v in values.split(",")]
    return choices


def slug(name: str) -> str:
    """A group id from a product name: "Tour T-shirt, black" -> "tour-t-shirt-black"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")


def combinations(choices: dict[str, list[str]], stock: str) -> list[Combination]:
    """Every combination of `choices` (the first option varying slowest) with its stock from --stock: N for
    each, or VALUE=N,... naming every combination (values joined by / when there are several options)."""
    combos = [dict(zip(choices, values, strict=True)) for values in itertools.product(*choices.values())]
    text = stock.strip()
    if text.isdigit():
        return [Combination(options, int(text)) for options in combos]
    wanted: dict[str, int] = {}
    for part in text.split(","):
        key, sep, count = part.partition("=")
        if not sep or not count.strip().isdigit():
            raise DappValueError(f"--stock {stock!r}: give N for every option, or VALUE=N,... such as S=3,M=5")
        if key.strip() in wanted:
            raise DappValueError(f"--stock names {key.strip()!r} twice")
        wanted[key.strip()] = int(count)
    by_key = {Combination(options, 0).key: options for options in combos}
    unknown = [key for key in wanted if key not in by_key]
    if unknown:
        raise DappValueError(
            f"--stock names {', '.join(map(repr, unknown))}, which is no combination of the options "
            f"({', '.join(by_key)})"
        )
    missing = [key for key in by_key if key not in wanted]
    if missing:
        raise DappValueError(f"--stock gives no stock for {', '.join(map(repr, missing))}")
    return [Combination(options, wanted[key]) for key, options in by_key.items()]


def group_variants(group: str, choices: dict[str, list[str]], combos: list[Combination]) -> list[Variant]:
    return [make_variant(group, combo.options, choices) for combo in combos]


# --- buy --ship-to ------------------------------------------------------------------------------------

SHIP_TO_FIELDS = ("name", "lines", "city", "region", "postcode", "country", "email", "phone", "note")


def load_ship_to(path: Path, options: dict[str, str]) -> ShippingDetails:
    """ShippingDetails from a JSON file of its fields ("lines": a list of street lines, or "line1".."line3");
    a product's options are added to the details. DappValueError / ShippingDetailsError name the problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DappValueError(f"--ship-to {path}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise DappValueError(f"--ship-to {path}: not UTF-8 text") from None
    except ValueError as exc:
        raise DappValueError(f"--ship-to {path}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise DappValueError(f"--ship-to {path}: a JSON object of address fields is expected")
    return details_from_json(data, options, where=f"--ship-to {path}")


def details_from_json(data: dict[str, Any], options: dict[str, str], where: str) -> ShippingDetails:
    lines = data.get("lines")
    if lines is None:
        lines = [data.get(f"line{i}", "") for i in (1, 2, 3)]
    known = {*SHIP_TO_FIELDS, "line1", "line2", "line3", "options"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise DappValueError(f"{where}: unknown field(s) {', '.join(unknown)} (known: {', '.join(SHIP_TO_FIELDS)})")
    if data.get("options") not in (None, {}):
        raise DappValueError(f"{where}: leave out options: they come from the product you buy (its size, colour)")
    try:
        return ShippingDetails(
            name=data.get("name", ""),
            lines=tuple(lines) if isinstance(lines, list) else lines,
            city=data.get("city", ""),
            country=data.get("country", ""),
            postcode=data.get("postcode", ""),
            region=data.get("region", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            note=data.get("note", ""),
            options=options,
        )
    except ShippingDetailsError as exc:
        raise DappValueError(f"{where}: the address is incomplete or wrong: {exc}") from None


def prompt_ship_to(options: dict[str, str]) -> ShippingDetails:
    """The address typed field by field at a terminal; a field that breaks a rule is asked for again."""
    click.echo("Shipping address, sealed to the seller and to you (optional fields: press Enter)", err=True)
    labels = {
        "name": "Name", "line1": "Address line 1", "line2": "Address line 2", "city": "City",
        "region": "Region/state", "postcode": "Postcode", "country": "Country (two letters, e.g. GB)",
        "email": "Email", "phone": "Phone", "note": "Note to the seller",
    }  # fmt: skip
    values = {key: click.prompt(label, default="", show_default=False, err=True) for key, label in labels.items()}
    while True:
        try:
            return ShippingDetails(
                name=values["name"], lines=(values["line1"], values["line2"]), city=values["city"],
                country=values["country"], postcode=values["postcode"], region=values["region"],
                email=values["email"], phone=values["phone"], note=values["note"], options=options,
            )  # fmt: skip
        except ShippingDetailsError as exc:
            click.echo(f"{exc.field} {exc.problem}", err=True)
            key = exc.field.replace("address line ", "line").replace("address", "line1")
            if key not in values:
                raise DappValueError(f"the address: {exc}") from None
            values[key] = click.prompt(labels[key], default="", show_default=False, err=True)


def sealed_size_check(details: ShippingDetails) -> ShippingDetails:
    """`details`, if sealed they fit in a purchase's orderData; DappValueError otherwise (nothing sent)."""
    from dapp.shipping.envelope import envelope_size

    size = envelope_size(details)
    if size > MAX_ORDER_DATA:
        raise DappValueError(
            f"the sealed address would be {size} bytes and a purchase carries at most {MAX_ORDER_DATA}: "
            "shorten the note or the address; nothing was sent"
        )
    return details


# --- the seller's inbox -------------------------------------------------------------------------------

CSV_COLUMNS = [
    "order", "product", "options", "name", "address line 1", "address line 2", "address line 3", "city", "region",
    "postcode", "country", "email", "phone", "note", "paid at",
]  # fmt: skip


def details_json(details: ShippingDetails) -> dict[str, Any]:
    data = {f.name: getattr(details, f.name) for f in fields(details)}
    data["lines"] = list(details.lines)
    data["options"] = dict(details.options)
    return data


def options_text(options: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.items())


def address_text(details: ShippingDetails) -> str:
    """One line: name, street lines, city region postcode, country."""
    place = " ".join(p for p in (details.postcode, details.city, details.region) if p)
    return ", ".join([details.name, *details.lines, place, details.country])


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
