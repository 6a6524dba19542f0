"""The page's crypto (frontend/src/crypto/, run by Node) and Python's: the same keys from the same wallet,
and each opens what the other sealed. Wrong keys, foreign orders, tampering, truncation and unknown
versions are a DecryptionError on both sides."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from dapp.exceptions import DecryptionError, ShippingDetailsError
from dapp.shipping import (
    OrderContext,
    ShippingDetails,
    account_keypair,
    derive_keypair,
    key_message,
    open_envelope,
    seal,
)
from tests.shipping.conftest import PageCrypto, PageError, load_json

KEYS = load_json("key_cases.json")["cases"]
DETAILS_CASES = load_json("details_cases.json")
CATALOG = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
SELLER_KEY, BUYER_KEY, STRANGER_KEY = ("0x" + b * 32 for b in ("11", "22", "33"))
BUYER = Account.from_key(BUYER_KEY).address
CONTEXT = OrderContext(chain_id=31337, catalog=CATALOG, product_id=3, buyer=BUYER)
INPUT: dict[str, Any] = {
    "name": "Zoë Müller",
    "lines": ["Flat 3", "12 Rose Street"],
    "city": "London",
    "postcode": "N1 9GU",
    "country": "GB",
    "email": "zoe@example.org",
    "note": "Ring twice 📦",
    "options": {"size": "M", "colour": "navy"},
}


def js_context(context: OrderContext) -> dict[str, Any]:
    return {
        "chainId": context.chain_id,
        "catalog": context.catalog,
        "productId": context.product_id,
        "buyer": context.buyer,
    }


def as_page(details: ShippingDetails) -> dict[str, Any]:
    fields = asdict(details)
    fields["lines"] = list(details.lines)
    return fields


@pytest.fixture(scope="module")
def page_keys(page_crypto: PageCrypto) -> dict[str, str]:
    """Key pairs made in the page from viem signatures; the page names them by public key."""
    return {
        name: page_crypto("deriveAccount", privateKey=key, chainId=31337, catalog=CATALOG)
        for name, key in [("seller", SELLER_KEY), ("buyer", BUYER_KEY), ("stranger", STRANGER_KEY)]
    }


@pytest.mark.parametrize("case", KEYS, ids=lambda c: str(c["chain_id"]))
def test_same_message_signature_and_key(page_crypto: PageCrypto, case: dict[str, Any]) -> None:
    message = page_crypto("keyMessage", chainId=case["chain_id"], catalog=case["catalog"])
    assert message == key_message(case["chain_id"], case["catalog"])
    viem_signature = page_crypto("sign", privateKey=case["account_private_key"], message=message)
    python_signature = (
        Account.from_key(case["account_private_key"]).sign_message(encode_defunct(text=message)).signature
    )
    assert viem_signature == "0x" + bytes(python_signature).hex() == case["signature"]
    assert page_crypto("derive", signature=viem_signature) == derive_keypair(python_signature).public_hex
    assert page_crypto("derive", signature=viem_signature) == case["public_key"]


def test_page_and_cli_derive_the_same_keys(page_keys: dict[str, str]) -> None:
    for name, key in [("seller", SELLER_KEY), ("buyer", BUYER_KEY)]:
        assert page_keys[name] == account_keypair(Account.from_key(key), 31337, CATALOG).public_hex


def test_python_seals_the_page_opens(page_crypto: PageCrypto, page_keys: dict[str, str]) -> None:
    details = ShippingDetails(**INPUT)
    envelope = seal(details, page_keys["seller"], page_keys["buyer"], CONTEXT)
    for reader in ("seller", "buyer"):
        opened = page_crypto("open", envelope="0x" + envelope.hex(), key=page_keys[reader], context=js_context(CONTEXT))
        assert opened == as_page(details)


def test_the_page_seals_python_opens(page_crypto: PageCrypto, page_keys: dict[str, str]) -> None:
    envelope = page_crypto(
        "seal", input=INPUT, seller=page_keys["seller"], buyer=page_keys["buyer"], context=js_context(CONTEXT)
    )
    expected = ShippingDetails(**INPUT)
    assert len(bytes.fromhex(envelope[2:])) == 177 + 128
    for account in (SELLER_KEY, BUYER_KEY):
        assert open_envelope(envelope, account_keypair(Account.from_key(account), 31337, CATALOG), CONTEXT) == expected


def _spoiled(envelope: bytes) -> dict[str, tuple[bytes, OrderContext, str]]:
    """What goes wrong -> (envelope, context, reader)."""
    flipped = bytearray(envelope)
    flipped[200] ^= 0x80
    return {
        "tampered payload": (bytes(flipped), CONTEXT, "seller"),
        "tampered stanza": (envelope[:20] + bytes([envelope[20] ^ 1]) + envelope[21:], CONTEXT, "seller"),
        "wrong key": (envelope, CONTEXT, "stranger"),
        "other product": (envelope, replace(CONTEXT, product_id=4), "seller"),
        "other buyer": (envelope, replace(CONTEXT, buyer=Account.from_key(STRANGER_KEY).address), "buyer"),
        "other chain": (envelope, replace(CONTEXT, chain_id=1), "buyer"),
        "truncated": (envelope[:-1], CONTEXT, "seller"),
        "header only": (envelope[:161], CONTEXT, "seller"),
        "wrong version": (b"\x02" + envelope[1:], CONTEXT, "seller"),
        "empty": (b"", CONTEXT, "seller"),
    }


def test_failures_are_named_on_both_sides(page_crypto: PageCrypto, page_keys: dict[str, str]) -> None:
    from_python = seal(ShippingDetails(**INPUT), page_keys["seller"], page_keys["buyer"], CONTEXT)
    from_page = bytes.fromhex(
        page_crypto(
            "seal", input=INPUT, seller=page_keys["seller"], buyer=page_keys["buyer"], context=js_context(CONTEXT)
        )[2:]
    )
    accounts = {"seller": SELLER_KEY, "buyer": BUYER_KEY, "stranger": STRANGER_KEY}
    for envelope, context, reader in _spoiled(from_page).values():
        with pytest.raises(DecryptionError):
            open_envelope(envelope, account_keypair(Account.from_key(accounts[reader]), 31337, CATALOG), context)
    for what, (envelope, context, reader) in _spoiled(from_python).items():
        with pytest.raises(PageError) as caught:
            page_crypto("open", envelope="0x" + envelope.hex(), key=page_keys[reader], context=js_context(context))
        assert caught.value.name == "DecryptionError", what
        assert str(caught.value).startswith("DecryptionError: cannot decrypt the shipping details: "), what


def test_a_seller_without_a_key_gets_no_address(page_crypto: PageCrypto, page_keys: dict[str, str]) -> None:
    with pytest.raises(PageError) as caught:
        page_crypto("seal", input=INPUT, seller="0x" + "00" * 32, buyer=page_keys["buyer"], context=js_context(CONTEXT))
    assert caught.value.name == "ShippingKeyError"
    with pytest.raises(PageError) as caught:
        page_crypto(
            "seal", input=INPUT, seller="0x01" + "00" * 31, buyer=page_keys["buyer"], context=js_context(CONTEXT)
        )
    assert caught.value.name == "ShippingKeyError"


@pytest.mark.parametrize("case", DETAILS_CASES["valid"], ids=lambda c: c["case"])
def test_same_details_rules_valid(page_crypto: PageCrypto, case: dict[str, Any]) -> None:
    assert page_crypto("details", input=case["input"]) == as_page(ShippingDetails(**case["input"]))


@pytest.mark.parametrize("case", DETAILS_CASES["invalid"], ids=lambda c: c["case"])
def test_same_details_rules_invalid(page_crypto: PageCrypto, case: dict[str, Any]) -> None:
    with pytest.raises(PageError) as caught:
        page_crypto("details", input=case["input"])
    assert (caught.value.name, caught.value.field) == ("ShippingDetailsError", case["field"])
    with pytest.raises(ShippingDetailsError) as python:
        ShippingDetails(**case["input"])
    assert str(caught.value) == f"ShippingDetailsError: {python.value}"
