"""Summarise a slither-mutate log (`make mutation`, run with -v) into bench/results/mutation.json.

Each mutant that compiled is a log line `[MUTATOR] Line N: 'old' ==> 'new' --> CAUGHT` or `--> UNCAUGHT`
(mutants that do not compile are counted apart and are not mutants of the contract's behaviour). A
survivor (UNCAUGHT) is then either:
- killed by a test added after the campaign: toolchain/mutation_notes.json names it under "killed_by"
  (checked by hand against the mutant; the campaign's next run counts it as caught), or
- equivalent: the notes give the reason the change cannot alter behaviour, under "equivalent";
- or, with no note, a plain survivor.
Notes are keyed "LINE: 'old' ==> 'new'". Usage: mutation_report.py LOG NOTES OUT
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

LINE = re.compile(
    r"\[(?P<mutator>\w+)\] Line (?P<line>\d+): '(?P<old>.*?)' ==> '(?P<new>.*?)' --> "
    r"(?P<verdict>UNCAUGHT|CAUGHT|COMPILATION FAILURE)",
    re.DOTALL,
)
SOURCE = "contracts/Catalog.sol"


def main(log_path: str, notes_path: str, out_path: str) -> int:
    text = Path(log_path).read_text()
    notes = json.loads(Path(notes_path).read_text()) if Path(notes_path).exists() else {}
    killed_by: dict[str, str] = notes.get("killed_by", {})
    equivalent: dict[str, str] = notes.get("equivalent", {})
    caught = uncaught = failed = 0
    survivors = []
    for m in LINE.finditer(text):
        verdict = m["verdict"]
        if verdict == "COMPILATION FAILURE":
            failed += 1
            continue
        if verdict == "CAUGHT":
            caught += 1
            continue
        uncaught += 1
        key = f"{m['line']}: '{' '.join(m['old'].split())}' ==> '{' '.join(m['new'].split())}'"
        entry: dict[str, str] = {"at": f"{SOURCE}:{m['line']}", "mutator": m["mutator"], "mutant": key}
        if key in killed_by:
            entry["killed_by"] = killed_by[key]
        elif key in equivalent:
            entry["equivalent"] = equivalent[key]
        survivors.append(entry)
    n_equivalent = sum("equivalent" in s for s in survivors)
    n_killed_later = sum("killed_by" in s for s in survivors)
    mutants = caught + uncaught
    killed = caught + n_killed_later
    survived = mutants - killed - n_equivalent
    elapsed = re.search(r"^elapsed_s (\d+)$", text, re.MULTILINE)
    result = {
        "tool": "slither-mutate 0.11.6 (non-comprehensive: minor mutants only on lines whose revert/comment "
        "mutants were caught)",
        "source": SOURCE,
        "complete": elapsed is not None,
        "elapsed_s": int(elapsed[1]) if elapsed else None,
        "mutants": mutants,
        "killed": killed,
        "killed_by_campaign": caught,
        "killed_by_later_tests": n_killed_later,
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
    sys.exit(main(*sys.argv[1:4]))
