"""Product options (MERCH-SPEC §1): the "variant" of a product document, built and parsed by the same rules.
tests/ipfs/variant_cases.json is plain JSON so the page's docs.ts can run the same table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dapp.exceptions import DappValueError, MetadataError
from dapp.ipfs.metadata import build_product_metadata, check_variant, make_variant, parse_product_metadata
from dapp.ipfs.unixfs import data_cid

CASES = json.loads((Path(__file__).parent / "variant_cases.json").read_text(encoding="utf-8"))
IMAGE = "bafkreif4xyug5bggrqeayzahtwgcr23aq3ubqhumu4fdayahccwuwncxsa"


def test_a_variant_is_canonical_json_and_round_trips() -> None:
    variant = make_variant("tour-tee-2026", {"size": "M"}, {"size": ["S", "M", "L", "XL"]})
    document, cid = build_product_metadata("Tour tee", "Black", [IMAGE], variant)
    assert document == (
        b'{"description":"Black","images":["' + IMAGE.encode() + b'"],"name":"Tour tee",'
        b'"schema":"ownerless-store/product@1","variant":{"choices":{"size":["S","M","L","XL"]},'
        b'"group":"tour-tee-2026","options":{"size":"M"}}}'
    )
    parsed = parse_product_metadata(cid, document)
    assert parsed.variant == variant and parsed.variant.label == "size M"
    assert parsed.variant.choices == {"size": ("S", "M", "L", "XL")}  # display order kept


def test_a_product_without_options_keeps_its_document_and_cid() -> None:
    document, cid = build_product_metadata("Mug", "Blue", [IMAGE])
    assert b"variant" not in document and data_cid(document) == cid
    assert parse_product_metadata(cid, document).variant is None


@pytest.mark.parametrize("value", CASES["valid"], ids=lambda v: str(v["group"])[:12])
def test_valid_variants(value: dict[str, Any]) -> None:
    variant = check_variant(value, MetadataError)
    assert variant.to_json() == value
    assert list(variant.options) == list(value["choices"])  # options follow the names of choices


@pytest.mark.parametrize(("value", "message"), CASES["invalid"], ids=lambda v: str(v)[:40])
def test_invalid_variants_are_refused_naming_the_field(value: object, message: str) -> None:
    with pytest.raises(DappValueError, match=None) as built:
        check_variant(value)
    assert message in str(built.value)
    document = json.dumps({"schema": "ownerless-store/product@1", "name": "Tee", "description": "", "images": [],
                           "variant": value}).encode()  # fmt: skip
    with pytest.raises(MetadataError) as parsed:  # a document that breaks a rule is never trusted
        parse_product_metadata(data_cid(document), document)
    assert message in str(parsed.value) and str(data_cid(document)) in str(parsed.value)
