"""The encrypted envelope a buyer puts on chain as an order's `orderData`, readable by the seller and the buyer.

Construction (version 1), the usual multi-recipient pattern (as in age, or JWE with several recipients):
a fresh random 32-byte content key encrypts the padded details once with ChaCha20-Poly1305, and the
content key is sealed to each reader with HPKE (RFC 9180) single-shot, base mode, DHKEM(X25519,
HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305. All of it through pyhpke and `cryptography`; nothing
cryptographic is written here, only the layout.

    version   1 byte   0x01
    seller    80 bytes HPKE enc (32) || sealed content key (32 + 16 tag)   info "ownerless-store/shipping/v1/seller"
    buyer     80 bytes the same, to the buyer's key                       info "ownerless-store/shipping/v1/buyer"
    payload   P + 16   ChaCha20-Poly1305(content key, nonce 0, padded details, aad = context || header)

P is the padded plaintext (a multiple of 32, see details.py), so the envelope is 177 + P bytes. Sealing
the whole details to each reader instead would cost 1 + 2 x (32 + P + 16) = 97 + 2P. Measured:

    address                                              plaintext  P    this   per reader
    name, 1 street line, city, postcode, country, size   57         64   241    225
    + a second street line, email, phone, 2 options      106        128  305    353

Per-reader sealing is 16 bytes smaller for the shortest addresses (P = 64), equal-or-worse from P = 80 on,
and grows twice as fast with every byte typed, since each reader gets a copy. The content key keeps the
worst cases (long addresses, notes) cheapest on chain and is the pattern that extends to a third reader
(an arbiter) for 80 bytes. The content key is used for exactly one encryption, so the fixed zero nonce is
safe.

Associated data (the "context") binds the envelope to where it belongs: the chain id, the Catalog, the
product id and the buyer's address. Both the HPKE seals and the payload use it, and the payload's also
covers the header, so no part can be swapped for another envelope's. The order number is not bound
because the contract assigns it when the purchase is mined, after the buyer sealed the envelope. So an
envelope copied into an order for another product, another buyer, another Catalog or another chain does
not decrypt (DecryptionError); copied into another order of the same buyer for the same product in the same
Catalog, it still opens, and reads as the buyer's own address, which that buyer wrote.

Any reader holds the content key and could write a different envelope for the other reader, but only the
buyer's purchase transaction writes an order's orderData, so what is on chain is the buyer's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from pyhpke import KEMKeyInterface
from pyhpke.exceptions import PyHPKEError

from dapp._utils.validate import check_address, check_uint
from dapp.exceptions import DecryptionError, ShippingDetailsError, ShippingKeyError
from dapp.shipping.details import PAD_TO, ShippingDetails, decode_details, encode_details
from dapp.shipping.keys import SUITE, ShippingKeyPair, parse_public_key

VERSION = 1
ROLES = ("seller", "buyer")
_INFO = {role: f"ownerless-store/shipping/v{VERSION}/{role}".encode() for role in ROLES}
_KEY_SIZE = 32
_TAG = 16
_STANZA = 32 + _KEY_SIZE + _TAG  # HPKE enc + sealed content key
_HEADER = 1 + len(ROLES) * _STANZA
OVERHEAD = _HEADER + _TAG  # 177: envelope size = OVERHEAD + padded plaintext
_NONCE = bytes(12)


@dataclass(frozen=True)
class OrderContext:
    """What an envelope is bound to (its associated data): chain, Catalog, product and buyer."""

    chain_id: int
    catalog: str
    product_id: int
    buyer: str

    def __post_init__(self) -> None:
        check_uint("chain id", self.chain_id, minimum=1)
        check_uint("product id", self.product_id)
        object.__setattr__(self, "catalog", check_address("Catalog address", self.catalog))
        object.__setattr__(self, "buyer", check_address("buyer address", self.buyer))

    def associated_data(self) -> bytes:
        """version || chain id (32) || Catalog (20) || product id (32) || buyer (20): 105 bytes."""
        return (
            bytes([VERSION])
            + self.chain_id.to_bytes(32, "big")
            + bytes.fromhex(self.catalog[2:])
            + self.product_id.to_bytes(32, "big")
            + bytes.fromhex(self.buyer[2:])
        )


def envelope_size(details: ShippingDetails) -> int:
    """How many bytes seal() gives for these details (the same for every seal of them)."""
    return OVERHEAD + len(encode_details(details))


def seal(
    details: ShippingDetails, seller_public_key: bytes | str, buyer_public_key: bytes | str, context: OrderContext
) -> bytes:
    """The envelope of `details` for the seller and the buyer, bound to `context`.

    ShippingKeyError if a public key is missing or unusable: a seller that published no key gets no
    address, and nothing is sealed."""
    keys = {
        "seller": _public_key(seller_public_key, "the seller's shipping key"),
        "buyer": _public_key(buyer_public_key, "the buyer's shipping key"),
    }
    aad = context.associated_data()
    content_key = os.urandom(_KEY_SIZE)
    header = bytes([VERSION])
    for role in ROLES:
        try:
            # RFC 9180 single-shot Seal is SetupBaseS + one Seal (pyhpke has only the two steps)
            enc, sender = SUITE.create_sender_context(keys[role], info=_INFO[role])
            sealed_key = sender.seal(content_key, aad=aad)
        except (PyHPKEError, ValueError):
            # cryptography refuses a low-order point (the X25519 shared secret would be all zero)
            raise ShippingKeyError(f"the {role}'s shipping key is not a usable X25519 public key") from None
        header += enc + sealed_key
    return header + ChaCha20Poly1305(content_key).encrypt(_NONCE, encode_details(details), aad + header)


def open_envelope(envelope: bytes | str, keypair: ShippingKeyPair, context: OrderContext) -> ShippingDetails:
    """The details in `envelope`, for the seller's or the buyer's key pair and the order's context.

    DecryptionError (never another exception, never other details) if the envelope is of an unknown version,
    truncated, altered, sealed to other keys, or bound to another product, buyer, Catalog or chain."""
    _, plaintext = _open(envelope, keypair, context)
    try:
        return decode_details(plaintext)
    except ShippingDetailsError as exc:
        raise DecryptionError(
            f"it opens, but does not hold valid shipping details ({exc.field}: {exc.problem})"
        ) from None


def content_key(envelope: bytes | str, keypair: ShippingKeyPair, context: OrderContext) -> bytes:
    """The 32-byte content key of `envelope`, once the whole envelope opened with this key pair (the payload
    included, so an altered envelope gives no key): what the seller's tracking note is derived from
    (note.py). The same DecryptionError cases as open_envelope."""
    key, _ = _open(envelope, keypair, context)
    return key


def _open(envelope: bytes | str, keypair: ShippingKeyPair, context: OrderContext) -> tuple[bytes, bytes]:
    """(content key, padded plaintext) of an envelope that opens with this key pair in this context."""
    data = _envelope_bytes(envelope)
    if not data:
        raise DecryptionError("the order carries no encrypted shipping details")
    if data[0] != VERSION:
        raise DecryptionError(f"it is an envelope of version {data[0]}; this program reads version {VERSION}")
    if len(data) < OVERHEAD + PAD_TO or (len(data) - OVERHEAD) % PAD_TO:
        raise DecryptionError(f"it is {len(data)} bytes long, which no complete envelope is (truncated?)")
    header, payload = data[:_HEADER], data[_HEADER:]
    aad = context.associated_data()
    private_key = keypair._kem_private_key()
    key = None
    for index, role in enumerate(ROLES):
        start = 1 + index * _STANZA
        key = _unwrap(header[start : start + _STANZA], private_key, _INFO[role], aad)
        if key is not None:
            break
    if key is None:
        raise DecryptionError(
            "this key does not open it: it was sealed to other keys, altered, or belongs to another order "
            "(another product, buyer, Catalog or chain)"
        )
    try:
        return key, ChaCha20Poly1305(key).decrypt(_NONCE, payload, aad + header)
    except InvalidTag:
        raise DecryptionError("its encrypted details were altered") from None


def _unwrap(stanza: bytes, private_key: KEMKeyInterface, info: bytes, aad: bytes) -> bytes | None:
    try:
        key = SUITE.create_recipient_context(stanza[:32], private_key, info=info).open(stanza[32:], aad=aad)
    except (PyHPKEError, InvalidTag, ValueError):
        return None
    return key if len(key) == _KEY_SIZE else None


def _public_key(value: bytes | str, whose: str) -> KEMKeyInterface:
    return SUITE.kem.deserialize_public_key(parse_public_key(value, whose))


def _envelope_bytes(envelope: bytes | str) -> bytes:
    if isinstance(envelope, bytes | bytearray):
        return bytes(envelope)
    if isinstance(envelope, str):
        text = envelope[2:] if envelope[:2].lower() == "0x" else envelope
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise DecryptionError("the envelope is not hex") from None
    raise DecryptionError(f"an envelope is bytes or hex, not {type(envelope).__name__}")
