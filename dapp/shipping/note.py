"""The seller's tracking note, encrypted to the buyer: a raw IPFS block whose CID `ship()` records as the
order's tracking document (MERCH-SPEC §2; the page's frontend/src/crypto/note.ts writes the same bytes).

    version   1 byte    0x01
    nonce     12 bytes  random
    sealed    ChaCha20-Poly1305(note key, nonce, {"note": text} as canonical JSON, aad)

The note key is HKDF-SHA256 of the order's content key (envelope.content_key: the key of its orderData
envelope, which the seller and the buyer, and only they, recover with their shipping keys), empty salt,
info "ownerless-store/tracking/v1", 32 bytes. So no new key is exchanged, and an order without orderData
has no content key: it can only be shipped with a plain tracking document. The content key itself
encrypted exactly one message with a zero nonce; the note key is a different key, and a note's nonce is
random, so a seller may write several notes for one order.

aad = the envelope's associated data (chain, Catalog, product, buyer) || the order number (32 bytes,
big-endian): a note copied to another order, even one of the same buyer for the same product (which shares
nothing else), does not open.
"""

from __future__ import annotations

import json
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dapp._utils.validate import check_uint
from dapp.exceptions import DecryptionError, ShippingDetailsError
from dapp.shipping.envelope import OrderContext

NOTE_VERSION = 1
NOTE_INFO = b"ownerless-store/tracking/v1"
MAX_NOTE = 500  # characters (code points)
_NONCE_SIZE = 12
_TAG = 16
_KEY_SIZE = 32
_WHAT = "the tracking note"
# Controls but tab and newline: a note is shown in a terminal by `dapp orders`, where an escape sequence
# could rewrite the screen.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_note(text: object) -> str:
    """The note text if it can be sent: a string of 1..500 characters, not blank, no control characters.
    ShippingDetailsError (field "note") otherwise, naming the problem."""
    if not isinstance(text, str):
        raise ShippingDetailsError("note", f"must be text, not {type(text).__name__}")
    if not text.strip():
        raise ShippingDetailsError("note", "is empty")
    if len(text) > MAX_NOTE:
        raise ShippingDetailsError("note", f"is {len(text)} characters long; at most {MAX_NOTE}")
    if _CONTROL.search(text):
        raise ShippingDetailsError("note", "contains control characters; only text, tabs and new lines")
    return text


def note_key(content_key: bytes) -> bytes:
    """The note key of an order: HKDF-SHA256(content key, salt empty, info "ownerless-store/tracking/v1")."""
    if len(content_key) != _KEY_SIZE:
        raise DecryptionError(f"a content key has {_KEY_SIZE} bytes, this one {len(content_key)}", _WHAT)
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_SIZE, salt=b"", info=NOTE_INFO).derive(content_key)


def note_associated_data(context: OrderContext, order_no: int) -> bytes:
    """The envelope's associated data followed by the order number as 32 bytes, big-endian."""
    check_uint("order number", order_no)
    return context.associated_data() + order_no.to_bytes(32, "big")


def note_plaintext(text: str) -> bytes:
    """Canonical JSON {"note": text}: sorted keys, no spaces, UTF-8."""
    return json.dumps({"note": check_note(text)}, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal_note(content_key: bytes, context: OrderContext, order_no: int, text: str) -> bytes:
    """The note block for order `order_no` in `context`: version || nonce || ChaCha20-Poly1305 ciphertext."""
    plaintext = note_plaintext(text)
    nonce = os.urandom(_NONCE_SIZE)
    aad = note_associated_data(context, order_no)
    return bytes([NOTE_VERSION]) + nonce + ChaCha20Poly1305(note_key(content_key)).encrypt(nonce, plaintext, aad)


def open_note(blob: bytes, content_key: bytes, context: OrderContext, order_no: int) -> str:
    """The note text in `blob`. DecryptionError (never another exception, never another text) if the block
    is of an unknown version, truncated, altered, or belongs to another order or another content key."""
    if not isinstance(blob, bytes | bytearray):
        raise DecryptionError(f"a note is bytes, not {type(blob).__name__}", _WHAT)
    data = bytes(blob)
    if not data:
        raise DecryptionError("the block is empty", _WHAT)
    if data[0] != NOTE_VERSION:
        raise DecryptionError(f"it is a note of version {data[0]}; this program reads version {NOTE_VERSION}", _WHAT)
    if len(data) < 1 + _NONCE_SIZE + _TAG + 1:
        raise DecryptionError(f"it is {len(data)} bytes long, which no complete note is (truncated?)", _WHAT)
    nonce, sealed = data[1 : 1 + _NONCE_SIZE], data[1 + _NONCE_SIZE :]
    try:
        plaintext = ChaCha20Poly1305(note_key(content_key)).decrypt(
            nonce, sealed, note_associated_data(context, order_no)
        )
    except InvalidTag:
        raise DecryptionError("this key does not open it: it was altered, or belongs to another order", _WHAT) from None
    try:
        document = json.loads(plaintext.decode("utf-8"))
        if not isinstance(document, dict) or set(document) != {"note"}:
            raise ValueError("not a note document")
        return check_note(document["note"])
    except (ValueError, ShippingDetailsError):
        raise DecryptionError("it opens, but does not hold a valid note", _WHAT) from None
