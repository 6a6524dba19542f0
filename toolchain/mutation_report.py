"""Summarise slither-mutate logs (`make mutation`, run with -v) into bench/results/mutation.json.

Each mutant that compiled is a log line `[MUTATOR] Line N: 'old' ==> 'new' --> CAUGHT` or `--> UNCAUGHT`,
under the `Starting mutation campaign in FILE` line of its target (mutants that do not compile are
counted apart and are not mutants of the contract's behaviour). A survivor (UNCAUGHT) is then either:
- killed by a test added after the campaign: toolchain/mutation_notes.json names it under "killed_by",
  and toolchain/mutation_recheck.py re-runs it against the current tests: its log lines, tagged
  `Mutation-Recheck`, say whether that run caught it (a noted mutant the re-run does not catch counts as
  survived), or
- equivalent: the notes give the reason the change cannot alter behaviour, under "equivalent";
- or, with no note, a plain survivor.
Notes are keyed "FILE:LINE: 'old' ==> 'new'"; their "campaign" object is copied into the result as is.
A campaign split by mutator across clones (one per core) gives one log per clone (plain or .gz).
Usage: mutation_report.py NOTES OUT LOG [LOG...]
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

EVENT = re.compile(
    r"Starting mutation campaign in (?P<file>\S+)"
    r"|\[(?P<mutator>\w+)\] Line (?P<line>\d+): '(?P<old>.*?)' ==> '(?P<new>.*?)' --> "
    r"(?P<verdict>UNCAUGHT|CAUGHT|COMPILATION FAILURE)",
    re.DOTALL,
)


def main(notes_path: str, out_path: str, *log_paths: str) -> int:
    notes = json.loads(Path(notes_path).read_text()) if Path(notes_path).exists() else {}
    killed_by: dict[str, str] = notes.get("killed_by", {})
    equivalent: dict[str, str] = notes.get("equivalent", {})
    # One verdict per mutant (file, mutator, line, old, new): a later log's verdict replaces an earlier one's,
    # so a campaign re-run over part of the contract (MUTATION_FUNCTIONS) does not count a mutant twice.
    verdicts: dict[tuple[str, str, str, str, str], str] = {}
    rechecked: dict[str, str] = {}  # mutant key -> verdict of mutation_recheck.py's re-run
    runs: list[dict[str, object]] = []
    rechecks: list[dict[str, object]] = []
    elapsed: list[int] = []
    for log_path in log_paths:
        path = Path(log_path)
        text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()
        source = "?"
        for m in EVENT.finditer(text):
            if m["file"]:
                source = m["file"]
                continue
            old, new = " ".join(m["old"].split()), " ".join(m["new"].split())
            if text.rfind("Mutation-Recheck:", text.rfind("\n", 0, m.start()) + 1, m.start()) >= 0:
                rechecked[f"{source}:{m['line']}: '{old}' ==> '{new}'"] = m["verdict"]
                continue
            verdicts[source, m["mutator"], m["line"], old, new] = m["verdict"]
        # elapsed_s when a campaign finished, stopped_after_s when it was stopped early
        finished = [int(x) for x in re.findall(r"^elapsed_s (\d+)$", text, re.MULTILINE)]
        stopped = [int(x) for x in re.findall(r"^stopped_after_s (\d+)$", text, re.MULTILINE)]
        seconds = sum(finished) + sum(stopped) if finished or stopped else None
        entry = {"log": path.name, "finished": bool(finished) and not stopped, "elapsed_s": seconds}
        if "Slither-Mutate:" in text or "ROR-Mutate:" in text:
            runs.append(entry)
            if seconds is not None:
                elapsed.append(seconds)
        else:  # a re-run of noted survivors (mutation_recheck.py), not a campaign run
            rechecks.append(entry)
    caught = uncaught = failed = 0
    survivors = []
    per_file: dict[str, dict[str, int]] = {}
    for (source, mutator, line, old, new), verdict in verdicts.items():
        if verdict == "COMPILATION FAILURE":
            failed += 1
            continue
        tally = per_file.setdefault(source, {"mutants": 0, "caught": 0})
        tally["mutants"] += 1
        if verdict == "CAUGHT":
            caught += 1
            tally["caught"] += 1
            continue
        uncaught += 1
        key = f"{source}:{line}: '{old}' ==> '{new}'"
        entry: dict[str, str] = {"at": f"{source}:{line}", "mutator": mutator, "mutant": key}
        if key in killed_by and rechecked.get(key, "CAUGHT") == "CAUGHT":
            entry["killed_by"] = killed_by[key]
            if key in rechecked:
                entry["rechecked"] = "caught when re-run against the current tests (toolchain/mutation_recheck.py)"
        elif key in killed_by:
            entry["noted_killed_by"] = killed_by[key]
            entry["rechecked"] = f"{rechecked[key]} when re-run against the current tests: the note is wrong"
        elif key in equivalent:
            entry["equivalent"] = equivalent[key]
        survivors.append(entry)
    union: list[str] = notes.get("campaign", {}).get("complete_logs", [])
    covered = bool(union) and set(union) <= {str(r["log"]) for r in runs}
    n_equivalent = sum("equivalent" in s for s in survivors)
    n_killed_later = sum("killed_by" in s for s in survivors)
    n_rechecked = sum(s.get("rechecked", "").startswith("caught") for s in survivors)
    mutants = caught + uncaught
    killed = caught + n_killed_later
    survived = mutants - killed - n_equivalent
    result = {
        "campaign": notes.get("campaign", {}),
        "tool": "slither-mutate 0.11.6 (not --comprehensive: lines whose revert or comment mutant survived "
        "get no further mutants); relational operators by toolchain/ror_mutate.py (slither-mutate's ROR makes "
        "none on the Catalog)",
        "sources": per_file,
        # Campaigns split across clones and sessions: some were stopped by hand and the rest of their ground
        # run again later, so the union can cover every mutator everywhere though a run did not finish. The
        # notes' campaign may say so ("complete_logs": the runs whose union covers it all), which holds only
        # when every one of those logs is given; otherwise every run given must have finished.
        "complete": bool(runs) and (covered or all(r["finished"] for r in runs)),
        "every_run_finished": bool(runs) and all(r["finished"] for r in runs),
        "runs": runs,
        "elapsed_s": max(elapsed) if elapsed else None,  # the longest run (clones run side by side)
        "clone_seconds_total": sum(elapsed),  # every run's time added up: what the whole campaign cost
        "rechecks": rechecks,
        "mutants": mutants,
        "killed": killed,
        "killed_by_campaign": caught,
        "killed_by_later_tests": n_killed_later,
        "killed_by_later_tests_rechecked": n_rechecked,
        "equivalent": n_equivalent,
        "survived": survived,
        "did_not_compile": failed,
        "killed_share_of_non_equivalent": round(killed / (mutants - n_equivalent), 4)
        if mutants > n_equivalent
        else None,
        "survivors": survivors,
    }
    Path(out_path).write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{mutants} mutants: {killed} killed ({caught} by the campaign), {n_equivalent} equivalent, "
        f"{survived} survived, {failed} did not compile; wrote {out_path}"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: mutation_report.py NOTES OUT LOG [LOG...]")
    sys.exit(main(*sys.argv[1:]))
