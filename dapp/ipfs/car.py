"""CAR v1 files of the blocks our importer produces: `ipfs dag import` loads them with the same root.

Layout: varint(len(header)) header, then per block varint(len(cid) + len(block)) cid block. The header
is the DAG-CBOR map {"roots": [root], "version": 1} (canonical key order, CID as tag 42).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import cbor2
import varint

from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.unixfs import ImportResult, import_path

CBOR_CID_TAG = 42
# A CIDv1 with sha2-256 is 36 bytes whatever its codec, so a header written before the root is known
# has the same length as the final one and can be overwritten in place.
_PLACEHOLDER_ROOT = Cid(bytes(32), Codec.DAG_PB).binary


def car_header(root: bytes) -> bytes:
    """The length-prefixed CAR v1 header for one root (binary CID)."""
    # DAG-CBOR links are tag 42 over the binary CID prefixed with the 0x00 multibase "identity" byte.
    header = cbor2.dumps({"roots": [cbor2.CBORTag(CBOR_CID_TAG, b"\0" + root)], "version": 1}, canonical=True)
    return bytes(varint.encode(len(header))) + header


class CarWriter:
    """Streams blocks into a seekable file; the root is written into the header by `finish`."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._start = stream.tell()
        self._seen: set[bytes] = set()
        self.block_count = 0
        stream.write(car_header(_PLACEHOLDER_ROOT))

    def put(self, cid: bytes, block: bytes) -> None:
        if cid in self._seen:  # identical files and chunks are one block
            return
        self._seen.add(cid)
        self._stream.write(bytes(varint.encode(len(cid) + len(block))))
        self._stream.write(cid)
        self._stream.write(block)
        self.block_count += 1

    def finish(self, root: bytes) -> None:
        end = self._stream.tell()
        self._stream.seek(self._start)
        self._stream.write(car_header(root))
        self._stream.seek(end)


def write_car(path: str | os.PathLike[str], out: str | os.PathLike[str]) -> ImportResult:
    """Import a file or directory and write all its blocks to a CAR file; returns the import result."""
    out_path = Path(out)
    if out_path.resolve().is_relative_to(Path(path).resolve()):
        raise DappValueError(f"{out_path}: the CAR file cannot be written inside the tree being imported")
    partial = out_path.with_name(out_path.name + ".partial")
    try:
        with partial.open("wb") as stream:
            writer = CarWriter(stream)
            result = import_path(path, sink=writer.put)
            writer.finish(result.root.binary)
        partial.replace(out_path)
    except OSError as exc:
        raise DappValueError(f"{out_path}: cannot write CAR file ({exc.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)
    return result
