"""The process supervisor behind every node we start: readiness, failures, detached children, ports."""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import pytest

from dapp import nodes
from dapp._utils.process import ChildProcess, PidRecord, is_running
from dapp.exceptions import NetworkError
from dapp.nodes import AnvilNode, GanacheNode, rpc_answers

# A child that announces itself, then idles until it is signalled.
ANNOUNCER = [sys.executable, "-c", "import time; print('ready on 1234', flush=True); time.sleep(600)"]


def test_start_waits_for_the_condition_and_stop_ends_the_child() -> None:
    child = ChildProcess("announcer", ANNOUNCER)
    match = child.start(lambda: child.printed(re.compile(r"ready on (\d+)")), timeout=30)
    assert match[1] == "1234"
    pid = child.pid
    assert pid is not None and is_running(pid)
    child.stop()
    assert child.pid is None and not is_running(pid)


def test_a_child_that_exits_early_fails_with_its_output() -> None:
    script = "print('no config here'); raise SystemExit(3)"
    child = ChildProcess("quitter", [sys.executable, "-c", script], error=NetworkError)
    with pytest.raises(NetworkError, match=r"quitter exited with code 3 before it was ready:\nno config here"):
        child.start(lambda: None, timeout=30)
    assert child.pid is None


def test_a_detached_child_is_found_by_its_record_and_stopped_by_pid(tmp_path: Path) -> None:
    child = ChildProcess("announcer", ANNOUNCER)
    child.start(lambda: child.printed(re.compile("ready")), timeout=30)
    record = PidRecord(tmp_path / "announcer.json", hint="ready on")
    with record.locked():
        record.write(child.detach(), url="none")
    found = record.read()
    assert found is not None and is_running(found["pid"])
    assert record.stop() == found["pid"]
    assert not is_running(found["pid"])  # stop() returns once it has exited
    assert record.read() is None and not record.path.exists()


def test_a_record_whose_process_is_gone_is_dropped(tmp_path: Path) -> None:
    child = ChildProcess("announcer", ANNOUNCER)
    child.start(lambda: child.printed(re.compile("ready")), timeout=30)
    record = PidRecord(tmp_path / "announcer.json", hint="ready on")
    assert child.pid is not None
    record.write(child.pid)
    child.stop()
    assert record.read() is None and not record.path.exists()


@pytest.mark.anvil
def test_anvil_binds_port_zero_and_reports_the_port() -> None:
    with AnvilNode() as node:
        assert node.port != 0 and rpc_answers(node.url)


@pytest.mark.ganache
def test_ganache_moves_to_another_port_when_its_port_was_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ganache cannot bind port 0: it gets a free port, and another if someone took that one first."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        offered = iter([taken.getsockname()[1], nodes.free_port()])
        monkeypatch.setattr(nodes, "free_port", lambda: next(offered))
        with GanacheNode() as node:
            assert node.port != taken.getsockname()[1] and rpc_answers(node.url)
