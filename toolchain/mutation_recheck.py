"""Re-run the mutants that survived a campaign and are noted as killed by a test added after it, against
the tests as they are now, so that each such note is checked by a run rather than by hand.

The survivors come from bench/results/mutation.json (mutation_report.py's output, whose "killed_by"
entries name the test); each mutant is its log text, "FILE:LINE: 'old' ==> 'new'", with whitespace
collapsed as the report keeps it. The old text is found at that line (it may run on over the next ones),
replaced by the new, compiled (COMPILE) and tested (TEST); the file is restored after each and on any
exit. Where the log's old text is not what the mutator replaced (slither-mutate's MIA logs a ternary's
whole statement but replaces only its condition), the notes' "recheck_as" gives the [old, new] fragments
to replace at that line instead. Each verdict is logged in slither-mutate's line format under the
`Mutation-Recheck` tag, which mutation_report.py reads as a re-run of a note, not as a new mutant:

    INFO:Mutation-Recheck:[MUTATOR] Line N: 'old' ==> 'new' --> CAUGHT | UNCAUGHT | COMPILATION FAILURE

Usage: mutation_recheck.py REPORT --compile CMD --test CMD [--notes PATH] [--timeout S] [--log PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import time
from pathlib import Path

from ror_mutate import logger, run, verdict

MUTANT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): '(?P<old>.*)' ==> '(?P<new>.*)'$", re.DOTALL)


def apply(source: str, line: int, old: str, new: str) -> str | None:
    """`source` with the first `old` (any whitespace between its tokens) that starts on `line` replaced by
    `new`; None if there is none."""
    start = sum(len(x) for x in source.splitlines(keepends=True)[: line - 1])
    end = source.find("\n", start)
    if end < 0:  # the last line, without a newline
        end = len(source)
    pattern = re.compile(r"\s+".join(re.escape(token) for token in old.split()))
    for match in pattern.finditer(source, start):
        if match.start() > end:
            return None
        return source[: match.start()] + new + source[match.end() :]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="bench/results/mutation.json")
    parser.add_argument("--compile", required=True, help="shell command that compiles the contracts")
    parser.add_argument("--test", required=True, help="shell command that runs the tests (fails on a mutant)")
    parser.add_argument("--notes", type=Path, default=Path("toolchain/mutation_notes.json"))
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--log", type=Path, help="append the verdicts here too")
    args = parser.parse_args()
    # noted as killed, whether or not an earlier re-run confirmed the note (one it refuted is re-run too)
    noted = [s for s in json.loads(args.report.read_text())["survivors"] if "killed_by" in s or "noted_killed_by" in s]
    recheck_as: dict[str, list[str]] = json.loads(args.notes.read_text()).get("recheck_as", {})
    say = logger(args.log)

    originals: dict[Path, str] = {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the files are restored on the way out
    started = time.monotonic()
    try:
        if not (run(args.compile, args.timeout) and run(args.test, args.timeout)):
            say("The tests fail on the unmutated contracts: no re-run")
            return 1
        for survivor in sorted(noted, key=lambda s: s["mutant"]):
            m = MUTANT.match(survivor["mutant"])
            assert m, survivor["mutant"]
            path = Path(m["file"])
            original = originals.setdefault(path, path.read_text())
            old, new = recheck_as.get(survivor["mutant"], (m["old"], m["new"]))
            mutated = apply(original, int(m["line"]), old, new)
            if mutated is None:
                say(f"The mutant is not in {path} as it is now: {survivor['mutant']}")
                return 1
            say(f"INFO:Mutation-Recheck:Starting mutation campaign in {path}")
            path.write_text(mutated)
            try:
                outcome = verdict(args.compile, args.test, args.timeout)
            finally:
                path.write_text(original)
            mutator = survivor["mutator"]
            say(f"INFO:Mutation-Recheck:[{mutator}] Line {m['line']}: '{m['old']}' ==> '{m['new']}' --> {outcome}")
        return 0
    finally:
        for path, text in originals.items():
            path.write_text(text)
        say(f"elapsed_s {round(time.monotonic() - started)}")


if __name__ == "__main__":
    raise SystemExit(main())
