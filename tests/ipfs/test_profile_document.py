"""Seller profile documents (ownerless-store/seller@1 with a shipping key): built canonically, parsed
strictly, one CID per content, and the storefront document is the same document without a key."""

from __future__ import annotations

import pytest

from dapp.exceptions import DappValueError, MetadataError
from dapp.ipfs.cid import Cid
from dapp.ipfs.metadata import SELLER_SCHEMA, build_profile_document, canonical_json, parse_profile_document
from dapp.ipfs.unixfs import data_cid
from dapp.page import build_seller_document
from dapp.shipping import derive_keypair

BANNER = "bafkreif4xyug5bggrqeayzahtwgcr23aq3ubqhumu4fdayahccwuwncxsa"
KEY = derive_keypair(b"\x11" * 32 + b"\x22" * 32 + b"\x1b").public_key


def test_a_profile_round_trips_with_its_key_and_banner() -> None:
    document, cid = build_profile_document("Moonwave Merch", "Tour merch", BANNER, KEY)
    assert cid == data_cid(document)
    assert document == canonical_json(
        {"schema": SELLER_SCHEMA, "name": "Moonwave Merch", "description": "Tour merch", "banner": BANNER,
         "encryptionKey": "0x" + KEY.hex()}
    )  # fmt: skip
    parsed = parse_profile_document(cid, document)
    assert (parsed.name, parsed.description, parsed.banner, parsed.encryption_key) == (
        "Moonwave Merch", "Tour merch", BANNER, KEY
    )  # fmt: skip
    assert parsed.to_json()["encryptionKey"] == "0x" + KEY.hex()
    # the key given as hex gives the same document
    assert build_profile_document("Moonwave Merch", "Tour merch", Cid.parse(BANNER), KEY.hex()) == (document, cid)


def test_the_storefront_document_is_a_profile_without_a_key() -> None:
    document, cid = build_seller_document("Nova Merch", "Shipped from Lisbon.", Cid.parse(BANNER))
    assert (document, cid) == build_profile_document("Nova Merch", "Shipped from Lisbon.", BANNER)
    parsed = parse_profile_document(cid, document)
    assert parsed.encryption_key is None and parsed.banner == BANNER


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"encryptionKey": "0x1234"}, "encryptionKey has 2 bytes; an X25519 public key has 32"),
        ({"encryptionKey": "0x" + "00" * 32}, r"encryptionKey is empty \(all zero\)"),
        ({"encryptionKey": "zz"}, "encryptionKey is not hex"),
        ({"encryptionKey": 5}, "encryptionKey must be a hex string, got int"),
        ({"banner": "not-a-cid"}, "bad banner CID"),
        ({"name": ""}, "name must not be empty"),
        ({"name": "Shop\x1b[2J"}, "name contains control characters"),
    ],
)
def test_a_bad_profile_is_refused_by_name(fields: dict[str, object], message: str) -> None:
    document = canonical_json({"schema": SELLER_SCHEMA, "name": "Shop", "description": "", **fields})
    with pytest.raises(MetadataError, match=message):
        parse_profile_document(data_cid(document), document)


def test_a_product_document_is_not_a_profile() -> None:
    document = canonical_json({"schema": "ownerless-store/product@1", "name": "Mug", "description": "", "images": []})
    with pytest.raises(MetadataError, match="is not a ownerless-store/seller@1 document"):
        parse_profile_document(data_cid(document), document)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", ""), "name must not be empty"),
        (("x" * 201, ""), "name is 201 characters; at most 200"),
        (("Shop", "", "bafy-nope"), "not a valid CID"),
        (("Shop", "", None, b"\x01" * 31), "encryptionKey has 31 bytes"),
    ],
)
def test_building_a_bad_profile_is_refused(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(DappValueError, match=message):
        build_profile_document(*args)  # type: ignore[arg-type]
