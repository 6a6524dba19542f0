"""Which source a build came from: the checkout's commit, its date, and whether files differ from it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceInfo:
    """`date` is the commit's committer date (ISO 8601), not the build's: the same commit always gives the
    same value, so a page that embeds it still builds to the same CID."""

    commit: str
    date: str
    dirty: bool


# What the page is built from (frontend/build.mjs): its sources and the packaged Catalog artifact. Changes
# elsewhere (benchmark results, screenshots a test run rewrites, notes) do not change the page.
PAGE_SOURCES = ("frontend", "dapp/artifacts")


def source_info(checkout: Path, paths: tuple[str, ...] = PAGE_SOURCES) -> SourceInfo | None:
    """The checkout's HEAD, or None when it is not a git checkout (an sdist, a copied folder) or git is
    missing. `dirty` counts tracked changes and untracked files outside .gitignore under `paths`: either
    can change the page the commit names."""
    git = shutil.which("git")
    if git is None:
        return None

    def run(*args: str) -> str | None:
        result = subprocess.run([git, "-C", str(checkout), *args], capture_output=True, text=True, check=False)
        return result.stdout.strip() if result.returncode == 0 else None

    head = run("show", "-s", "--format=%H %cI", "HEAD")
    if not head:
        return None
    commit, date = head.split(" ", 1)
    status = run("status", "--porcelain", "--untracked-files=normal", "--", *paths)
    return SourceInfo(commit=commit, date=date, dirty=bool(status))
