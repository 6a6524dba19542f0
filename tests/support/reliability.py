"""The reliability tally: what the hardening tests tried and how much of it held, for
bench/results/reliability.json (`make fuzz`) and a one-line summary at the end of every run.

Two ways in:
- the marker `@pytest.mark.reliability("attack" | "fault" | "bad_input" | "fuzz")` on a test (or on
  each case of a parametrized test): every case that runs counts as tried; one that passes counts as
  held, survived, rejected cleanly (or, for "fuzz", as no failure);
- the session fixture `reliability`, for figures a test measures itself: `reliability.add("load_sent",
  2000)`, `reliability.add("fuzz_steps", n)`.

`--reliability-out FILE` writes the counts as JSON. Only pytest itself is imported here, so the same
plugin runs under the Brownie environment's pytest. Under pytest-xdist (`-n`), each worker counts its own
tests and hands its counts to the controller when it finishes; the controller sums them, prints the
summary and writes the file.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

# marker kind -> (key for what was tried, key for what held)
KINDS = {
    "attack": ("attacks_tried", "attacks_held"),
    "fault": ("faults_tried", "faults_survived"),
    "bad_input": ("bad_inputs_tried", "bad_inputs_rejected_cleanly"),
    "fuzz": ("fuzz_runs", "fuzz_runs_passed"),
}
# Figures tests report through the fixture; anything else is a typo and refused.
MEASURED = {"fuzz_steps", "load_sent", "load_mined", "load_failed", "load_lost"}


class Tally:
    """Counts, safe to add to from a test's worker threads."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, key: str, amount: int = 1) -> None:
        if key not in MEASURED:
            raise ValueError(f"unknown reliability figure {key!r}; known: {sorted(MEASURED)}")
        with self._lock:
            self._counts[key] += amount

    def count(self, key: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[key] += amount

    def merge(self, counts: dict[str, int]) -> None:
        """Add another tally's counts (a pytest-xdist worker's) to this one."""
        with self._lock:
            self._counts.update({k: v for k, v in counts.items() if k != "fuzz_failures"})

    def as_dict(self) -> dict[str, int]:
        with self._lock:
            counts = dict(self._counts)
        # fuzz_failures is what the issue asks for: runs of the property tests that found a failure.
        counts["fuzz_failures"] = counts.get("fuzz_runs", 0) - counts.get("fuzz_runs_passed", 0)
        return dict(sorted(counts.items()))


_TALLY_KEY = pytest.StashKey[Tally]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reliability-out",
        metavar="FILE",
        default=None,
        help="write the reliability tally (attacks, faults, bad inputs, fuzz steps, load) as JSON",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reliability(kind): counts toward bench/results/reliability.json (attack, fault, bad_input, fuzz)"
    )
    config.stash[_TALLY_KEY] = Tally()


@pytest.fixture(scope="session")
def reliability(pytestconfig: pytest.Config) -> Tally:
    """The session's tally, for figures a test measures (load counts, fuzz steps)."""
    return pytestconfig.stash[_TALLY_KEY]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    marker = item.get_closest_marker("reliability")
    if marker is None or report.skipped:
        return
    kind = marker.args[0]
    if kind not in KINDS:
        raise pytest.UsageError(f"{item.nodeid}: unknown reliability kind {kind!r}; known: {sorted(KINDS)}")
    tried, held = KINDS[kind]
    tally = item.config.stash[_TALLY_KEY]
    # A case is tried once its setup ran; it held if setup, call and teardown all passed.
    if report.when == "setup" and report.failed:
        tally.count(tried)
    elif report.when == "call":
        tally.count(tried)
        if report.passed:
            tally.count(held)
    elif report.when == "teardown" and report.failed:
        tally.count(held, -1)


@pytest.hookimpl(trylast=True)  # after the session's fixtures are torn down: they may still count
def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a pytest-xdist worker: hand the counts to the controller (pytest_testnodedown)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["reliability"] = session.config.stash[_TALLY_KEY].as_dict()


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook; the Brownie environment has no xdist
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """On the pytest-xdist controller: add a finished worker's counts (none if it crashed: its tests then
    show as failed)."""
    counts = getattr(node, "workeroutput", {}).get("reliability", {})
    node.config.stash[_TALLY_KEY].merge(counts)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller reports the sum
        return
    counts = config.stash[_TALLY_KEY].as_dict()
    if counts.get("fuzz_runs", 0) == 0:
        counts.pop("fuzz_failures")
    if not counts:
        return
    terminalreporter.write_sep("-", "reliability")
    terminalreporter.write_line(", ".join(f"{key} {value}" for key, value in counts.items()))
    out = config.getoption("--reliability-out")
    if out:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(counts, indent=2) + "\n")
        terminalreporter.write_line(f"reliability tally written to {path}")
