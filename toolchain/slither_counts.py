"""Count slither's findings by impact across its --json reports, write them for reliability.json, and gate.

Usage: slither_counts.py --out build/reliability/slither.json REPORT.json...

The counts are what slither reported, so after the inline `slither-disable-next-line` suppressions (each one
under a comment saying why the finding is accepted). Exits 1 if any report is a failed run or holds a high
or medium finding, and lists those findings. Standard library only: it runs with the main environment's
python, while slither itself lives in .venv-slither.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

IMPACTS = ("High", "Medium", "Low", "Informational", "Optimization")
GATED = ("High", "Medium")


def findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The detector results of one report; an empty run has no "results" key or no "detectors"."""
    results = report.get("results") or {}
    detectors: list[dict[str, Any]] = results.get("detectors") or []
    return detectors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the counts (JSON)")
    parser.add_argument("reports", type=Path, nargs="+", help="slither --json reports")
    args = parser.parse_args(argv)

    counts: Counter[str] = Counter()
    gated: list[str] = []
    for path in args.reports:
        report = json.loads(path.read_text())
        if not report.get("success"):
            print(f"slither: {path} is a failed run: {report.get('error')}", file=sys.stderr)
            return 1
        for finding in findings(report):
            impact = finding["impact"]
            if impact not in IMPACTS:
                print(f"slither: {path}: unknown impact {impact!r}", file=sys.stderr)
                return 1
            counts[impact] += 1
            if impact in GATED:
                gated.append(f"  [{impact}] {finding['check']}: {finding['description'].strip()}")

    figures = {f"slither_{impact.lower()}": counts[impact] for impact in IMPACTS}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    summary = ", ".join(f"{counts[impact]} {impact.lower()}" for impact in IMPACTS)
    print(f"slither: {summary} ({len(args.reports)} contracts; written to {args.out})")
    if gated:
        print("slither: high and medium findings must be fixed:", file=sys.stderr)
        print("\n".join(gated), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
