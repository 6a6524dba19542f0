"""ENS contenthash values (ENSIP-7, formerly EIP-1577) for the shop page: what to set on an ENS name's
resolver so that ENS-aware gateways (eth.limo, Brave, MetaMask) open the shop.

A contenthash is a multicodec namespace followed by a CIDv1 in binary:

    ipfs-ns (0xe3, varint e3 01)  + CIDv1 of the content          (points at one release, immutable)
    ipns-ns (0xe5, varint e5 01)  + CIDv1 libp2p-key (0x72) name  (points at the name: follows releases)

An IPNS name is the identity multihash of its Ed25519 public key, so its contenthash carries the key
itself. Pointing ENS at the IPNS name means one ENS transaction ever; pointing it at a CID means one per
release but no trust in IPNS record propagation. The vectors in tests/test_ens.py come from the
@ensdomains/content-hash package's own tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import varint

from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid

IPFS_NS = 0xE3
IPNS_NS = 0xE5
LIBP2P_KEY = 0x72
Namespace = Literal["ipfs", "ipns"]
_PREFIXES: dict[int, Namespace] = {IPFS_NS: "ipfs", IPNS_NS: "ipns"}


@dataclass(frozen=True)
class Contenthash:
    """One contenthash: its namespace, the CID or name it encodes (text), and the bytes to set."""

    namespace: Namespace
    value: str
    raw: bytes

    @property
    def hex(self) -> str:
        return "0x" + self.raw.hex()


def ipfs_contenthash(cid: Cid) -> Contenthash:
    """`ipfs-ns` + the CIDv1 of one release (a CIDv0 was already normalised to v1 by `Cid.parse`)."""
    return Contenthash("ipfs", str(cid), bytes(varint.encode(IPFS_NS)) + cid.binary)


def ipns_contenthash(name: str) -> Contenthash:
    """`ipns-ns` + the name as a CIDv1 with the libp2p-key codec. Takes the `k51...` form Kubo prints or a
    base58 peer id (`12D3Koo...`); anything that is not a libp2p key is refused, as ENSIP-7 requires
    (a DNSLink domain under ipns-ns is deprecated and resolvers stopped honouring it)."""
    binary = _libp2p_key_cid(name)
    return Contenthash("ipns", name.strip(), bytes(varint.encode(IPNS_NS)) + binary)


def decode_contenthash(value: str | bytes) -> tuple[Namespace, bytes]:
    """(namespace, binary CIDv1) of an ipfs-ns or ipns-ns contenthash (hex with or without 0x, or bytes)."""
    try:
        raw = bytes.fromhex(value.removeprefix("0x")) if isinstance(value, str) else bytes(value)
        code = varint.decode_bytes(raw)
    except (ValueError, TypeError, IndexError) as exc:
        raise DappValueError(f"not a contenthash: {value!r} ({exc})") from None
    namespace = _PREFIXES.get(code)
    if namespace is None:
        raise DappValueError(f"contenthash namespace 0x{code:x} is neither ipfs-ns (0xe3) nor ipns-ns (0xe5)")
    return namespace, raw[len(varint.encode(code)) :]


def _libp2p_key_cid(name: str) -> bytes:
    import cid as pycid  # ~30 ms, only when a name is encoded

    text = name.strip()
    try:
        parsed = pycid.make_cid(text)
    except Exception as exc:  # py-cid raises ValueError, KeyError or its own types
        raise DappValueError(f"not an IPNS name: {name!r} ({exc})") from None
    if parsed.version != 0 and parsed.codec != "libp2p-key":
        raise DappValueError(
            f"{name} is a CID of {parsed.codec}, not an IPNS name: ENSIP-7 takes only libp2p-key names under ipns-ns"
        )
    # A base58 peer id is a bare multihash, which py-cid reads as a CIDv0.
    multihash = bytes(parsed.multihash)
    if not _is_peer_id(multihash):
        raise DappValueError(f"{name} is not a libp2p key: ENSIP-7 takes only cryptographic keys under ipns-ns")
    return bytes([1, LIBP2P_KEY]) + multihash


def _is_peer_id(multihash: bytes) -> bool:
    """A sha2-256 multihash (an RSA key's hash) or an identity multihash of a libp2p PublicKey protobuf
    (field 1 = key type 0..3, field 2 = the key bytes), the only two forms a peer id takes."""
    if multihash[:2] == bytes([0x12, 0x20]):
        return len(multihash) == 34
    if multihash[:1] != b"\x00":
        return False
    try:
        size = varint.decode_bytes(multihash[1:])
        key = multihash[1 + len(varint.encode(size)) :]
        key_length = varint.decode_bytes(key[3:])
    except (IndexError, TypeError):
        return False
    body = key[3 + len(varint.encode(key_length)) :]
    return len(key) == size and key[0] == 0x08 and key[1] <= 3 and key[2] == 0x12 and len(body) == key_length
