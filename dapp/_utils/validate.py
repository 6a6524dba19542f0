"""Argument checks shared by the client and the CLI: each rule exists once, and fails before any RPC."""

from __future__ import annotations

import urllib.parse

from eth_utils.address import is_address, is_checksum_address, to_checksum_address

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
    """The checksummed form of an Ethereum address, or DappValueError naming the argument.

    An address in mixed case carries an EIP-55 checksum, and one that fails it is refused: eth_utils'
    is_address accepts it (and to_checksum_address would silently "correct" it), but a failed checksum
    means a typo, and money sent to a typo is gone. All-lower or all-upper case has no checksum to check."""
    if not isinstance(value, str) or not is_address(value):
        raise DappValueError(f"{name} is not an Ethereum address: {value!r}")
    hexpart = value[2:] if value[:2].lower() == "0x" else value
    if hexpart != hexpart.lower() and hexpart != hexpart.upper() and not is_checksum_address(value):
        raise DappValueError(
            f"{name} {value} fails its EIP-55 checksum (the mix of upper and lower case): a typo? "
            "Copy the address again"
        )
    return str(to_checksum_address(value))


def check_http_url(name: str, value: object) -> str:
    """An http(s) URL with a host, without a trailing slash, or DappValueError naming the argument."""
    parsed = urllib.parse.urlsplit(value) if isinstance(value, str) else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise DappValueError(f"{name} must be an http(s):// URL, got {value!r}")
    try:
        parsed.port  # noqa: B018 - raises on a port that is no number or out of range
    except ValueError:
        raise DappValueError(f"{name} has a bad port: {value!r}") from None
    return str(value).rstrip("/")
