"""ENSIP-7 contenthash encoding against the vectors of @ensdomains/content-hash's own test suite."""

from __future__ import annotations

import pytest

from dapp.ens import decode_contenthash, ipfs_contenthash, ipns_contenthash
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid

IPFS_V0 = "QmRAQB6YaCyidP37UdDnjFY5vQuiBrcqdyoW1CuDgwxkD4"
IPFS_V1 = "bafybeibj6lixxzqtsb45ysdjnupvqkufgdvzqbnvmhw2kf7cfkesy7r7d4"
IPFS_HASH = "0xe3010170122029f2d17be6139079dc48696d1f582a8530eb9805b561eda517e22a892c7e3f1f"
IPNS_K51 = "k51qzi5uqu5dihst24f3rp2ej4co9berxohfkxaenbq1wjty7nrd5e9xp4afx1"
IPNS_PEER_ID = "12D3KooWG4NvqQVczTrWY1H2tvsJmbQf5bbA3xGYXC4FM3wWCfE4"
IPNS_HASH = "0xe50101720024080112205cbd1cc86ac20d6640795809c2a185bb2504538a2de8076da5a6971b8acb4715"
RSA_PEER_HASH = "0xe5010172122029f2d17be6139079dc48696d1f582a8530eb9805b561eda517e22a892c7e3f1f"


@pytest.mark.parametrize("cid", [IPFS_V0, IPFS_V1])
def test_ipfs_contenthash(cid: str) -> None:
    encoded = ipfs_contenthash(Cid.parse(cid))
    assert encoded.hex == IPFS_HASH
    assert decode_contenthash(encoded.hex) == ("ipfs", Cid.parse(IPFS_V1).binary)


@pytest.mark.parametrize("name", [IPNS_K51, IPNS_PEER_ID])
def test_ipns_contenthash_of_an_ed25519_name(name: str) -> None:
    encoded = ipns_contenthash(name)
    assert encoded.hex == IPNS_HASH
    namespace, binary = decode_contenthash(IPNS_HASH)
    assert namespace == "ipns" and binary == encoded.raw[2:]


def test_ipns_contenthash_of_a_legacy_rsa_peer_id() -> None:
    assert ipns_contenthash(IPFS_V0).hex == RSA_PEER_HASH


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("12uA8M8Ku8mHUumxHcu7uee", "not a libp2p key"),  # identity multihash of "app.uniswap.org" (DNSLink)
        (IPFS_V1, "CID of dag-pb, not an IPNS name"),
        ("shop.example", "not an IPNS name"),
    ],
)
def test_what_is_not_an_ipns_name_is_refused(name: str, problem: str) -> None:
    with pytest.raises(DappValueError, match=problem):
        ipns_contenthash(name)


@pytest.mark.parametrize("value", ["0xe40101fa011b20d1de", "0xzz", ""])
def test_other_namespaces_and_garbage_are_refused(value: str) -> None:
    with pytest.raises(DappValueError, match="contenthash"):
        decode_contenthash(value)
