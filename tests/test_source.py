"""`source_info`: the commit a page release names, and whether the page's own sources differ from it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dapp._utils.source import source_info


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_only_the_pages_sources_make_a_checkout_dirty(tmp_path: Path) -> None:
    """A test run rewrites committed screenshots under bench/results while a release is built: that must not
    change the release's config.json (and so its CID); a change under frontend/ or dapp/artifacts/ must."""
    for name in ("frontend/app.ts", "dapp/artifacts/Catalog.json", "bench/results/shot.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("v1\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one")
    clean = source_info(tmp_path)
    assert clean is not None and not clean.dirty and len(clean.commit) == 40

    (tmp_path / "bench/results/shot.png").write_text("v2\n")
    (tmp_path / "notes.txt").write_text("untracked, outside the page\n")
    assert source_info(tmp_path) == clean

    for name in ("frontend/app.ts", "dapp/artifacts/Catalog.json", "frontend/new.ts"):
        path = tmp_path / name
        before = path.read_text() if path.exists() else None
        path.write_text("v2\n")
        found = source_info(tmp_path)
        assert found is not None and found.dirty, name
        if before is None:
            path.unlink()
        else:
            path.write_text(before)
    assert source_info(tmp_path) == clean


def test_not_a_checkout(tmp_path: Path) -> None:
    assert source_info(tmp_path) is None
