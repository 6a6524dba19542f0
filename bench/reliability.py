"""`make fuzz`'s last step: sum the tallies its runs wrote into bench/results/reliability.json.

Each run writes its own counts (pytest and the Brownie suite through tests/support/reliability.py's
`--reliability-out`, slither through toolchain/slither_counts.py); this adds them up, keeps each run's
counts under "sources" so a figure can be traced to the run that produced it, and refuses to write a
file that lacks one of the figures issue 11 asks for.

Usage: python bench/reliability.py OUT.json TALLY.json [TALLY.json ...]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

REQUIRED = (
    "fuzz_steps",
    "fuzz_failures",
    "attacks_tried",
    "attacks_held",
    "faults_tried",
    "faults_survived",
    "bad_inputs_tried",
    "bad_inputs_rejected_cleanly",
    "load_sent",
    "load_mined",
    "load_lost",
    "slither_high",
    "slither_medium",
    "slither_low",
)


def merge(tallies: dict[str, dict[str, int]]) -> dict[str, object]:
    totals: Counter[str] = Counter()
    for counts in tallies.values():
        totals.update(counts)
    missing = [key for key in REQUIRED if key not in totals]
    if missing:
        raise SystemExit(f"reliability: no run reported {', '.join(missing)}; was a step of `make fuzz` skipped?")
    figures: dict[str, object] = {key: totals[key] for key in REQUIRED}
    figures["other"] = {key: value for key, value in sorted(totals.items()) if key not in REQUIRED}
    figures["sources"] = tallies
    return figures


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out, *inputs = (Path(arg) for arg in argv)
    tallies = {path.name: json.loads(path.read_text()) for path in inputs}
    figures = merge(tallies)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(", ".join(f"{key} {figures[key]}" for key in REQUIRED))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
