"""The CID value: strings <-> (digest, codec) as the contract stores them."""

from __future__ import annotations

import hashlib

import pytest

from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec

EMPTY_RAW = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"


def test_round_trip_raw_and_dag_pb() -> None:
    parsed = Cid.parse(EMPTY_RAW)
    digest, codec = parsed.digest, parsed.codec
    assert (digest, codec) == (hashlib.sha256(b"").digest(), Codec.RAW)
    assert str(Cid(digest, codec)) == EMPTY_RAW
    dir_cid = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
    assert str(Cid.parse(dir_cid)) == dir_cid
    assert Cid.parse(dir_cid).codec is Codec.DAG_PB
    assert str(Cid(digest, 1)) != EMPTY_RAW  # type: ignore[arg-type]  # the codec is part of the identity
    assert Cid.from_binary(parsed.binary) == parsed == Cid.of_block(Codec.RAW, b"")


def test_cidv0_is_accepted_and_normalized_to_v1() -> None:
    v0 = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
    assert str(Cid.parse(v0)) == "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y"
    assert Cid.parse(v0).codec is Codec.DAG_PB


def test_a_document_cid_must_be_v1() -> None:
    """A CIDv0 document was chunked as readers never recompute it: refused before anything is sent."""
    with pytest.raises(DappValueError, match="is a CIDv0: add the document with `ipfs add --cid-version=1`"):
        Cid.parse_document("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")
    assert Cid.parse_document(EMPTY_RAW) == Cid.parse(EMPTY_RAW)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "not a valid CID"),
        ("bafyreigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "codec dag-cbor"),
        ("bafkr4ihkr4ld3m4gqkjf4reryxsy2s5tkbxprqkow6fin2iiyvreuzzab4", "not hashed with sha2-256"),
    ],
)
def test_unstorable_cids_are_rejected(text: str, message: str) -> None:
    with pytest.raises(DappValueError, match=message):
        Cid.parse(text)


def test_bad_digest_or_codec() -> None:
    with pytest.raises(DappValueError, match="32 bytes"):
        Cid(b"\x01" * 31, Codec.RAW)
    with pytest.raises(DappValueError, match="unknown codec 7"):
        Cid(b"\x01" * 32, 7)  # type: ignore[arg-type]
