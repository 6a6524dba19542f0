"""Argument checks shared by the client and the CLI: each rule exists once, and fails before any RPC."""

from __future__ import annotations

from eth_utils.address import is_address, to_checksum_address

from dapp.exceptions import DappValueError

UINT32_MAX = 2**32 - 1
UINT96_MAX = 2**96 - 1
UINT256_MAX = 2**256 - 1


def check_uint(name: str, value: int, maximum: int = UINT256_MAX, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DappValueError(f"{name} must be an integer, got {type(value).__name__}")
    if not minimum <= value <= maximum:
        bits = (maximum + 1).bit_length() - 1
        top = f"2^{bits}-1" if maximum + 1 == 1 << bits and bits > 32 else str(maximum)
        raise DappValueError(f"{name} must be between {minimum} and {top}, got {value}")
    return value


def check_address(name: str, value: object) -> str:
    """The checksummed form of an Ethereum address, or DappValueError naming the argument."""
    if not isinstance(value, str) or not is_address(value):
        raise DappValueError(f"{name} is not an Ethereum address: {value!r}")
    return str(to_checksum_address(value))
