"""Count slither's findings by impact across its --json reports, write them for reliability.json, and gate.

Usage: slither_counts.py --out build/reliability/slither.json REPORT.json...

The reports are made with --show-ignored-findings, so they hold every finding, suppressed or not; the counts
are of everything slither found. A finding is *accepted* when the line it points to carries a
`// slither-disable-next-line <detector>` under a comment saying why. Exits 1, listing the findings, if
any report is a failed run, holds a high or medium finding (accepted or not: those must be fixed), or
holds a low, informational or optimization finding that is not accepted with a reason. Standard library
only: it runs with the main environment's python, while slither itself lives in .venv-slither.
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


def accepted(finding: dict[str, Any]) -> bool:
    """Whether one of the finding's elements is under a reasoned `slither-disable-next-line` for its detector.

    Slither's own rule, with a reason required: the line above the element's first line disables this
    detector, and the line above that is a comment that is not a directive.
    """
    for element in finding.get("elements", []):
        mapping = element.get("source_mapping") or {}
        lines: list[int] = mapping.get("lines") or []
        if not lines or lines[0] < 3:
            continue
        source = Path(mapping["filename_relative"]).read_text().splitlines()
        directive, reason = source[lines[0] - 2].strip(), source[lines[0] - 3].strip()
        if not directive.startswith("// slither-disable-next-line "):
            continue
        detectors = directive.removeprefix("// slither-disable-next-line ").replace(" ", "").split(",")
        if finding["check"] in detectors and reason.startswith("//") and "slither-disable" not in reason:
            return True
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the counts (JSON)")
    parser.add_argument("reports", type=Path, nargs="+", help="slither --json reports")
    args = parser.parse_args(argv)

    counts: Counter[str] = Counter()
    gated: list[str] = []
    unexplained: list[str] = []
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
            line = f"  [{impact}] {finding['check']}: {finding['description'].strip()}"
            if impact in GATED:
                gated.append(line)
            elif accepted(finding):
                counts["accepted"] += 1
            else:
                unexplained.append(line)

    figures = {f"slither_{impact.lower()}": counts[impact] for impact in IMPACTS}
    figures["slither_accepted"] = counts["accepted"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    summary = ", ".join(f"{counts[impact]} {impact.lower()}" for impact in IMPACTS)
    print(
        f"slither: {summary}; {counts['accepted']} accepted with a reason at their line"
        f" ({len(args.reports)} contracts; written to {args.out})"
    )
    if gated:
        print("slither: high and medium findings must be fixed:", file=sys.stderr)
        print("\n".join(gated), file=sys.stderr)
    if unexplained:
        print(
            "slither: fix these, or accept each at its line with a comment saying why above"
            " `// slither-disable-next-line <detector>`:",
            file=sys.stderr,
        )
        print("\n".join(unexplained), file=sys.stderr)
    return 1 if gated or unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
