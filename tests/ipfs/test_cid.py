"""CID strings <-> (digest, codec) as the contract stores them."""

from __future__ import annotations

import hashlib

import pytest

from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Codec, cid_to_digest, digest_to_cid, normalize_cid

EMPTY_RAW = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"


def test_round_trip_raw_and_dag_pb() -> None:
    digest, codec = cid_to_digest(EMPTY_RAW)
    assert (digest, codec) == (hashlib.sha256(b"").digest(), Codec.RAW)
    assert digest_to_cid(digest, codec) == EMPTY_RAW
    dir_cid = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
    assert digest_to_cid(*cid_to_digest(dir_cid)) == dir_cid
    assert cid_to_digest(dir_cid)[1] is Codec.DAG_PB
    assert digest_to_cid(digest, 1) != EMPTY_RAW  # the codec is part of the identity


def test_cidv0_is_accepted_and_normalized_to_v1() -> None:
    v0 = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
    assert normalize_cid(v0) == "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y"
    assert cid_to_digest(v0)[1] is Codec.DAG_PB


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
        cid_to_digest(text)


def test_bad_digest_or_codec() -> None:
    with pytest.raises(DappValueError, match="32 bytes"):
        digest_to_cid(b"\x01" * 31, Codec.RAW)
    with pytest.raises(DappValueError, match="unknown codec 7"):
        digest_to_cid(b"\x01" * 32, 7)
