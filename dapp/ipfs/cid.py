"""CIDv1 strings <-> the 32-byte digests the Catalog contract stores.

The contract keeps a `bytes32` sha2-256 digest plus a one-byte codec (0 = raw, 1 = dag-pb) instead of the
CID string: 33 bytes instead of ~60, and the CID is rebuilt exactly because CIDv1 with sha2-256 is fully
determined by (codec, digest). Everything is base32 CIDv1, the form subdomain gateways need.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

import cid as pycid
import multihash

from dapp.exceptions import DappValueError

SHA2_256 = 0x12
DIGEST_SIZE = 32


class Codec(IntEnum):
    """The codec of a content CID as the contract stores it (uint8)."""

    RAW = 0
    DAG_PB = 1

    @property
    def multicodec(self) -> int:
        return _MULTICODEC[self]

    @property
    def codec_name(self) -> str:
        return _NAMES[self]


_MULTICODEC = {Codec.RAW: 0x55, Codec.DAG_PB: 0x70}
_NAMES = {Codec.RAW: "raw", Codec.DAG_PB: "dag-pb"}
_BY_NAME = {name: codec for codec, name in _NAMES.items()}
# Binary CIDv1 prefix: version 1, codec, sha2-256, 32-byte digest. All four are one-byte varints.
_PREFIX = {codec: bytes([1, code, SHA2_256, DIGEST_SIZE]) for codec, code in _MULTICODEC.items()}


def cid_bytes(codec: Codec, digest: bytes) -> bytes:
    """Binary CIDv1 (as links inside dag-pb and CAR files carry it) from a sha2-256 digest."""
    if len(digest) != DIGEST_SIZE:
        raise DappValueError(f"a sha2-256 digest is {DIGEST_SIZE} bytes, got {len(digest)}")
    return _PREFIX[codec] + digest


def block_cid(codec: Codec, block: bytes) -> bytes:
    """Binary CIDv1 of a block's bytes."""
    return _PREFIX[codec] + hashlib.sha256(block).digest()


def cid_to_str(binary: bytes) -> str:
    """Base32 string form (`bafy...`/`bafk...`) of a binary CID."""
    return str(pycid.from_bytes(binary).encode("base32").decode("ascii"))


def digest_to_cid(digest: bytes, codec: Codec | int) -> str:
    """The base32 CIDv1 string for a digest read from the contract."""
    try:
        codec = Codec(codec)
    except ValueError:
        raise DappValueError(f"unknown codec {codec}: expected 0 (raw) or 1 (dag-pb)") from None
    return cid_to_str(cid_bytes(codec, bytes(digest)))


def parse_cid(text: str) -> tuple[Codec, bytes]:
    """(codec, sha2-256 digest) of a CID string, v0 or v1; rejects anything the contract cannot store."""
    try:
        parsed = pycid.make_cid(text.strip())
        mh = multihash.decode(parsed.multihash)
    except Exception as exc:  # py-cid raises ValueError, KeyError or its own types depending on the flaw
        raise DappValueError(f"not a valid CID: {text!r} ({exc})") from None
    codec = _BY_NAME.get(parsed.codec)
    if codec is None:
        raise DappValueError(f"CID {text} has codec {parsed.codec}; only raw and dag-pb can be stored")
    if mh.code != SHA2_256 or len(mh.digest) != DIGEST_SIZE:
        raise DappValueError(f"CID {text} is not hashed with sha2-256; only sha2-256 digests can be stored")
    return codec, bytes(mh.digest)


def cid_to_digest(text: str) -> tuple[bytes, Codec]:
    """The (digest, codec) pair the contract stores for a CID string (CIDv0 `Qm...` is accepted too)."""
    codec, digest = parse_cid(text)
    return digest, codec


def normalize_cid(text: str) -> str:
    """The canonical base32 CIDv1 form of any storable CID (v0 `Qm...` becomes `bafy...`)."""
    codec, digest = parse_cid(text)
    return cid_to_str(cid_bytes(codec, digest))
