"""The seller's tracking note (MERCH-SPEC §2): Python's note.py and the page's note.ts write the same format,
each opens what the other sealed, and only the order's two readers can. A tampered, truncated, foreign or
unknown-version note is a DecryptionError on both sides."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from typing import Any

import pytest
from eth_account import Account

from dapp.exceptions import DecryptionError, ShippingDetailsError
from dapp.shipping import (
    OrderContext,
    ShippingDetails,
    account_keypair,
    check_note,
    content_key,
    open_envelope,
    open_note,
    seal,
    seal_note,
)
from dapp.shipping.note import note_key
from tests.shipping.conftest import PageCrypto, PageError
from tests.shipping.test_interop import BUYER_KEY, CATALOG, CONTEXT, INPUT, SELLER_KEY, STRANGER_KEY, js_context

ORDER_NO = 7
TEXT = "DHL 00340434161094042557 · posted today, thank you! 🎸\nTrack at dhl.com"


def keys(private_key: str) -> Any:
    return account_keypair(Account.from_key(private_key), 31337, CATALOG)


@pytest.fixture(scope="module")
def page_keys(page_crypto: PageCrypto) -> dict[str, str]:
    return {
        name: page_crypto("deriveAccount", privateKey=key, chainId=31337, catalog=CATALOG)
        for name, key in [("seller", SELLER_KEY), ("buyer", BUYER_KEY), ("stranger", STRANGER_KEY)]
    }


@pytest.fixture(scope="module")
def envelope() -> bytes:
    return seal(ShippingDetails(**INPUT), keys(SELLER_KEY).public_key, keys(BUYER_KEY).public_key, CONTEXT)


def test_both_readers_get_the_same_content_key(envelope: bytes) -> None:
    seller_key = content_key(envelope, keys(SELLER_KEY), CONTEXT)
    assert seller_key == content_key(envelope, keys(BUYER_KEY), CONTEXT)
    assert len(seller_key) == 32
    with pytest.raises(DecryptionError):
        content_key(envelope, keys(STRANGER_KEY), CONTEXT)
    altered = bytearray(envelope)
    altered[-1] ^= 1  # the payload: the stanzas still open, but an altered envelope gives no key
    with pytest.raises(DecryptionError, match="altered"):
        content_key(bytes(altered), keys(SELLER_KEY), CONTEXT)
    assert open_envelope(envelope, keys(SELLER_KEY), CONTEXT) == ShippingDetails(**INPUT)


def test_the_format_is_the_spec(envelope: bytes) -> None:
    """Decrypted by hand from the spec's words, with `cryptography` primitives only."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    key = content_key(envelope, keys(SELLER_KEY), CONTEXT)
    blob = seal_note(key, CONTEXT, ORDER_NO, TEXT)
    # RFC 5869 with an empty salt: PRK = HMAC(zeros, ikm); OKM = HMAC(PRK, info || 0x01) for 32 bytes
    prk = hmac.new(b"\0" * 32, key, hashlib.sha256).digest()
    expected_key = hmac.new(prk, b"ownerless-store/tracking/v1\x01", hashlib.sha256).digest()
    assert note_key(key) == expected_key
    aad = CONTEXT.associated_data() + ORDER_NO.to_bytes(32, "big")
    assert blob[0] == 1
    plaintext = ChaCha20Poly1305(expected_key).decrypt(blob[1:13], blob[13:], aad)
    assert plaintext == json.dumps({"note": TEXT}, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(blob) == 1 + 12 + len(plaintext) + 16
    assert seal_note(key, CONTEXT, ORDER_NO, TEXT) != blob  # a fresh nonce every time


def test_python_seals_the_page_opens(page_crypto: PageCrypto, page_keys: dict[str, str], envelope: bytes) -> None:
    blob = seal_note(content_key(envelope, keys(SELLER_KEY), CONTEXT), CONTEXT, ORDER_NO, TEXT)
    for reader in ("seller", "buyer"):
        opened = page_crypto(
            "openNote", envelope="0x" + envelope.hex(), key=page_keys[reader], context=js_context(CONTEXT),
            orderNo=str(ORDER_NO), note="0x" + blob.hex(),
        )  # fmt: skip
        assert opened == TEXT


def test_the_page_seals_python_opens(page_crypto: PageCrypto, page_keys: dict[str, str], envelope: bytes) -> None:
    blob = bytes.fromhex(
        page_crypto(
            "sealNote", envelope="0x" + envelope.hex(), key=page_keys["seller"], context=js_context(CONTEXT),
            orderNo=str(ORDER_NO), text=TEXT,
        )[2:]
    )  # fmt: skip
    for reader in (SELLER_KEY, BUYER_KEY):
        assert open_note(blob, content_key(envelope, keys(reader), CONTEXT), CONTEXT, ORDER_NO) == TEXT


def _spoiled(blob: bytes, envelope: bytes) -> dict[str, tuple[bytes, bytes, OrderContext, int]]:
    """What goes wrong -> (note, the envelope whose key is used, context, order number)."""
    other = seal(ShippingDetails(**INPUT), keys(SELLER_KEY).public_key, keys(BUYER_KEY).public_key, CONTEXT)
    flipped = bytearray(blob)
    flipped[20] ^= 0x01
    return {
        "tampered ciphertext": (bytes(flipped), envelope, CONTEXT, ORDER_NO),
        "tampered nonce": (blob[:1] + bytes([blob[1] ^ 1]) + blob[2:], envelope, CONTEXT, ORDER_NO),
        "tampered tag": (blob[:-1] + bytes([blob[-1] ^ 1]), envelope, CONTEXT, ORDER_NO),
        "other order number": (blob, envelope, CONTEXT, ORDER_NO + 1),
        "other order's content key": (blob, other, CONTEXT, ORDER_NO),
        "truncated": (blob[:20], envelope, CONTEXT, ORDER_NO),
        "wrong version": (b"\x02" + blob[1:], envelope, CONTEXT, ORDER_NO),
        "empty": (b"", envelope, CONTEXT, ORDER_NO),
    }


def test_failures_are_named_on_both_sides(page_crypto: PageCrypto, page_keys: dict[str, str], envelope: bytes) -> None:
    from_python = seal_note(content_key(envelope, keys(SELLER_KEY), CONTEXT), CONTEXT, ORDER_NO, TEXT)
    from_page = bytes.fromhex(
        page_crypto(
            "sealNote", envelope="0x" + envelope.hex(), key=page_keys["seller"], context=js_context(CONTEXT),
            orderNo=str(ORDER_NO), text=TEXT,
        )[2:]
    )  # fmt: skip
    for what, (blob, env, context, order_no) in _spoiled(from_page, envelope).items():
        with pytest.raises(DecryptionError) as python:
            open_note(blob, content_key(env, keys(BUYER_KEY), context), context, order_no)
        assert str(python.value).startswith("cannot decrypt the tracking note: "), what
    for what, (blob, env, context, order_no) in _spoiled(from_python, envelope).items():
        with pytest.raises(PageError) as caught:
            page_crypto(
                "openNote", envelope="0x" + env.hex(), key=page_keys["buyer"], context=js_context(context),
                orderNo=str(order_no), note="0x" + blob.hex(),
            )  # fmt: skip
        assert caught.value.name == "DecryptionError", what
        assert str(caught.value).startswith("DecryptionError: cannot decrypt the tracking note: "), what


def test_a_stranger_has_no_content_key(page_crypto: PageCrypto, page_keys: dict[str, str], envelope: bytes) -> None:
    with pytest.raises(PageError) as caught:
        page_crypto(
            "sealNote", envelope="0x" + envelope.hex(), key=page_keys["stranger"], context=js_context(CONTEXT),
            orderNo=str(ORDER_NO), text=TEXT,
        )  # fmt: skip
    assert caught.value.name == "DecryptionError"
    other_buyer = replace(CONTEXT, buyer=Account.from_key(STRANGER_KEY).address)
    with pytest.raises(DecryptionError):
        content_key(envelope, keys(BUYER_KEY), other_buyer)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "is empty"), ("   \n", "is empty"), ("x" * 501, "at most 500"), ("bell\x07", "control characters")],
)
def test_same_note_rules(page_crypto: PageCrypto, page_keys: dict[str, str], envelope: bytes, text: str,
                         problem: str) -> None:  # fmt: skip
    with pytest.raises(ShippingDetailsError, match=problem):
        check_note(text)
    with pytest.raises(PageError) as caught:
        page_crypto(
            "sealNote", envelope="0x" + envelope.hex(), key=page_keys["seller"], context=js_context(CONTEXT),
            orderNo=str(ORDER_NO), text=text,
        )  # fmt: skip
    assert (caught.value.name, caught.value.field) == ("ShippingDetailsError", "note")
    assert problem in str(caught.value)
    # 500 characters counted as Python counts them: code points, not UTF-16 units
    assert check_note("🎸" * 500) == page_crypto(
        "openNote", envelope="0x" + envelope.hex(), key=page_keys["buyer"], context=js_context(CONTEXT),
        orderNo=str(ORDER_NO), note="0x" + seal_note(content_key(envelope, keys(SELLER_KEY), CONTEXT), CONTEXT,
                                                     ORDER_NO, "🎸" * 500).hex(),
    )  # fmt: skip
