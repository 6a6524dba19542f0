"""One supervisor for the processes dapp starts: anvil, Ganache, Kubo and IPFS Cluster.

Each tool runs as a child in a session of its own (Ctrl-C in a terminal reaches dapp, which then stops
it; Ganache's node workers share its process group, so one signal reaches them all), writes to a log
file, and is stopped by its PID: SIGTERM, then SIGKILL after a grace period. Start-up waits on a
condition (a line the tool prints, a file it writes, an API that answers), never a fixed sleep.

A child left running on purpose (`detach`) is found again through a `PidRecord`: a JSON file holding its
PID, and a lock file beside it that serialises look-up-or-start across processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

from dapp.exceptions import DappError

T = TypeVar("T")
POLL_INTERVAL = 0.05  # between readiness checks; anvil is up in ~0.05 s, Ganache in ~2 s, Kubo in ~0.3 s


class ChildProcess:
    """A tool started by us. `start` returns once `ready` holds; `stop` ends the whole process group."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        error: type[DappError] = DappError,
        stop_timeout: float = 10.0,
        cwd: Path | None = None,
    ) -> None:
        """`log_path`: where output goes (kept); None: a temporary file, gone when the child is stopped.
        `error`: the exception raised when the child fails to start (each caller's own domain error)."""
        self.name = name
        self.argv = list(argv)
        self.env = dict(env) if env is not None else None
        self.log_path = log_path
        self.error = error
        self.stop_timeout = stop_timeout
        self.cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, ready: Callable[[], T | None], timeout: float = 60.0) -> T:
        """Start the tool and poll `ready` until it returns a value (e.g. the port it chose), which is
        returned. Raises `error`, with the tail of the output, if the tool exits first or time runs out."""
        if self._process is not None:
            raise self.error(f"{self.name} is already running (pid {self._process.pid})")
        # Kept open for the child's lifetime and closed in stop()/detach(): no `with` block fits.
        self._log = self.log_path.open("w+b") if self.log_path else tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            return self._wait_ready(ready, timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, ready: Callable[[], T | None], timeout: float) -> T:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise self.error(
                    f"{self.name} exited with code {self._process.returncode} before it was ready:\n"
                    + self.output_tail()
                )
            result = ready()
            if result is not None:
                return result
            if time.monotonic() > deadline:
                raise self.error(f"{self.name} was not ready within {timeout:.0f} s:\n{self.output_tail()}")
            time.sleep(POLL_INTERVAL)

    def output(self) -> str:
        """Everything the child has written so far."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def output_tail(self, lines: int = 30) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def printed(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """The first match of `pattern` in the output so far: a readiness check for tools that announce
        their address (anvil's `Listening on 127.0.0.1:PORT`)."""
        return pattern.search(self.output())

    def wait(self) -> int:
        """Block until the child exits (a foreground tool); returns its exit code."""
        assert self._process is not None, "start() first"
        return self._process.wait()

    def detach(self) -> int:
        """Leave the child running after this process exits; returns its PID for a PidRecord."""
        assert self._process is not None, "start() first"
        pid = self._process.pid
        self._process = None
        self._close_log()
        return pid

    def stop(self) -> None:
        """SIGTERM the process group and wait; SIGKILL it if it has not exited within `stop_timeout`."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait(self.stop_timeout)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def is_running(pid: int, hint: str | None = None) -> bool:
    """True if `pid` is alive (a zombie is not) and, with `hint`, its command line still contains it:
    PIDs are reused, so a recorded PID alone does not prove the process is still ours."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    if re.search(r"^State:\s+Z", status, re.MULTILINE):
        return False
    return hint is None or hint in cmdline


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_INTERVAL)
    return True


def wait_until_gone(pid: int, timeout: float) -> bool:
    """Wait for `pid` to exit (for a process that is not our child, so cannot be waited on)."""
    return wait_until(lambda: not is_running(pid), timeout)


def stop_pid(pid: int, timeout: float = 10.0) -> None:
    """Stop a detached child's process group by PID: SIGTERM, then SIGKILL; returns once it is gone."""
    _signal_group(pid, signal.SIGTERM)
    if not wait_until_gone(pid, timeout):
        _signal_group(pid, signal.SIGKILL)
        wait_until_gone(pid, timeout)


class PidRecord:
    """A JSON file `{"pid": ..., ...}` describing a detached child, and a lock file beside it."""

    def __init__(self, path: Path, hint: str) -> None:
        """`hint`: a string the child's command line contains (the tool's name), checked on every read."""
        self.path = path
        self.hint = hint

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock: look-up-or-start inside it, so two commands started together share one child."""
        lock = self.path.with_suffix(".lock")
        lock.parent.mkdir(parents=True, exist_ok=True)
        with lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read(self) -> dict[str, Any] | None:
        """The record if its process still runs; a record whose process is gone is removed."""
        try:
            record = json.loads(self.path.read_text())
            pid = int(record["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not is_running(pid, self.hint):
            self.path.unlink(missing_ok=True)
            return None
        return dict(record)

    def write(self, pid: int, **fields: object) -> dict[str, Any]:
        record = {**fields, "pid": pid}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(record))
        return record

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the recorded process (TERM, then KILL) and remove the record; returns its PID, or None."""
        record = self.read()
        self.path.unlink(missing_ok=True)
        if record is None:
            return None
        pid = int(record["pid"])
        stop_pid(pid, timeout)
        return pid
