"""IPFS benchmarks against the issue's goals; writes bench/results/ipfs.json.

1. CID of a 1,000-file, 50 MB tree: our importer vs Kubo's `ipfs add -r --only-hash --cid-version=1`
   (goal: within 2x). Both best of 3 on a warm page cache; Kubo's time includes its process start, so
   ours is reported both in-process and as the `dapp cid` command.
2. `dapp cid` of the built shop page (goal: <= 0.2 s wall). frontend/ when it exists, else a generated
   static site of typical size (the JSON says which).
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dapp.ipfs.daemon import find_ipfs_binary
from dapp.ipfs.unixfs import import_path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ipfs.json"
DAPP = Path(sys.executable).parent / "dapp"
TREE_FILES = 1000
TREE_BYTES = 50 * 1000 * 1000


def make_tree(root: Path) -> None:
    """1,000 files in 25 folders, 50 MB: mostly small files and a few multi-chunk ones, like a catalog."""
    rng = random.Random(1)
    weights = [rng.lognormvariate(0, 1.5) for _ in range(TREE_FILES)]
    scale = TREE_BYTES / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[-1] += TREE_BYTES - sum(sizes)
    for i, size in enumerate(sizes):
        path = root / f"dir{i % 25:02d}" / f"file{i:04d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(size))


def make_static_site(root: Path) -> None:
    """A built single-page shop: html, one bundle, css, icon, product images (~0.5 MB, 11 files)."""
    rng = random.Random(2)
    files = {
        "index.html": 6_000,
        "assets/app.js": 110_000,
        "assets/style.css": 9_000,
        "favicon.ico": 4_286,
        **{f"img/product-{i}.webp": 45_000 + 5_000 * i for i in range(7)},
    }
    for name, size in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(rng.randbytes(size))


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def main() -> int:
    ipfs = find_ipfs_binary()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ipfs-") as tmp:
        tmpdir = Path(tmp)
        tree = tmpdir / "tree"
        make_tree(tree)
        env = {**os.environ, "IPFS_PATH": str(tmpdir / "repo"), "IPFS_TELEMETRY": "off"}
        run([ipfs, "init", "--profile=test", "--empty-repo"], env)
        kubo_cmd = [ipfs, "add", "-r", "-Q", "--only-hash", "--cid-version=1", str(tree)]
        kubo_cid = run(kubo_cmd, env)  # also warms the page cache
        ours_cid = import_path(tree).cid
        if ours_cid != kubo_cid:
            print(f"CID MISMATCH: ours {ours_cid}, Kubo {kubo_cid}")
            return 1
        kubo_s = best_of(3, lambda: run(kubo_cmd, env))
        ours_s = best_of(3, lambda: import_path(tree))
        ours_cli_s = best_of(3, lambda: run([str(DAPP), "cid", str(tree)]))
        results["tree"] = {
            "files": TREE_FILES,
            "bytes": TREE_BYTES,
            "cid": ours_cid,
            "kubo_only_hash_s": round(kubo_s, 3),
            "ours_in_process_s": round(ours_s, 3),
            "ours_dapp_cid_command_s": round(ours_cli_s, 3),
            "ratio_in_process": round(ours_s / kubo_s, 2),
            "ratio_command": round(ours_cli_s / kubo_s, 2),
        }

        frontend = ROOT / "frontend"
        if frontend.is_dir():
            site, site_kind = frontend, "frontend/ (the repository's shop page)"
        else:
            site, site_kind = tmpdir / "site", "generated static site (frontend/ does not exist yet)"
            make_static_site(site)
        files = [p for p in site.rglob("*") if p.is_file()]
        command = [str(DAPP), "cid", str(site)]
        wall = [best_of(1, lambda: run(command)) for _ in range(5)]
        results["shop_page"] = {
            "site": site_kind,
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
            "cid": import_path(site).cid,
            "dapp_cid_command_median_s": round(statistics.median(wall), 3),
            "in_process_s": round(best_of(5, lambda: import_path(site)), 4),
            "python_startup_and_dapp_import_s": round(
                best_of(3, lambda: run([sys.executable, "-c", "import dapp.cli"])), 3
            ),
        }
    tree_r, site_r = results["tree"], results["shop_page"]
    goals = [
        {
            "goal": "tree CID within 2x of Kubo --only-hash",
            "target": "ratio <= 2.0",
            "measured": f"{tree_r['ratio_in_process']} in process, {tree_r['ratio_command']} as command",
            "met": tree_r["ratio_in_process"] <= 2.0,
        },
        {
            "goal": "dapp cid of the shop page <= 0.2 s",
            "target": "<= 0.2 s wall",
            "measured": f"{site_r['dapp_cid_command_median_s']} s",
            "met": site_r["dapp_cid_command_median_s"] <= 0.2,
        },
    ]
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "kubo": run([ipfs, "--version"])},
        **results,
        "goals": goals,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'measure':<48}{'value':>12}")
    print(f"{'tree 1000 files / 50 MB: Kubo add --only-hash':<48}{tree_r['kubo_only_hash_s']:>11}s")
    print(f"{'tree: ours, in process':<48}{tree_r['ours_in_process_s']:>11}s")
    print(f"{'tree: ours, `dapp cid` command':<48}{tree_r['ours_dapp_cid_command_s']:>11}s")
    print(f"{'shop page: `dapp cid` command (median of 5)':<48}{site_r['dapp_cid_command_median_s']:>11}s")
    print(f"{'shop page: in process':<48}{site_r['in_process_s']:>11}s")
    print(f"{'python start + import dapp.cli':<48}{site_r['python_startup_and_dapp_import_s']:>11}s")
    for goal in goals:
        print(f"[{'met' if goal['met'] else 'NOT MET'}] {goal['goal']}: {goal['measured']}")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
