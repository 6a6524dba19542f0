"""ABI helpers web3.py keeps private, and a fast path for decoding large view results."""

from __future__ import annotations

from collections.abc import Sequence
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


@dataclass(frozen=True)
class ViewFunction:
    """Encode a call and decode its result with eth_abi alone, checksumming addresses.

    web3.py's own argument and result formatting walks every value through its normalizers, which
    costs ~0.7 s for 1,000 products; this does the same job in ~60 ms.
    """

    selector: bytes
    inputs: list[str]
    outputs: list[dict[str, Any]]

    @classmethod
    def from_abi(cls, abi: Sequence[dict[str, Any]], name: str) -> ViewFunction:
        item = next(i for i in abi if i.get("type") == "function" and i["name"] == name)
        inputs = [abi_type(p) for p in item["inputs"]]
        return cls(keccak(text=f"{name}({','.join(inputs)})")[:4], inputs, item["outputs"])

    def encode(self, args: Sequence[Any]) -> HexStr:
        return HexStr("0x" + (self.selector + encode(self.inputs, list(args))).hex())

    def decode(self, data: bytes) -> Any:
        """The single return value, or a tuple of them."""
        values = decode([abi_type(p) for p in self.outputs], data)
        result = tuple(_checksum(p, v) for p, v in zip(self.outputs, values, strict=True))
        return result[0] if len(result) == 1 else result


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
