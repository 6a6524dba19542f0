"""toolchain/slither_counts.py: the slither gate of `make test` (no high or medium finding, every other
one accepted at its line with a reason) and the counts it writes for reliability.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "toolchain" / "slither_counts.py"
SOURCE = """\
contract Shop {
    function a() external {
        // Accepted: deadlines of days.
        // slither-disable-next-line timestamp
        if (block.timestamp > 1) revert();
        // slither-disable-next-line timestamp
        if (block.timestamp > 2) revert();
        if (block.timestamp > 3) revert();
    }
}
"""


def finding(check: str, impact: str, line: int) -> dict[str, object]:
    mapping = {"filename_relative": "Shop.sol", "lines": [line]}
    return {
        "check": check,
        "impact": impact,
        "description": f"{check} at {line}",
        "elements": [{"source_mapping": mapping}],
    }


def run(tmp_path: Path, *findings: dict[str, object]) -> tuple[subprocess.CompletedProcess[str], dict[str, int]]:
    (tmp_path / "Shop.sol").write_text(SOURCE)
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"success": True, "error": None, "results": {"detectors": list(findings)}}))
    out = tmp_path / "counts.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), str(report)], cwd=tmp_path, capture_output=True, text=True
    )
    return result, json.loads(out.read_text())


def test_a_finding_accepted_with_a_reason_passes_and_is_counted(tmp_path: Path) -> None:
    result, counts = run(tmp_path, finding("timestamp", "Low", 5))
    assert result.returncode == 0, result.stderr
    assert counts == {
        "slither_high": 0,
        "slither_medium": 0,
        "slither_low": 1,
        "slither_informational": 0,
        "slither_optimization": 0,
        "slither_accepted": 1,
    }


@pytest.mark.parametrize(
    ("found", "complaint"),
    [
        (finding("timestamp", "Low", 7), "accept each at its line"),  # disabled, but no reason above
        (finding("timestamp", "Low", 8), "accept each at its line"),  # not disabled at all
        (finding("reentrancy-eth", "Low", 5), "accept each at its line"),  # disabled for another detector
        (finding("timestamp", "Medium", 5), "high and medium findings must be fixed"),  # never accepted
        (finding("arbitrary-send-eth", "High", 8), "high and medium findings must be fixed"),
    ],
)
def test_unexplained_and_gated_findings_fail(tmp_path: Path, found: dict[str, object], complaint: str) -> None:
    result, _ = run(tmp_path, finding("timestamp", "Low", 5), found)
    assert result.returncode == 1
    assert complaint in result.stderr
    assert str(found["description"]) in result.stderr
