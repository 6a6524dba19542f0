"""Amounts and durations as users type them, as click parameter types: a bad value is refused while the
command line is parsed, before anything connects, with the same DappValueError the library would raise."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import click

from dapp.exceptions import DappValueError

UNITS = {"wei": 0, "gwei": 9, "ether": 18, "eth": 18}


_AMOUNT = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)\s*([A-Za-z][A-Za-z0-9]*)?\s*$")


def split_amount(text: str) -> tuple[str, str | None]:
    """'12.5tUSD' -> ('12.5', 'tUSD'); '1000' -> ('1000', None)."""
    match = _AMOUNT.match(text)
    if match is None:
        raise DappValueError(f"not an amount: {text!r} (e.g. 0.02ether, 12.5tUSD, or 12.5 with --currency)")
    return match.group(1), match.group(2)


def parse_duration(text: str) -> int:
    """'604800', '7d', '48h', '30m', '90s' -> seconds."""
    raw = text.strip().lower()
    units = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
    scale = units.get(raw[-1:], 1) if raw else 1
    number = raw[:-1] if raw[-1:] in units else raw
    if not number.isdigit():
        raise DappValueError(f"not a duration: {text!r} (seconds, or e.g. 7d, 48h, 30m)")
    return int(number) * scale


def parse_amount(text: str) -> int:
    """'10000' (wei), '0.02ether', '0.02 eth', '5gwei' -> wei. Fractions need a unit; nothing is rounded."""
    raw = text.strip().lower().replace(" ", "").replace("_", "")
    unit = next((u for u in sorted(UNITS, key=len, reverse=True) if raw.endswith(u)), "wei")
    number = raw[: len(raw) - len(unit)] if raw.endswith(unit) else raw
    # Decimal's default 28 digits would round a 29-digit wei amount without a word.
    with localcontext(prec=120):
        try:
            value = Decimal(number) * (Decimal(10) ** UNITS[unit])
        except InvalidOperation:
            raise DappValueError(f"not an amount: {text!r} (wei, or a number with ether/gwei: 0.02ether)") from None
        if not value.is_finite() or value != value.to_integral_value() or value < 0:
            raise DappValueError(f"amount {text!r} is not a whole, non-negative number of wei")
        return int(value)


class WeiType(click.ParamType[int, Any]):
    """An ETH amount: '10000' (wei), '0.02ether', '5gwei' -> wei."""

    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        return value if isinstance(value, int) else parse_amount(str(value))


class AmountType(click.ParamType[str, Any]):
    """An amount in some currency, '12.5tUSD', '0.02ether' or '1000', checked for its form and kept as typed:
    which token it is in is known only once connected."""

    name = "amount"

    def __init__(self, words: tuple[str, ...] = ()) -> None:
        self.words = words  # accepted as they are, e.g. "all"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if str(value).strip().lower() not in self.words:
            split_amount(str(value))
        return str(value)


class DurationType(click.ParamType[int, Any]):
    """'604800', '7d', '48h', '30m', '90s' -> seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        return value if isinstance(value, int) else parse_duration(str(value))


WEI = WeiType()
AMOUNT = AmountType()
DURATION = DurationType()
