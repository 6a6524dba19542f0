"""The CID value: a sha2-256 digest plus a codec, parsed once and passed everywhere.

The contract keeps a `bytes32` sha2-256 digest plus a one-byte codec (0 = raw, 1 = dag-pb) instead of the
CID string: 33 bytes instead of ~60, and the CID is rebuilt exactly because CIDv1 with sha2-256 is fully
determined by (digest, codec). `Cid` holds that pair; `str(cid)` is the base32 CIDv1 form subdomain
gateways need, and `cid.binary` the form dag-pb links and CAR files carry. The CLI, the client, the
metadata documents, the CAR writer and the contract arguments all take this one value, so a CID string is
parsed (and checked) once, where it enters.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property

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
_BY_PREFIX = {prefix: codec for codec, prefix in _PREFIX.items()}


def as_codec(value: Codec | int) -> Codec:
    """The Codec for 0/1 (as the contract stores it); the one place a codec number is checked."""
    if isinstance(value, bool):
        raise DappValueError(f"unknown codec {value!r}: expected 0 (raw) or 1 (dag-pb)")
    try:
        return Codec(value)
    except ValueError:
        raise DappValueError(f"unknown codec {value}: expected 0 (raw) or 1 (dag-pb)") from None


@dataclass(frozen=True)
class Cid:
    """A CIDv1 the contract can store. Build it with `Cid.parse(text)`, `Cid.of_block(codec, block)`,
    `Cid.from_binary(b)` or `Cid(digest, codec)` (the contract's own pair, in the contract's order)."""

    digest: bytes
    codec: Codec

    def __post_init__(self) -> None:
        if not isinstance(self.digest, bytes | bytearray) or len(self.digest) != DIGEST_SIZE:
            size = len(self.digest) if isinstance(self.digest, bytes | bytearray) else type(self.digest).__name__
            raise DappValueError(f"a sha2-256 digest must be {DIGEST_SIZE} bytes, got {size}")
        object.__setattr__(self, "digest", bytes(self.digest))
        object.__setattr__(self, "codec", as_codec(self.codec))

    @classmethod
    def parse(cls, text: str) -> Cid:
        """Any storable CID string, v0 (`Qm...`, normalized to v1) or v1 in any multibase."""
        import cid as pycid  # ~30 ms; only when a CID string comes from outside
        import multihash

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
        return cls(bytes(mh.digest), codec)

    @classmethod
    def parse_document(cls, text: str) -> Cid:
        """The CID of a metadata or review document, if readers will be able to verify it.

        Readers recompute a document's CID as `ipfs add --cid-version=1` makes it; a CIDv0 (Qm...) document
        was chunked differently and would fail that check forever, so it is refused before anything is sent.
        """
        if text.strip().startswith("Qm"):
            raise DappValueError(
                f"{text} is a CIDv0: add the document with `ipfs add --cid-version=1` and use that CID"
            )
        return cls.parse(text)

    @classmethod
    def of_block(cls, codec: Codec, block: bytes) -> Cid:
        return cls(hashlib.sha256(block).digest(), codec)

    @classmethod
    def from_binary(cls, binary: bytes) -> Cid:
        codec = _BY_PREFIX.get(bytes(binary[:4]))
        if codec is None or len(binary) != 4 + DIGEST_SIZE:
            raise DappValueError(f"not a binary sha2-256 CIDv1 of a raw or dag-pb block: {bytes(binary).hex()}")
        return cls(bytes(binary[4:]), codec)

    @property
    def binary(self) -> bytes:
        """Binary CIDv1, as links inside dag-pb and CAR files carry it."""
        return _PREFIX[self.codec] + self.digest

    @cached_property
    def text(self) -> str:
        """Base32 string form (`bafy...` for dag-pb, `bafk...` for raw)."""
        return "b" + base64.b32encode(self.binary).decode("ascii").lower().rstrip("=")

    def __str__(self) -> str:
        return self.text


def block_cid(codec: Codec, block: bytes) -> bytes:
    """Binary CIDv1 of a block's bytes (the importer's hot path: no Cid object per chunk)."""
    return _PREFIX[codec] + hashlib.sha256(block).digest()


def cid_to_str(binary: bytes) -> str:
    """Base32 string form of a binary CID."""
    return Cid.from_binary(binary).text
