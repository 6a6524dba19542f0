"""Shipping keys from wallet signatures: the message, the derivation, canonical signatures, secrecy."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from dapp.exceptions import DappValueError, NondeterministicSignerError, ShippingKeyError
from dapp.shipping.keys import (
    account_keypair,
    canonical_signature,
    derive_keypair,
    derive_keypair_checked,
    key_message,
    parse_public_key,
)
from tests.shipping.conftest import load_json

KEYS = load_json("key_cases.json")["cases"]
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
CATALOG = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


@pytest.mark.parametrize("case", KEYS, ids=lambda c: str(c["chain_id"]))
def test_golden_message_signature_and_key(case: dict[str, Any]) -> None:
    """The message text and the derived key never change silently: every user's key depends on them."""
    message = key_message(case["chain_id"], case["catalog"])
    assert hashlib.sha256(message.encode()).hexdigest() == case["message_sha256"]
    account = Account.from_key(case["account_private_key"])
    signature = account.sign_message(encode_defunct(text=message)).signature
    assert "0x" + bytes(signature).hex() == case["signature"]
    assert derive_keypair(signature).public_hex == case["public_key"]
    assert account_keypair(account, case["chain_id"], case["catalog"]).public_hex == case["public_key"]


def test_the_message_names_its_purpose_chain_and_catalog() -> None:
    message = key_message(31337, CATALOG.lower())
    assert message.startswith("Ownerless Store shipping key, version 1\n")
    assert "sends no transaction" in message and "anyone who has this signature" in message
    assert message.endswith(f"\nChain ID: 31337\nCatalog: {CATALOG}")  # checksummed whatever the input


def test_keys_differ_per_chain_catalog_and_account() -> None:
    a, b = Account.from_key("0x" + "11" * 32), Account.from_key("0x" + "22" * 32)
    other = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
    keys = {
        account_keypair(a, 31337, CATALOG).public_key,
        account_keypair(b, 31337, CATALOG).public_key,
        account_keypair(a, 1, CATALOG).public_key,
        account_keypair(a, 31337, other).public_key,
    }
    assert len(keys) == 4


@pytest.mark.parametrize(
    ("chain_id", "catalog"),
    [(0, CATALOG), (-1, CATALOG), (31337, "0x1234"), (31337, CATALOG.replace("F", "f", 1))],
)
def test_bad_message_inputs(chain_id: int, catalog: str) -> None:
    with pytest.raises(DappValueError):
        key_message(chain_id, catalog)


def test_other_encodings_of_one_signature_give_one_key() -> None:
    signature = bytes.fromhex(KEYS[0]["signature"][2:])
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    high_s = r + (N - s).to_bytes(32, "big") + bytes([55 - v])  # the same signature, malleated
    zero_one_v = signature[:64] + bytes([v - 27])  # v as 0/1 (some hardware wallets)
    for variant in (high_s, zero_one_v, "0x" + high_s.hex(), high_s.hex()):
        assert canonical_signature(variant) == signature
        assert derive_keypair(variant).public_hex == KEYS[0]["public_key"]


@pytest.mark.parametrize(
    ("signature", "problem"),
    [
        (b"\x01" * 64, "65 bytes"),
        ("0xzz", "not hex"),
        (b"\x00" * 32 + b"\x01" * 32 + b"\x1b", "out of range"),  # r = 0
        (b"\x01" * 64 + b"\x05", "out of range"),  # v = 5
        (b"\x01" * 32 + N.to_bytes(32, "big") + b"\x1b", "out of range"),  # s = n
    ],
)
def test_malformed_signatures(signature: bytes | str, problem: str) -> None:
    with pytest.raises(ShippingKeyError, match=problem):
        derive_keypair(signature)


def test_a_nondeterministic_signer_is_refused() -> None:
    # what a wallet with random nonces looks like to us: valid signatures of the message, different each time
    signers = iter([Account.from_key("0x" + "11" * 32), Account.from_key("0x" + "22" * 32)])

    def sign(message: str) -> bytes:
        return bytes(next(signers).sign_message(encode_defunct(text=message)).signature)

    with pytest.raises(NondeterministicSignerError, match="does not sign deterministically"):
        derive_keypair_checked(sign, 31337, CATALOG)


def test_the_private_key_is_never_shown() -> None:
    pair = account_keypair(Account.from_key("0x" + "11" * 32), 31337, CATALOG)
    secret = pair.private_key
    assert len(secret) == 32
    for shown in (repr(pair), str(pair), f"{pair}", f"{pair!r}", repr([pair]), repr({"k": pair})):
        assert secret.hex() not in shown.lower()
        assert repr(secret) not in shown
        assert pair.public_key.hex() in shown
        assert "<hidden>" in shown


def test_parse_public_key() -> None:
    key = bytes(range(32))
    assert parse_public_key("0x" + key.hex()) == parse_public_key(key.hex()) == parse_public_key(key) == key
    with pytest.raises(ShippingKeyError, match="31 bytes"):
        parse_public_key(key[:31])
    with pytest.raises(ShippingKeyError, match="no shipping key was published"):
        parse_public_key(bytes(32), "the seller's shipping key")
