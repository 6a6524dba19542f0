"""ABI helpers web3.py keeps private, and a fast path for decoding large view results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode, encode
from eth_typing import HexStr
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak


def abi_type(param: dict[str, Any]) -> str:
    """The canonical type string of an ABI parameter, tuples spelled out: `(uint256,address)[]`."""
    if param["type"].startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return str(param["type"])


class AbiEncodingError(ValueError):
    """Arguments that do not fit the function's ABI types."""


@dataclass(frozen=True)
class AbiFunction:
    """Encode a call and decode its result with eth_abi alone, checksumming addresses.

    web3.py's own argument and result formatting walks every value through its normalizers, which
    costs ~0.7 s for 1,000 products; this does the same job in ~60 ms. Writes use it too: a generic
    (name, args) is all the transaction pipeline needs to know about a contract.
    """

    name: str
    selector: bytes
    inputs: list[str]
    outputs: list[dict[str, Any]]

    @classmethod
    def from_abi(cls, abi: Sequence[dict[str, Any]], name: str) -> AbiFunction:
        found = [i for i in abi if i.get("type") == "function" and i["name"] == name]
        if len(found) != 1:
            raise AbiEncodingError(f"the ABI has {len(found)} functions named {name!r}; expected one")
        item = found[0]
        inputs = [abi_type(p) for p in item["inputs"]]
        return cls(name, keccak(text=f"{name}({','.join(inputs)})")[:4], inputs, item["outputs"])

    def encode(self, args: Sequence[Any]) -> bytes:
        return self.selector + encode_arguments(self.inputs, args, self.name)

    def encode_hex(self, args: Sequence[Any]) -> HexStr:
        return HexStr("0x" + self.encode(args).hex())

    def decode(self, data: bytes) -> Any:
        """The single return value, or a tuple of them."""
        values = decode([abi_type(p) for p in self.outputs], data)
        result = tuple(_checksum(p, v) for p, v in zip(self.outputs, values, strict=True))
        return result[0] if len(result) == 1 else result


def encode_arguments(types: Sequence[str], args: Sequence[Any], what: str) -> bytes:
    if len(args) != len(types):
        raise AbiEncodingError(f"{what} takes {len(types)} arguments ({', '.join(types)}), got {len(args)}")
    try:
        return encode(list(types), list(args))
    except Exception as exc:  # eth_abi raises EncodingError, ValueError or OverflowError by type
        raise AbiEncodingError(f"invalid arguments for {what}{tuple(args)}: {exc}") from None


def constructor_types(abi: Sequence[dict[str, Any]]) -> list[str]:
    item = next((i for i in abi if i.get("type") == "constructor"), None)
    return [abi_type(p) for p in item["inputs"]] if item else []


@dataclass(frozen=True)
class AbiEvent:
    """Decode one event's logs with eth_abi alone (web3's process_receipt costs ~1 ms a receipt)."""

    name: str
    topic: bytes
    indexed: list[tuple[str, str]]  # (name, type) of the indexed inputs, in topic order
    data: list[tuple[str, str]]  # (name, type) of the others, in data order

    @classmethod
    def from_abi(cls, abi: Sequence[dict[str, Any]], name: str) -> AbiEvent:
        item = next(i for i in abi if i.get("type") == "event" and i["name"] == name)
        types = ",".join(abi_type(p) for p in item["inputs"])
        indexed = [(p["name"], abi_type(p)) for p in item["inputs"] if p.get("indexed")]
        data = [(p["name"], abi_type(p)) for p in item["inputs"] if not p.get("indexed")]
        return cls(name, keccak(text=f"{name}({types})"), indexed, data)

    @property
    def topic_hex(self) -> str:
        return "0x" + self.topic.hex()

    def matches(self, log: Mapping[str, Any]) -> bool:
        topics = log.get("topics") or []
        return bool(topics) and _as_bytes(topics[0]) == self.topic

    def decode(self, log: Mapping[str, Any]) -> dict[str, Any]:
        """The event's arguments by name (addresses checksummed, bytes as bytes)."""
        values: dict[str, Any] = {}
        for (name, kind), topic in zip(self.indexed, log["topics"][1:], strict=True):
            if kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("("):
                values[name] = _as_bytes(topic)  # a dynamic value is indexed as its hash only
            else:
                values[name] = _plain(kind, decode([kind], _as_bytes(topic))[0])
        decoded = decode([kind for _, kind in self.data], _as_bytes(log["data"]))
        for (name, kind), value in zip(self.data, decoded, strict=True):
            values[name] = _plain(kind, value)
        return values

    def decode_all(self, logs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self.decode(log) for log in logs if self.matches(log)]


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value[2:] if value.startswith("0x") else value)
    return bytes(value)


def _plain(kind: str, value: Any) -> Any:
    return to_checksum_address(value) if kind == "address" else value


def _checksum(param: dict[str, Any], value: Any) -> Any:
    kind = param["type"]
    if kind == "address":
        return to_checksum_address(value)
    if kind == "tuple":
        return tuple(_checksum(c, v) for c, v in zip(param["components"], value, strict=True))
    if kind.endswith("[]"):
        element = {**param, "type": kind[:-2]}
        return [_checksum(element, v) for v in value]
    return value
