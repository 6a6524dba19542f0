"""A pure-Python UnixFS importer whose CIDs equal `ipfs add --cid-version=1` (Kubo 0.39 defaults).

Layout, as Kubo builds it (boxo/ipld/unixfs):
- files are cut into 256 KiB chunks stored as raw blocks (CIDv1 implies raw leaves); a one-chunk file is
  that raw block; longer files get a balanced tree of dag-pb nodes with at most 174 links each, every
  node carrying UnixFS `File` data with the total size and one blocksize per child;
- directories are dag-pb nodes with UnixFS `Directory` data and links sorted by name bytes;
- a directory whose estimated size (sum of len(name) + len(binary CID) over its entries) reaches 256 KiB
  becomes a HAMT: 256-way shards keyed by murmur3-x64-64 of the name, one hash byte per level.

Walking rule, the same for this importer, `dapp publish` and the Kubo adapter: names starting with "."
are skipped (as the `ipfs add` CLI does without `--hidden`), and a symlink or any other non-regular file
is an error rather than silently dropped or followed, so what is published is exactly what was checked.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import BinaryIO

import mmh3
import varint

from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec, block_cid

CHUNK_SIZE = 256 * 1024
MAX_LINKS = 174
HAMT_THRESHOLD = 256 * 1024
HAMT_FANOUT = 256
MURMUR3_X64_64 = 0x22

BlockSink = Callable[[bytes, bytes], None]
"""Receives (binary CID, block bytes) for every block, children before parents."""


class DataType(IntEnum):
    """UnixFS `Data.Type` values (unixfs.proto)."""

    RAW = 0
    DIRECTORY = 1
    FILE = 2
    METADATA = 3
    SYMLINK = 4
    HAMT_SHARD = 5


@dataclass(frozen=True)
class DagNode:
    """A finished node: its binary CID, its DAG size (block + all descendants: dag-pb's Tsize) and the
    file bytes below it (UnixFS filesize; 0 for directories)."""

    cid: bytes
    tsize: int
    filesize: int


@dataclass(frozen=True)
class ImportResult:
    """What importing a path produced."""

    root: Cid
    is_directory: bool
    file_count: int
    content_bytes: int
    dag_size: int

    @property
    def cid(self) -> str:
        return str(self.root)

    def to_json(self) -> dict[str, object]:
        return {
            "cid": self.cid,
            "is_directory": self.is_directory,
            "file_count": self.file_count,
            "content_bytes": self.content_bytes,
            "dag_size": self.dag_size,
        }


# --- protobuf wire format -------------------------------------------------------------------------
# Hand-encoded on purpose: dag-pb's canonical form puts Links (field 2) before Data (field 1), which no
# protobuf runtime's serializer emits, and the two messages have eight scalar fields between them.


def _key(field: int, wire_type: int) -> bytes:
    return bytes([field << 3 | wire_type])


def _bytes_field(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + bytes(varint.encode(len(payload))) + payload


def _uint_field(field: int, value: int) -> bytes:
    return _key(field, 0) + bytes(varint.encode(value))


def encode_dag_pb(links: Iterable[tuple[bytes, bytes, int]], data: bytes | None) -> bytes:
    """PBNode bytes: every link as (Hash, Name, Tsize), Name and Tsize always present as boxo writes them."""
    out = bytearray()
    for cid, name, tsize in links:
        out += _bytes_field(2, _bytes_field(1, cid) + _bytes_field(2, name) + _uint_field(3, tsize))
    if data is not None:
        out += _bytes_field(1, data)
    return bytes(out)


def encode_unixfs(
    kind: DataType,
    *,
    data: bytes | None = None,
    filesize: int | None = None,
    blocksizes: Sequence[int] = (),
    hash_type: int | None = None,
    fanout: int | None = None,
) -> bytes:
    """UnixFS `Data` message bytes, fields in number order as gogo-protobuf marshals proto2."""
    out = bytearray(_uint_field(1, kind))
    if data is not None:
        out += _bytes_field(2, data)
    if filesize is not None:
        out += _uint_field(3, filesize)
    for size in blocksizes:  # proto2 repeated scalars are not packed
        out += _uint_field(4, size)
    if hash_type is not None:
        out += _uint_field(5, hash_type)
    if fanout is not None:
        out += _uint_field(6, fanout)
    return bytes(out)


# --- files ----------------------------------------------------------------------------------------


def _discard(cid: bytes, block: bytes) -> None:
    """A sink for when only the CID is wanted."""


def _dag_pb_node(links: Sequence[tuple[bytes, bytes, int]], data: bytes, sink: BlockSink) -> tuple[bytes, int]:
    block = encode_dag_pb(links, data)
    cid = block_cid(Codec.DAG_PB, block)
    sink(cid, block)
    return cid, len(block) + sum(tsize for _, _, tsize in links)


def _file_node(children: Sequence[DagNode], sink: BlockSink) -> DagNode:
    sizes = [child.filesize for child in children]
    data = encode_unixfs(DataType.FILE, filesize=sum(sizes), blocksizes=sizes)
    cid, tsize = _dag_pb_node([(child.cid, b"", child.tsize) for child in children], data, sink)
    return DagNode(cid, tsize, sum(sizes))


def import_stream(stream: BinaryIO, sink: BlockSink = _discard) -> DagNode:
    """Chunk a byte stream into raw leaves and build Kubo's balanced tree over them."""
    level: list[DagNode] = []
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    while True:
        filled = 0
        while filled < CHUNK_SIZE:  # a short read is not EOF on pipes; Kubo's splitter reads full chunks
            got = stream.readinto(view[filled:])  # type: ignore[attr-defined]
            if not got:
                break
            filled += got
        if filled == 0 and level:
            break
        chunk = bytes(view[:filled])
        cid = block_cid(Codec.RAW, chunk)
        sink(cid, chunk)
        level.append(DagNode(cid, filled, filled))
        if filled < CHUNK_SIZE:
            break
    # Grouping leaves 174 at a time, bottom-up, gives exactly the tree boxo's top-down balanced builder
    # fills: every subtree but the last is full. A single leaf is the file itself.
    while len(level) > 1:
        level = [_file_node(level[i : i + MAX_LINKS], sink) for i in range(0, len(level), MAX_LINKS)]
    return level[0]


def import_bytes(data: bytes, sink: BlockSink = _discard) -> DagNode:
    """The DAG of an in-memory file."""
    return import_stream(io.BytesIO(data), sink)


def data_cid(data: bytes) -> Cid:
    """CID of an in-memory file, as `ipfs add --cid-version=1` would make it."""
    return Cid.from_binary(import_bytes(data).cid)


def bytes_cid(data: bytes) -> str:
    """The string `ipfs add --cid-version=1` would print for an in-memory file."""
    return data_cid(data).text


# --- directories ----------------------------------------------------------------------------------


def _hamt_index(name: bytes, depth: int) -> int:
    # boxo hashes names with murmur3 x64 128 and keeps h1 big-endian; 256-wide shards use byte `depth`.
    h1 = mmh3.hash64(name, signed=False)[0]
    return h1.to_bytes(8, "big")[depth]


def _hamt_shard(entries: Sequence[tuple[bytes, DagNode]], depth: int, sink: BlockSink) -> DagNode:
    if depth >= 8:
        raise DappValueError("directory names collide on all 64 hash bits; Kubo cannot shard them either")
    buckets: dict[int, list[tuple[bytes, DagNode]]] = {}
    for name, node in entries:
        buckets.setdefault(_hamt_index(name, depth), []).append((name, node))
    links: list[tuple[bytes, bytes, int]] = []
    bitfield = 0
    for index in sorted(buckets):
        bitfield |= 1 << index
        prefix = b"%02X" % index
        bucket = buckets[index]
        if len(bucket) == 1:
            name, node = bucket[0]
            links.append((node.cid, prefix + name, node.tsize))
        else:
            child = _hamt_shard(bucket, depth + 1, sink)
            links.append((child.cid, prefix, child.tsize))
    # go-bitfield serializes bit i into byte (31 - i // 8) and trims leading zero bytes.
    data = encode_unixfs(
        DataType.HAMT_SHARD,
        data=bitfield.to_bytes(HAMT_FANOUT // 8, "big").lstrip(b"\0"),
        hash_type=MURMUR3_X64_64,
        fanout=HAMT_FANOUT,
    )
    cid, tsize = _dag_pb_node(links, data, sink)
    return DagNode(cid, tsize, 0)


def directory_node(entries: Sequence[tuple[bytes, DagNode]], sink: BlockSink = _discard) -> DagNode:
    """A UnixFS directory over named children: a single node, or a HAMT past Kubo's threshold."""
    estimated = sum(len(name) + len(node.cid) for name, node in entries)
    if estimated >= HAMT_THRESHOLD:
        return _hamt_shard(entries, 0, sink)
    links = [(node.cid, name, node.tsize) for name, node in sorted(entries, key=lambda entry: entry[0])]
    cid, tsize = _dag_pb_node(links, encode_unixfs(DataType.DIRECTORY), sink)
    return DagNode(cid, tsize, 0)


# --- walking the filesystem -----------------------------------------------------------------------


def is_hidden(name: str) -> bool:
    """Dotfiles and dot-directories are not published (the `ipfs add` CLI default)."""
    return name.startswith(".")


def encode_name(path: Path) -> bytes:
    """A file name as UnixFS stores it: UTF-8, which is all Kubo's HTTP API can receive."""
    try:
        return path.name.encode("utf-8")
    except UnicodeEncodeError:
        raise DappValueError(f"{path}: file name is not valid UTF-8 and cannot be stored in IPFS") from None


def check_entry(path: Path) -> os.stat_result:
    """lstat a path and reject what the walking rule forbids, with a message naming the path."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        raise DappValueError(f"{path}: no such file or directory") from None
    except OSError as exc:
        raise DappValueError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise DappValueError(f"{path}: is a symlink; copy the target in instead (symlinks are not published)")
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        raise DappValueError(f"{path}: not a regular file or directory")
    return st


def list_directory(path: Path) -> list[Path]:
    """The entries of a directory that get published, in name order."""
    try:
        names = os.listdir(path)
    except OSError as exc:
        raise DappValueError(f"{path}: cannot list directory ({exc.strerror})") from None
    return [path / name for name in sorted(names) if not is_hidden(name)]


def iter_files(root: Path) -> Iterable[Path]:
    """Every regular file that would be published under root (depth first, name order)."""
    if stat.S_ISREG(check_entry(root).st_mode):
        yield root
        return
    for child in list_directory(root):
        yield from iter_files(child)


class _Importer:
    def __init__(self, sink: BlockSink, on_file: Callable[[Path, int], None] | None) -> None:
        self.sink = sink
        self.on_file = on_file
        self.file_count = 0
        self.content_bytes = 0

    def file(self, path: Path) -> DagNode:
        try:
            with path.open("rb") as stream:
                node = import_stream(stream, self.sink)
        except OSError as exc:
            raise DappValueError(f"{path}: cannot read ({exc.strerror})") from None
        self.file_count += 1
        self.content_bytes += node.filesize
        if self.on_file is not None:
            self.on_file(path, node.filesize)
        return node

    def path(self, path: Path) -> DagNode:
        if stat.S_ISREG(check_entry(path).st_mode):
            return self.file(path)
        entries = [(encode_name(child), self.path(child)) for child in list_directory(path)]
        return directory_node(entries, self.sink)


def import_path(
    path: str | os.PathLike[str],
    sink: BlockSink = _discard,
    on_file: Callable[[Path, int], None] | None = None,
) -> ImportResult:
    """Import a file or directory tree; every block goes to `sink`. The CID equals Kubo's."""
    root = Path(path)
    importer = _Importer(sink, on_file)
    node = importer.path(root)
    return ImportResult(
        root=Cid.from_binary(node.cid),
        is_directory=root.is_dir(),
        file_count=importer.file_count,
        content_bytes=importer.content_bytes,
        dag_size=node.tsize,
    )


def path_cid(path: str | os.PathLike[str]) -> str:
    """CID of a file or directory, as `ipfs add -r --cid-version=1` reports it; no daemon needed."""
    return import_path(path).cid
