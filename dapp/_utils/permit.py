"""EIP-2612 permits: the EIP-712 digest a token's `permit` checks, and a signature over it."""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi.abi import encode
from eth_account import Account
from eth_utils.crypto import keccak

_DOMAIN_TYPE = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
_PERMIT_TYPE = keccak(text="Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")


@dataclass(frozen=True)
class PermitSignature:
    v: int
    r: bytes
    s: bytes


def domain_separator(name: str, version: str, chain_id: int, token: str) -> bytes:
    """The EIP-712 domain of a token whose domain has name, version, chainId and verifyingContract."""
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [_DOMAIN_TYPE, keccak(text=name), keccak(text=version), chain_id, token],
        )
    )


def permit_digest(separator: bytes, owner: str, spender: str, value: int, nonce: int, deadline: int) -> bytes:
    struct_hash = keccak(
        encode(
            ["bytes32", "address", "address", "uint256", "uint256", "uint256"],
            [_PERMIT_TYPE, owner, spender, value, nonce, deadline],
        )
    )
    return keccak(b"\x19\x01" + separator + struct_hash)


def sign_permit(
    private_key: bytes | str, separator: bytes, spender: str, value: int, nonce: int, deadline: int
) -> PermitSignature:
    """`owner` (the key's account) allows `spender` to spend `value` until `deadline`."""
    account = Account.from_key(private_key)
    digest = permit_digest(separator, account.address, spender, value, nonce, deadline)
    signed = account.unsafe_sign_hash(digest)
    return PermitSignature(signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))
