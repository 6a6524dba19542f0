"""The reliability tally counts what a run tried and what held, and writes it for reliability.json."""

from __future__ import annotations

import json

import pytest

from dapp.compile import REPO_ROOT
from tests.support.reliability import Tally


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["one process", "two xdist workers"])
def test_marked_cases_and_measured_figures_are_counted(pytester: pytest.Pytester, xdist: list[str]) -> None:
    """With xdist, each worker counts its share and the controller writes the sum."""
    # xdist's workers start from the sys.path pytest started with: the repository is put on it here
    pytester.makeconftest(
        f'import sys\nsys.path.insert(0, {str(REPO_ROOT)!r})\npytest_plugins = ["tests.support.reliability"]'
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.reliability("attack")
        @pytest.mark.parametrize("n", [1, 2, 3])
        def test_attack(n):
            assert n != 3

        @pytest.mark.reliability("fault")
        def test_fault():
            pass

        @pytest.mark.reliability("bad_input")
        @pytest.mark.skip(reason="not counted")
        def test_skipped():
            pass

        @pytest.mark.reliability("fuzz")
        def test_fuzz(reliability):
            reliability.add("fuzz_steps", 120)
            reliability.add("load_sent", 5)

        def test_unmarked():
            pass
        """
    )
    out = pytester.path / "tally.json"
    result = pytester.runpytest_inprocess(f"--reliability-out={out}", *xdist)
    result.assert_outcomes(passed=5, failed=1, skipped=1)
    assert json.loads(out.read_text()) == {
        "attacks_held": 2,
        "attacks_tried": 3,
        "faults_survived": 1,
        "faults_tried": 1,
        "fuzz_failures": 0,
        "fuzz_runs": 1,
        "fuzz_runs_passed": 1,
        "fuzz_steps": 120,
        "load_sent": 5,
    }
    result.stdout.fnmatch_lines(["*attacks_held 2, attacks_tried 3*"])


def test_an_unknown_figure_is_refused(reliability: Tally) -> None:
    with pytest.raises(ValueError, match="unknown reliability figure 'load_lots'"):
        reliability.add("load_lots", 1)


def test_the_runs_are_summed_and_a_missing_figure_is_refused() -> None:
    from bench.reliability import REQUIRED, merge

    pytest_run = {key: 1 for key in REQUIRED if not key.startswith("slither")} | {"load_failed": 3}
    slither_run = {"slither_high": 0, "slither_medium": 0, "slither_low": 2}
    figures = merge({"pytest.json": pytest_run, "slither.json": slither_run, "brownie.json": {"attacks_tried": 4}})
    assert figures["attacks_tried"] == 5
    assert figures["slither_low"] == 2
    assert figures["other"] == {"load_failed": 3}
    assert figures["sources"]["slither.json"] == slither_run  # type: ignore[index]
    with pytest.raises(SystemExit, match="no run reported slither_high, slither_medium, slither_low"):
        merge({"pytest.json": pytest_run})
