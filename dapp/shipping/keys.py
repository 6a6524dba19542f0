"""Shipping keys: an X25519 key pair derived from a wallet signature, so there is no new secret to keep.

A party signs `key_message(chain_id, catalog)` with personal_sign (EIP-191). The 65-byte signature is the
input keying material of RFC 9180's DeriveKeyPair for DHKEM(X25519, HKDF-SHA256), the KEM the envelope
uses: the same account, chain and Catalog always give the same key, in the page (wallet personal_sign)
and in the CLI (eth-account's sign_message), because secp256k1 signatures are deterministic (RFC 6979).
A wallet that signs with random nonces would give a new key each time; `derive_keypair_checked` signs twice
and refuses such a wallet.

The signature is brought to its canonical form first (v as 27/28, the low-s half of the curve order), so
wallets that encode the same signature differently still derive the same key. Nothing here prints, logs
or reprs a private key or a signature.

Whoever obtains the signature can derive the key, so the message says, in the wallet's own prompt, what it
is for and to sign it only on the shop's page or in the dapp CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyhpke import AEADId, CipherSuite, KDFId, KEMId, KEMKeyInterface

from dapp._utils.validate import check_address, check_uint
from dapp.exceptions import NondeterministicSignerError, ShippingKeyError

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

KEY_MESSAGE_VERSION = 1
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 65

# DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305: RFC 9180 suite 0x0020/0x0001/0x0003.
SUITE = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)

_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def key_message(chain_id: int, catalog: str) -> str:
    """The text a party signs to make its shipping key for one Catalog on one chain (version 1).

    Human-readable because the wallet shows it; versioned and naming chain and Catalog so that a key for one
    shop is never the key for another, and a signature asked for anything else is never this one."""
    check_uint("chain id", chain_id, minimum=1)
    catalog = check_address("Catalog address", catalog)
    return (
        f"Ownerless Store shipping key, version {KEY_MESSAGE_VERSION}\n"
        "\n"
        "Signing this makes the key that encrypts the shipping addresses of your orders in this shop and lets "
        "you read them. It is free and sends no transaction.\n"
        "\n"
        "Sign it only on this shop's own page or in the dapp command line: anyone who has this signature can "
        "read the shipping addresses of your orders here.\n"
        "\n"
        f"Chain ID: {chain_id}\n"
        f"Catalog: {catalog}"
    )


@dataclass(frozen=True, repr=False)
class ShippingKeyPair:
    """An X25519 key pair for sealing and opening shipping details. Its repr and str show only the public
    key; `private_key` is reachable for the envelope code and must never be printed."""

    public_key: bytes
    private_key: bytes = field(compare=False)

    def __repr__(self) -> str:
        return f"ShippingKeyPair(public_key=0x{self.public_key.hex()}, private_key=<hidden>)"

    __str__ = __repr__

    @property
    def public_hex(self) -> str:
        return "0x" + self.public_key.hex()

    def _kem_private_key(self) -> KEMKeyInterface:
        return SUITE.kem.deserialize_private_key(self.private_key)


def _to_bytes(what: str, value: bytes | str) -> bytes:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        text = value[2:] if value[:2].lower() == "0x" else value
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise ShippingKeyError(f"{what} is not hex") from None
    raise ShippingKeyError(f"{what} must be bytes or a hex string, got {type(value).__name__}")


def canonical_signature(signature: bytes | str) -> bytes:
    """r || s || v with s in the lower half of the curve order and v in {27, 28}: one encoding per signature."""
    sig = _to_bytes("the signature", signature)
    if len(sig) != SIGNATURE_SIZE:
        raise ShippingKeyError(f"a wallet signature has {SIGNATURE_SIZE} bytes, this one {len(sig)}")
    r = int.from_bytes(sig[:32], "big")
    s = int.from_bytes(sig[32:64], "big")
    v = sig[64]
    if v in (0, 1):
        v += 27
    if v not in (27, 28) or not 0 < r < _SECP256K1_N or not 0 < s < _SECP256K1_N:
        raise ShippingKeyError("the signature is not a secp256k1 signature (r, s or v out of range)")
    if s > _SECP256K1_N // 2:
        s = _SECP256K1_N - s
        v = 55 - v  # 27 <-> 28: the same signature, its other encoding
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def derive_keypair(signature: bytes | str) -> ShippingKeyPair:
    """The shipping key pair of whoever made `signature` over key_message(...): RFC 9180 DeriveKeyPair with
    the canonical 65-byte signature as ikm."""
    pair = SUITE.kem.derive_key_pair(canonical_signature(signature))
    return ShippingKeyPair(
        public_key=pair.public_key.to_public_bytes(), private_key=pair.private_key.to_private_bytes()
    )


def derive_keypair_checked(sign: Callable[[str], bytes | str], chain_id: int, catalog: str) -> ShippingKeyPair:
    """Sign the key message twice with `sign` and derive the key pair; NondeterministicSignerError if the two
    signatures differ (such a signer would lose every address sealed to it)."""
    message = key_message(chain_id, catalog)
    first = canonical_signature(sign(message))
    if canonical_signature(sign(message)) != first:
        raise NondeterministicSignerError()
    return derive_keypair(first)


def account_keypair(account: LocalAccount, chain_id: int, catalog: str) -> ShippingKeyPair:
    """The shipping key pair of an account whose private key we hold: the same key its wallet gives the page."""
    from eth_account.messages import encode_defunct

    def sign(message: str) -> bytes:
        return bytes(account.sign_message(encode_defunct(text=message)).signature)

    return derive_keypair_checked(sign, chain_id, catalog)


def parse_public_key(value: bytes | str, whose: str = "the public key") -> bytes:
    """A 32-byte X25519 public key from bytes or hex (as a profile stores it); ShippingKeyError otherwise."""
    key = _to_bytes(whose, value)
    if len(key) != PUBLIC_KEY_SIZE:
        raise ShippingKeyError(f"{whose} has {len(key)} bytes; an X25519 public key has {PUBLIC_KEY_SIZE}")
    if not any(key):
        raise ShippingKeyError(f"{whose} is empty (all zero): no shipping key was published")
    return key
