"""Decode contract reverts into named Python exceptions, the same way on every provider.

web3.py does not decode custom errors by name (web3.py #3523): over HTTP it raises ContractCustomError
holding the raw hex data, and the eth-tester provider raises eth-tester's TransactionFailed whose message
is the repr of the raw bytes. Both end up here, are matched by 4-byte selector against the ABI's `error`
entries, and come out as `ContractRevert` subclasses named after the Solidity error.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from enum import IntEnum
from typing import Any

from eth_abi.abi import decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from dapp._utils.abi import abi_type
from dapp.exceptions import ContractRevert, UnknownRevert, revert_class

_PANIC = keccak(text="Panic(uint256)")[:4]
_ERROR_STRING = keccak(text="Error(string)")[:4]


class ErrorDecoder:
    """Maps revert data to ContractRevert instances using one contract's ABI.

    `enums` maps a Solidity enum's internalType (e.g. "enum ICatalog.OrderState") to the Python IntEnum
    that mirrors it, so errors name states ("state=completed") instead of numbers.
    """

    def __init__(self, abi: Sequence[dict[str, Any]], enums: Mapping[str, type[IntEnum]] | None = None) -> None:
        self._errors: dict[bytes, tuple[str, list[str], list[str], list[str]]] = {}
        self._enums = dict(enums or {})
        for item in abi:
            if item.get("type") != "error":
                continue
            types = [abi_type(p) for p in item["inputs"]]
            selector = keccak(text=f"{item['name']}({','.join(types)})")[:4]
            internal = [p.get("internalType", "") for p in item["inputs"]]
            self._errors[selector] = (item["name"], types, [p["name"] for p in item["inputs"]], internal)

    @property
    def names(self) -> list[str]:
        return sorted(entry[0] for entry in self._errors.values())

    def decode(self, data: bytes, tx_hash: str | None = None) -> ContractRevert:
        selector, body = data[:4], data[4:]
        if selector in self._errors:
            name, types, names, internal = self._errors[selector]
            values = decode(types, body)
            args = {n: self._plain(v, t) for n, v, t in zip(names, values, internal, strict=True)}
            return revert_class(name)(name, args, tx_hash)
        if selector == _ERROR_STRING:
            (message,) = decode(["string"], body)
            return revert_class("Error")("Error", {"message": message}, tx_hash)
        if selector == _PANIC:
            (code,) = decode(["uint256"], body)
            return revert_class("Panic")("Panic", {"code": hex(code)}, tx_hash)
        return UnknownRevert(data, tx_hash)

    def _plain(self, value: Any, internal_type: str) -> Any:
        """ABI values as a user reads them: bytes as 0x-hex, checksummed addresses, enums by name."""
        if isinstance(value, bytes):
            return "0x" + value.hex()
        if internal_type == "address":
            return to_checksum_address(value)
        enum = self._enums.get(internal_type)
        if enum is not None:
            try:
                return enum(value).name.lower()
            except ValueError:
                return value
        return value


def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert data an exception from web3.py or eth-tester carries, if any."""
    data = getattr(exc, "data", None)
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, bytes):
        return data
    if type(exc).__name__ == "TransactionFailed" and exc.args:
        raw = exc.args[0]
        if isinstance(raw, bytes):
            return raw
        if isinstance(raw, str):
            prefix = "execution reverted: "
            text = raw[len(prefix) :] if raw.startswith(prefix) else raw
            if text.startswith(("b'", 'b"')):
                try:
                    value = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    return None
                return value if isinstance(value, bytes) else None
            return b""
    return None


def as_dapp_error(exc: Exception, errors: ErrorDecoder | None, tx_hash: str | None = None) -> Exception:
    """What to raise for an exception from web3.py or eth-tester: a named revert if it carries revert
    data, a DappValueError for arguments web3 refused, ours unchanged, anything else a NetworkError."""
    from web3.exceptions import Web3ValidationError

    from dapp.exceptions import DappError, DappValueError, NetworkError

    data = revert_data(exc)
    if data is not None:
        return errors.decode(data, tx_hash) if errors is not None else UnknownRevert(data, tx_hash)
    if isinstance(exc, Web3ValidationError):
        return DappValueError(str(exc).strip().splitlines()[0])
    if isinstance(exc, DappError):
        return exc
    return NetworkError(f"{type(exc).__name__}: {exc}")
