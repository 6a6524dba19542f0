"""Shipping details: the shared rules table (also run by the page), the padded format, decoding."""

from __future__ import annotations

from typing import Any

import pytest

from dapp.exceptions import DappValueError, ShippingDetailsError
from dapp.shipping.details import PAD_TO, ShippingDetails, decode_details, encode_details
from tests.shipping.conftest import load_json

CASES = load_json("details_cases.json")


@pytest.mark.parametrize("case", CASES["valid"], ids=lambda c: c["case"])
def test_valid_details_give_the_shared_text(case: dict[str, Any]) -> None:
    details = ShippingDetails(**case["input"])
    plaintext = encode_details(details)
    assert len(plaintext) % PAD_TO == 0
    assert plaintext.rstrip(b"\0") == case["text"].encode()
    assert decode_details(plaintext) == details


@pytest.mark.parametrize("case", CASES["invalid"], ids=lambda c: c["case"])
def test_invalid_details_name_the_field(case: dict[str, Any]) -> None:
    with pytest.raises(ShippingDetailsError) as caught:
        ShippingDetails(**case["input"])
    assert caught.value.field == case["field"]
    assert str(caught.value).startswith(f"shipping details: {case['field']} ")
    assert isinstance(caught.value, DappValueError)


def test_padding_hides_small_differences_in_length() -> None:
    short = ShippingDetails(name="Al Bo", lines=("1 A St",), city="Ely", postcode="CB7 4DL", country="GB")
    longer = ShippingDetails(
        name="Alexandra Bowes-Lyon", lines=("17 Abbey Road",), city="Ely", postcode="CB7 4DL", country="GB"
    )
    assert len(encode_details(short)) == len(encode_details(longer)) == 64


def _padded(text: bytes) -> bytes:
    return text + b"\0" * (-len(text) % PAD_TO)


@pytest.mark.parametrize(
    ("plaintext", "field"),
    [
        (b"Ada\n1 A St\n\n\nLondon\n\nN1\nGB\n\n\n", "shipping details"),  # 31 bytes: not padded
        (_padded(b"Ada\n1 A St\n\n\nLondon\n\nN1\nGB\n\n"), "shipping details"),  # 10 fields
        (_padded(b"Ada\n1 A St\n\n\nLondon\n\nN1\nGB\n\n\n\nsize"), "options"),  # no =
        (_padded(b"Ada\n1 A St\n\n\nLondon\n\nN1\nGB\n\n\n\nsize=M\nsize=L"), "options"),  # twice
        (_padded(b"Ada\xff\n1 A St\n\n\nLondon\n\nN1\nGB\n\n\n"), "shipping details"),  # not UTF-8
        (_padded(b"Ada\n\n\n\nLondon\n\nN1\nGB\n\n\n"), "address line 1"),
    ],
)
def test_decoding_refuses_malformed_plaintext(plaintext: bytes, field: str) -> None:
    with pytest.raises(ShippingDetailsError) as caught:
        decode_details(plaintext)
    assert caught.value.field == field


def test_too_long_as_a_whole() -> None:
    with pytest.raises(ShippingDetailsError, match="at most 1024"):
        ShippingDetails(
            name="n" * 100,
            lines=("l" * 100,) * 3,
            city="c" * 64,
            region="r" * 64,
            postcode="P",
            country="GB",
            email="e" * 240 + "@example.org",
            note="x" * 280,
            options={f"o{i}": "v" * 64 for i in range(8)},
        )
