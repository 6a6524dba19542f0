"""`make bench-suite`: the wall time of `make test` and `make check` on a fresh clone, written to
bench/results/suite.json with the machine's load and the number of tests each runner ran.

Each command gets a clone of its own (of this checkout's HEAD, in a temporary folder; caches under
~/.cache such as the Kubo build, pip's and npm's are reused, as on any developer's machine or CI), runs
`make setup` there first (timed apart: it is install, not test), then the command, timed. Every test
runner writes a JUnit report (TEST_REPORTS, see the Makefile), which is what the counts come from. The
1-minute load average is sampled every 5 s during each run: on a shared machine the times mean little
without it. Not part of `make bench`: it runs the whole suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "suite.json"
COMMANDS = {"test": "make_test_s", "check": "make_check_s"}


class LoadSampler:
    """The 1-minute load average every `period` s, in a thread, while a command runs."""

    def __init__(self, period: float = 5.0) -> None:
        self.samples: list[float] = []
        self._period = period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(self._period)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def junit_counts(reports: Path) -> dict[str, dict[str, int]]:
    """Per report (one per runner): test cases, and how many failed, errored or were skipped."""
    counts = {}
    for path in sorted(reports.glob("*.xml")):
        cases = ET.parse(path).getroot().iter("testcase")
        tally = {"tests": 0, "failed": 0, "errors": 0, "skipped": 0}
        for case in cases:
            tally["tests"] += 1
            for tag, key in (("failure", "failed"), ("error", "errors"), ("skipped", "skipped")):
                if case.find(tag) is not None:
                    tally[key] += 1
        counts[path.stem] = tally
    return counts


def timed(cmd: list[str], cwd: Path, log: Path, env: dict[str, str]) -> tuple[float, int, dict[str, Any]]:
    """Run `cmd`, its output to `log`; (wall seconds, exit code, load figures)."""
    before = os.getloadavg()
    started = time.monotonic()
    with LoadSampler() as load, log.open("w") as out:
        code = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env, check=False).returncode
    wall = time.monotonic() - started
    figures = {
        "before": [round(x, 2) for x in before],
        "after": [round(x, 2) for x in os.getloadavg()],
        "mean_1min": round(sum(load.samples) / len(load.samples), 2),
        "max_1min": round(max(load.samples), 2),
    }
    return wall, code, figures


def run(command: str, commit: str, logs: Path) -> dict[str, Any]:
    """`make setup` then `make <command>` in a fresh clone of `commit`."""
    with tempfile.TemporaryDirectory(prefix=f"suite-{command}-") as tmp:
        clone = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--detach", commit], check=True)
        reports = Path(tmp) / "reports"
        reports.mkdir()
        env = {**os.environ, "TEST_REPORTS": str(reports)}
        for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # a make of its own, not a job of `make bench-suite`
            env.pop(name, None)
        print(f"{command}: make setup in {clone}", flush=True)
        setup_s, setup_code, _ = timed(["make", "setup"], clone, logs / f"{command}-setup.log", env)
        if setup_code != 0:
            raise SystemExit(f"make setup failed in the clone: see {logs / f'{command}-setup.log'}")
        print(f"{command}: make {command} (log: {logs / f'{command}.log'})", flush=True)
        wall, code, load = timed(["make", command], clone, logs / f"{command}.log", env)
        print(f"{command}: {wall:.0f} s, exit {code}", flush=True)
        kept = logs / f"{command}-reports"  # each test's time, to rank the files (tests/conftest.py)
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(reports, kept)
        return {
            "wall_s": round(wall, 1),
            "exit": code,
            "setup_s": round(setup_s, 1),
            "load": load,
            "counts": junit_counts(reports),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commands", nargs="*", default=list(COMMANDS), help="test, check or both (default)")
    parser.add_argument("--logs", type=Path, default=REPO / "build" / "suite", help="where the runs' output goes")
    args = parser.parse_args()
    if unknown := set(args.commands) - set(COMMANDS):
        parser.error(f"unknown command(s) {sorted(unknown)}; known: {sorted(COMMANDS)}")
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    if subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                      text=True, check=True).stdout.strip():  # fmt: skip
        print("note: the checkout has uncommitted changes; the clones run HEAD without them", file=sys.stderr)
    args.logs.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    for command in args.commands:
        run_result = run(command, commit.stdout.strip(), args.logs)
        result[COMMANDS[command]] = run_result["wall_s"]
        result[command] = run_result
    result["commit"] = commit.stdout.strip()
    result["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {RESULTS}")
    return 1 if any(result[c]["exit"] != 0 for c in args.commands) else 0


if __name__ == "__main__":
    sys.exit(main())
