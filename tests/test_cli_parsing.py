"""Amounts and order references as users type them."""

from __future__ import annotations

import pytest

from dapp.cli.output import format_duration, format_wei
from dapp.cli.paramtypes import parse_amount, parse_duration, split_amount
from dapp.exceptions import DappValueError
from dapp.types import OrderRef


@pytest.mark.parametrize(
    ("text", "wei"),
    [("1000", 1000), ("0.02ether", 2 * 10**16), ("0.02 ETH", 2 * 10**16), ("5gwei", 5 * 10**9), ("1_000 wei", 1000)],
)
def test_amounts(text: str, wei: int) -> None:
    assert parse_amount(text) == wei


@pytest.mark.parametrize("text", ["", "abc", "0.5", "-1", "1.5wei", "1e-30ether", "2 bananas"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(DappValueError):
        parse_amount(text)


def test_orders() -> None:
    assert OrderRef.parse("7-2") == OrderRef(7, 2)
    assert str(OrderRef(7, 2)) == "7-2"
    for bad in ["7", "7-", "-2", "0-1", "7-0", "a-b", "7-2-1"]:
        with pytest.raises(DappValueError, match="PRODUCT-ORDER"):
            OrderRef.parse(bad)


def test_formatting() -> None:
    assert format_wei(2 * 10**16) == "0.02 ETH"
    assert format_wei(0) == "0 ETH"
    assert [format_duration(s) for s in (604800, 7200, 90, 61)] == ["7d", "2h", "90s", "61s"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [("12.5tUSD", ("12.5", "tUSD")), ("12.5 tUSD", ("12.5", "tUSD")), ("1000", ("1000", None)),
     ("0.02ether", ("0.02", "ether")), (".5", (".5", None))],
)  # fmt: skip
def test_amounts_with_a_currency(text: str, parts: tuple[str, str | None]) -> None:
    assert split_amount(text) == parts


@pytest.mark.parametrize("text", ["", "tUSD", "12.5.1tUSD", "-1tUSD", "12,5"])
def test_bad_amounts_with_a_currency(text: str) -> None:
    with pytest.raises(DappValueError, match="not an amount"):
        split_amount(text)


def test_durations() -> None:
    assert [parse_duration(t) for t in ("604800", "7d", "48h", "30m", "90s", "0")] == [
        604800,
        604800,
        172800,
        1800,
        90,
        0,
    ]
    for bad in ("", "7w", "-1d", "1.5h", "d"):
        with pytest.raises(DappValueError, match="not a duration"):
            parse_duration(bad)
