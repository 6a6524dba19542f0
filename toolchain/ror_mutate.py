"""Relational operator mutants of one Solidity file, for `make mutation`: slither-mutate's own ROR gives up
on the Catalog ("ROR mutator failed in Catalog: list index out of range": it looks for slithIR's operator
in the node's source text, which does not always hold it) and so produces no mutant at all.

Each comparison outside comments gets the two mutants PIT applies by default: the boundary moved (`<` to
`<=`, `>=` to `>`, ...) and the condition negated (`<` to `>=`, `==` to `!=`, ...). One at a time, the file
is rewritten, compiled (COMPILE), and the tests (TEST) run against it; the file is restored after each
and on any exit. The log has slither-mutate's line format, so toolchain/mutation_report.py reads it with
the other logs:

    [ROR] Line N: 'old line' ==> 'new line' --> CAUGHT | UNCAUGHT | COMPILATION FAILURE

Usage: ror_mutate.py FILE --compile CMD --test CMD [--timeout S] [--log PATH]
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# The boundary mutant first, then the negation (`==` and `!=` have only the negation).
MUTANTS = {"<": ("<=", ">="), "<=": ("<", ">"), ">": (">=", "<="), ">=": (">", "<"), "==": ("!=",), "!=": ("==",)}
# A comparison: not part of `<<`, `>>`, `=>`, `<<=`, nor of an assignment.
COMPARISON = re.compile(r"(?<![<>=!])(<=|>=|==|!=|<|>)(?![<>=])")


def blank_comments(source: str) -> str:
    """`source` with comments and string literals blanked (newlines kept), so offsets stay the same."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"', blank, source, flags=re.DOTALL)


def mutants(source: str) -> Iterator[tuple[int, str, str]]:
    """(line number, mutated source, new line) for each mutant of `source`."""
    code = blank_comments(source)
    for match in COMPARISON.finditer(code):
        at, op = match.start(), match.group()
        if op == ">" and code[at - 1] == "=":  # the `=>` of a mapping
            continue
        line_start = source.rfind("\n", 0, at) + 1
        line_end = source.find("\n", at)
        for new_op in MUTANTS[op]:
            mutated = source[:at] + new_op + source[at + len(op) :]
            new_line = mutated[line_start : line_end + len(new_op) - len(op)]
            yield source.count("\n", 0, at) + 1, mutated, new_line


def run(command: str, timeout: float) -> bool | None:
    """True if `command` passes, False if it fails, None if it ran past `timeout` seconds."""
    try:
        return subprocess.run(command, shell=True, capture_output=True, timeout=timeout).returncode == 0
    except subprocess.TimeoutExpired:
        return None


def verdict(compile_command: str, test_command: str, timeout: float) -> str:
    """What the tests make of the mutant now in place: it does not compile, they fail on it (a timeout
    counts as caught), or they pass."""
    if not run(compile_command, timeout):
        return "COMPILATION FAILURE"
    return "UNCAUGHT" if run(test_command, timeout) else "CAUGHT"


def logger(path: Path | None) -> Callable[[str], None]:
    """A function that prints a line and, with `path`, appends it there too (flushed at once, so a
    stopped campaign keeps every verdict it reached)."""
    log = path.open("a") if path else None

    def say(line: str) -> None:
        print(line, flush=True)
        if log:
            log.write(line + "\n")
            log.flush()

    return say


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--compile", required=True, help="shell command that compiles the contracts")
    parser.add_argument("--test", required=True, help="shell command that runs the tests (fails on a mutant)")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--log", type=Path, help="append the verdicts here too")
    args = parser.parse_args()
    original = args.file.read_text()
    say = logger(args.log)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the file is restored on the way out
    started = time.monotonic()
    try:
        if not (run(args.compile, args.timeout) and run(args.test, args.timeout)):
            say(f"The tests fail on the unmutated {args.file}: no campaign")
            return 1
        say(f"INFO:ROR-Mutate:Starting mutation campaign in {args.file}")
        counts = {"CAUGHT": 0, "UNCAUGHT": 0, "COMPILATION FAILURE": 0}
        for line_no, mutated, new_line in mutants(original):
            args.file.write_text(mutated)
            old_line = original.splitlines()[line_no - 1]
            outcome = verdict(args.compile, args.test, args.timeout)
            counts[outcome] += 1
            say(f"INFO:ROR-Mutate:[ROR] Line {line_no}: '{old_line.strip()}' ==> '{new_line.strip()}' --> {outcome}")
        say(f"INFO:ROR-Mutate:{counts}")
        return 0
    finally:
        args.file.write_text(original)
        say(f"elapsed_s {round(time.monotonic() - started)}")


if __name__ == "__main__":
    raise SystemExit(main())
