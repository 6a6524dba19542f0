"""The envelope in Python: both readers open it; anything else is a DecryptionError, never a crash and
never other details."""

from __future__ import annotations

from dataclasses import replace

import pytest
from eth_account import Account

from dapp.exceptions import DecryptionError, ShippingKeyError
from dapp.shipping import envelope as envelope_module
from dapp.shipping.details import ShippingDetails, encode_details
from dapp.shipping.envelope import OVERHEAD, OrderContext, envelope_size, open_envelope, seal
from dapp.shipping.keys import ShippingKeyPair, account_keypair

CATALOG = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
SELLER = Account.from_key("0x" + "11" * 32)
BUYER = Account.from_key("0x" + "22" * 32)
STRANGER = Account.from_key("0x" + "33" * 32)
DETAILS = ShippingDetails(
    name="Ada Lovelace",
    lines=("12 Rose Street",),
    city="London",
    postcode="N1 9GU",
    country="GB",
    options={"size": "M"},
)
CONTEXT = OrderContext(chain_id=31337, catalog=CATALOG, product_id=3, buyer=BUYER.address)


@pytest.fixture(scope="module")
def keys() -> dict[str, ShippingKeyPair]:
    return {
        name: account_keypair(a, 31337, CATALOG)
        for name, a in [("seller", SELLER), ("buyer", BUYER), ("stranger", STRANGER)]
    }


@pytest.fixture(scope="module")
def sealed(keys: dict[str, ShippingKeyPair]) -> bytes:
    return seal(DETAILS, keys["seller"].public_key, keys["buyer"].public_key, CONTEXT)


def test_seller_and_buyer_both_read_it(keys: dict[str, ShippingKeyPair], sealed: bytes) -> None:
    assert open_envelope(sealed, keys["seller"], CONTEXT) == DETAILS
    assert open_envelope(sealed, keys["buyer"], CONTEXT) == DETAILS
    assert open_envelope("0x" + sealed.hex(), keys["seller"], CONTEXT) == DETAILS


def test_layout_and_size(keys: dict[str, ShippingKeyPair], sealed: bytes) -> None:
    assert sealed[0] == 1
    assert len(sealed) == OVERHEAD + len(encode_details(DETAILS)) == envelope_size(DETAILS) == 177 + 64
    again = seal(DETAILS, keys["seller"].public_key, keys["buyer"].public_key, CONTEXT)
    assert len(again) == len(sealed) and again != sealed  # fresh ephemeral keys and content key each time


def test_a_stranger_cannot_read_it(keys: dict[str, ShippingKeyPair], sealed: bytes) -> None:
    with pytest.raises(DecryptionError, match="this key does not open it"):
        open_envelope(sealed, keys["stranger"], CONTEXT)


@pytest.mark.parametrize(
    "other",
    [
        replace(CONTEXT, product_id=4),
        replace(CONTEXT, buyer=STRANGER.address),
        replace(CONTEXT, catalog="0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"),
        replace(CONTEXT, chain_id=1),
    ],
    ids=["other product", "other buyer", "other Catalog", "other chain"],
)
def test_copied_to_another_order_it_does_not_open(
    keys: dict[str, ShippingKeyPair], sealed: bytes, other: OrderContext
) -> None:
    for reader in ("seller", "buyer"):
        with pytest.raises(DecryptionError, match="belongs to another order"):
            open_envelope(sealed, keys[reader], other)


def test_every_altered_byte_is_refused(keys: dict[str, ShippingKeyPair], sealed: bytes) -> None:
    for at in range(len(sealed)):
        altered = bytearray(sealed)
        altered[at] ^= 0x01
        with pytest.raises(DecryptionError):
            open_envelope(bytes(altered), keys["seller"], CONTEXT)


def test_every_truncation_is_refused(keys: dict[str, ShippingKeyPair], sealed: bytes) -> None:
    for length in range(len(sealed)):
        with pytest.raises(DecryptionError):
            open_envelope(sealed[:length], keys["buyer"], CONTEXT)
    with pytest.raises(DecryptionError, match="no encrypted shipping details"):
        open_envelope(b"", keys["buyer"], CONTEXT)
    with pytest.raises(DecryptionError):  # one padding block short of the real one
        open_envelope(sealed[:-32], keys["buyer"], CONTEXT)


def test_swapped_or_spliced_parts_are_refused(keys: dict[str, ShippingKeyPair], sealed: bytes) -> None:
    seller_stanza, buyer_stanza = sealed[1:81], sealed[81:161]
    swapped = sealed[:1] + buyer_stanza + seller_stanza + sealed[161:]
    other = seal(DETAILS, keys["seller"].public_key, keys["buyer"].public_key, CONTEXT)
    spliced = sealed[:161] + other[161:]  # this header, another envelope's payload
    for bad in (swapped, spliced):
        for reader in ("seller", "buyer"):
            with pytest.raises(DecryptionError):
                open_envelope(bad, keys[reader], CONTEXT)


@pytest.mark.parametrize("version", [0, 2, 255])
def test_unknown_versions_are_named(keys: dict[str, ShippingKeyPair], sealed: bytes, version: int) -> None:
    with pytest.raises(DecryptionError, match=f"version {version}; this program reads version 1"):
        open_envelope(bytes([version]) + sealed[1:], keys["seller"], CONTEXT)


def test_not_hex(keys: dict[str, ShippingKeyPair]) -> None:
    with pytest.raises(DecryptionError, match="not hex"):
        open_envelope("0xnothex", keys["seller"], CONTEXT)


def test_valid_encryption_of_invalid_details(keys: dict[str, ShippingKeyPair], monkeypatch: pytest.MonkeyPatch) -> None:
    """A buyer's client that writes garbage: it decrypts, and still gives a named error, not an address."""
    monkeypatch.setattr(envelope_module, "encode_details", lambda _: b"not an address".ljust(32, b"\0"))
    garbage = seal(DETAILS, keys["seller"].public_key, keys["buyer"].public_key, CONTEXT)
    monkeypatch.undo()
    with pytest.raises(DecryptionError, match="does not hold valid shipping details"):
        open_envelope(garbage, keys["seller"], CONTEXT)


@pytest.mark.parametrize(
    "bad_key",
    [
        bytes(32),  # the all-zero key: the seller published none
        b"\x01" + bytes(31),  # low-order points: the shared secret would be all zero
        bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        b"\x01" * 31,  # too short
    ],
)
def test_a_seller_without_a_usable_key_gets_no_address(keys: dict[str, ShippingKeyPair], bad_key: bytes) -> None:
    with pytest.raises(ShippingKeyError, match="seller"):
        seal(DETAILS, bad_key, keys["buyer"].public_key, CONTEXT)


def test_errors_carry_no_key_material(keys: dict[str, ShippingKeyPair], sealed: bytes) -> None:
    with pytest.raises(DecryptionError) as caught:
        open_envelope(sealed, keys["stranger"], CONTEXT)
    text = f"{caught.value!s} {caught.value!r} {caught.value.reason}"
    for pair in keys.values():
        assert pair.private_key.hex() not in text
    assert DETAILS.name not in text
