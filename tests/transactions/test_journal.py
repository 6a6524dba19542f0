"""The journal of sent transactions: one file per (chain, account), atomic writes under a file lock, and
entries that outlive the process that wrote them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from dapp.exceptions import ConfigError
from dapp.transactions.journal import Journal, JournalEntry, TxState, find_entry

ACCOUNT = "0x00000000000000000000000000000000000000A1"


def entry(n: int, state: TxState = TxState.SIGNED) -> JournalEntry:
    return JournalEntry(
        hash=f"0x{n:064x}", chain_id=5, sender=ACCOUNT, nonce=n, to=None, value=2**70, data="0x", gas=21_000,
        max_fee=3 * 10**9, priority_fee=10**9, gas_price=None, label=f"tx {n}", raw="0x02", state=state,
    )  # fmt: skip


def test_entries_round_trip_and_update(tmp_path: Path) -> None:
    journal = Journal(tmp_path, 5, ACCOUNT)
    assert journal.path == tmp_path / "journal" / "5" / f"{ACCOUNT.lower()}.json"
    first = journal.record(entry(1))
    journal.record(entry(2))
    updated = journal.update(first.hash.upper().replace("0X", "0x"), state=TxState.MINED, block=7)
    assert updated is not None and (updated.state, updated.block) == (TxState.MINED, 7)
    again = Journal(tmp_path, 5, ACCOUNT)
    assert [(e.nonce, e.state, e.value) for e in again.entries()] == [
        (1, TxState.MINED, 2**70),
        (2, TxState.SIGNED, 2**70),
    ]
    assert [e.nonce for e in again.in_flight()] == [2]
    assert json.loads(journal.path.read_text())["transactions"][0]["value"] == str(2**70)  # no float rounding
    found = find_entry(tmp_path, 5, entry(2).hash)
    assert found is not None and found[1].label == "tx 2"
    assert find_entry(tmp_path, 6, entry(2).hash) is None
    assert journal.update("0x" + "ff" * 32, state=TxState.MINED) is None


def test_settled_entries_are_pruned_in_flight_ones_never(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dapp.transactions.journal.KEEP_FINAL", 5)
    journal = Journal(tmp_path, 5, ACCOUNT)
    journal.record(entry(0, TxState.SENT))
    for n in range(1, 16):
        journal.record(entry(n, TxState.MINED))
    assert [e.nonce for e in journal.entries()] == [0, 11, 12, 13, 14, 15]


def test_an_unreadable_journal_is_a_named_error(tmp_path: Path) -> None:
    journal = Journal(tmp_path, 5, ACCOUNT)
    journal.path.parent.mkdir(parents=True)
    journal.path.write_text("{not json")
    with pytest.raises(ConfigError, match=r"journal .* is unreadable"):
        journal.entries()


def test_threads_and_processes_never_lose_each_others_entries(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from tests.transactions.test_journal import entry
        from dapp.transactions.journal import Journal
        journal = Journal(Path({str(tmp_path)!r}), 5, {ACCOUNT!r})
        base = int(sys.argv[1])
        for n in range(base, base + 40):
            journal.record(entry(n))
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(base)]) for base in (1000, 2000)]
    journal = Journal(tmp_path, 5, ACCOUNT)
    threads = [
        threading.Thread(target=lambda b=base: [journal.record(entry(n)) for n in range(b, b + 40)])
        for base in (3000, 4000)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert len(journal.entries()) == 160


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_an_entry_outlives_ctrl_c_and_a_crash(tmp_path: Path, how: signal.Signals) -> None:
    """The process records an entry, says so, and is interrupted while it 'waits': the entry is on disk,
    whole, and the file is never torn."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from tests.transactions.test_journal import entry
        from dapp.transactions.journal import Journal
        journal = Journal(Path({str(tmp_path)!r}), 5, {ACCOUNT!r})
        journal.record(entry(1))
        print("recorded", flush=True)
        sys.stdin.read()  # "waiting for the receipt" until interrupted
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "recorded\n"
    proc.send_signal(how)
    proc.wait(timeout=30)
    assert proc.stdin is not None
    proc.stdin.close()
    proc.stdout.close()
    (saved,) = Journal(tmp_path, 5, ACCOUNT).entries()
    assert replace(saved, created_at=0.0, updated_at=0.0) == entry(1)
    assert not list(saved_tmp for saved_tmp in Journal(tmp_path, 5, ACCOUNT).path.parent.glob(".*.tmp"))
