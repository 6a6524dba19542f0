"""The pure-Python importer against the real Kubo daemon, the oracle for every CID."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from dapp.exceptions import DappValueError
from dapp.ipfs.unixfs import CHUNK_SIZE, HAMT_THRESHOLD, MAX_LINKS, bytes_cid, import_path, path_cid
from tests.support.ipfs_nodes import KuboNode

pytestmark = pytest.mark.kubo

EMPTY_FILE = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
EMPTY_DIR = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
CID_LENGTH = 36  # binary CIDv1 + sha2-256: what Kubo's directory-size estimate counts per entry


def kubo_cid(kubo: KuboNode, path: Path) -> str:
    return kubo.api.add_path(path, pin=False)[-1].cid


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "size",
    [0, 10, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 5],
    ids=["empty", "10B", "256KiB-1", "256KiB", "256KiB+1", "3chunks"],
)
def test_file_cid_matches_kubo(kubo: KuboNode, tmp_path: Path, size: int) -> None:
    path = write(tmp_path / "f", random.Random(size).randbytes(size))
    assert path_cid(path) == kubo_cid(kubo, path)


def test_known_vectors() -> None:
    """Fixed CIDs every Kubo reports for `ipfs add --cid-version=1` (also in Kubo's own tests)."""
    assert bytes_cid(b"") == EMPTY_FILE
    with tempfile.TemporaryDirectory() as empty:
        assert path_cid(empty) == EMPTY_DIR


@pytest.mark.parametrize("extra", [0, 1], ids=["174chunks", "174chunks+1"])
def test_tree_depth_boundary(kubo: KuboNode, tmp_path: Path, extra: int) -> None:
    """174 full chunks fill one node; one byte more needs a second level."""
    path = write(tmp_path / "big", os.urandom(MAX_LINKS * CHUNK_SIZE + extra))
    assert path_cid(path) == kubo_cid(kubo, path)


def test_nested_directories_and_unicode_names(kubo: KuboNode, tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "index.html", b"<!doctype html><title>shop</title>")
    write(root / "assets" / "app.js", b"console.log(1)")
    write(root / "assets" / "img" / "logo.png", os.urandom(CHUNK_SIZE + 100))
    write(root / "über" / "日本語.txt", "こんにちは".encode())
    write(root / "caf\u00e9", b"composed")  # NFC and NFD spellings are different names, sorted by bytes
    write(root / "cafe\u0301", b"decomposed")
    write(root / "emoji 🎉 space.txt", b"party")
    (root / "empty-dir" / "deeper").mkdir(parents=True)
    assert path_cid(root) == kubo_cid(kubo, root)


def test_dotfiles_are_skipped_like_the_kubo_cli(kubo: KuboNode, tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "index.html", b"hi")
    expected = path_cid(root)
    write(root / ".env", b"SECRET=1")
    write(root / ".git" / "config", b"[core]")
    assert path_cid(root) == expected == kubo_cid(kubo, root)


def make_directory(root: Path, estimated_size: int) -> None:
    """Empty files whose names make Kubo's size estimate (sum of name + CID bytes) exactly `estimated_size`."""
    root.mkdir()
    per_entry = 100 + CID_LENGTH
    count, rest = divmod(estimated_size, per_entry)
    for i in range(count - 1):
        (root / f"{i:0100d}").touch()
    (root / ("x" * (100 + rest))).touch()


@pytest.mark.parametrize(
    ("estimated_size", "sharded"),
    [(HAMT_THRESHOLD - 1, False), (HAMT_THRESHOLD, True), (3 * HAMT_THRESHOLD, True)],
    ids=["just-under", "at-threshold", "deep-hamt"],
)
def test_hamt_threshold(kubo: KuboNode, tmp_path: Path, estimated_size: int, sharded: bool) -> None:
    root = tmp_path / "dir"
    make_directory(root, estimated_size)
    blocks: list[bytes] = []
    result = import_path(root, sink=lambda cid, block: blocks.append(block))
    plain_directory_data = b"\x0a\x02\x08\x01"  # PBNode.Data = UnixFS{Type: Directory}
    assert blocks[-1].endswith(plain_directory_data) is not sharded
    assert result.cid == kubo_cid(kubo, root)


def test_import_result_counts(tmp_path: Path) -> None:
    write(tmp_path / "a", b"12345")
    write(tmp_path / "sub" / "b", b"678")
    result = import_path(tmp_path)
    assert (result.file_count, result.content_bytes, result.is_directory) == (2, 8, True)
    assert result.dag_size > 8


def test_bad_input_errors(tmp_path: Path) -> None:
    with pytest.raises(DappValueError, match="no such file"):
        path_cid(tmp_path / "missing")
    write(tmp_path / "target", b"x")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(DappValueError, match="symlink"):
        path_cid(tmp_path)


def test_unreadable_file(tmp_path: Path) -> None:
    """Root reads anything, so under root (CI) the importer runs in a child process whose bounding set
    lacks the capabilities that bypass file permissions (setpriv, util-linux)."""
    write(tmp_path / "secret", b"x").chmod(0)
    code = (
        "import sys; from dapp.exceptions import DappValueError; from dapp.ipfs.unixfs import path_cid\n"
        "try: path_cid(sys.argv[1])\nexcept DappValueError as e: print(e); sys.exit(3)"
    )
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    child = subprocess.run(
        [*drop, sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert child.returncode == 3, child.stderr
    assert "secret: cannot read (Permission denied)" in child.stdout


# --- property: random trees --------------------------------------------------------------------

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
    min_size=1,
    max_size=30,
).filter(lambda name: not name.startswith(".") and len(name.encode()) <= 200)
file_spec = st.tuples(st.integers(0, 2**32), st.sampled_from([0, 1, 100, CHUNK_SIZE, CHUNK_SIZE + 1, 700_000]))
tree = st.recursive(
    file_spec,
    lambda children: st.dictionaries(names, children, max_size=6),
    max_leaves=12,
)


def materialize(spec: object, path: Path) -> None:
    if isinstance(spec, dict):
        path.mkdir()
        seen: set[str] = set()
        for name, child in spec.items():
            if name.casefold() not in seen:  # keep names distinct even on case-insensitive filesystems
                seen.add(name.casefold())
                materialize(child, path / name)
    else:
        assert isinstance(spec, tuple)
        seed, size = spec
        path.write_bytes(random.Random(seed).randbytes(size))


@pytest.mark.slow
@settings(deadline=None)  # one example writes up to a few MB and round-trips it through Kubo
@given(spec=st.dictionaries(names, tree, max_size=6))
def test_random_trees_match_kubo(kubo: KuboNode, spec: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        materialize(spec, root)
        assert path_cid(root) == kubo_cid(kubo, root)
