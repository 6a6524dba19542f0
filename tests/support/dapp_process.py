"""The `dapp` command as a real process, without paying for its imports every time.

A fresh `python -m dapp` spends ~1.3 s of CPU importing web3 and eth-account before it reads its
arguments; the suites run it over a thousand times. `run_dapp` instead forks a server that imported `dapp`
once: each run is still a process of its own, with its own arguments, environment, working folder, stdin,
stdout, stderr and exit code, exactly as `python -m dapp` runs (settings are read per command, from the
environment the run is given). tests/test_bad_input_cli.py compares rows both ways.

One server per test process, started on first use. A run that finds it busy (a test running `dapp` from
two threads) is a fresh `python -m dapp` instead; one that outlives its timeout is killed, as
subprocess.run would.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

DAPP = [sys.executable, "-m", "dapp"]

_FORK_SERVER = r"""
import importlib, json, os, sys, traceback
from dapp.cli import DappGroup, main
for target in DappGroup.LAZY.values():
    importlib.import_module(target.split(":")[0])
requests, replies = sys.stdin.buffer, sys.stdout
print(json.dumps({"ready": True}), file=replies, flush=True)
for line in requests:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setpgid(0, 0)  # its own group: a timeout kills what it started too
            os.chdir(job["cwd"])
            os.environ.clear()
            os.environ.update(job["env"])
            for fd, path, flags in ((0, job["stdin"], os.O_RDONLY), (1, job["stdout"], os.O_WRONLY),
                                    (2, job["stderr"], os.O_WRONLY)):
                opened = os.open(path, flags)
                os.dup2(opened, fd)
                os.close(opened)
            # fresh text streams: the server's own may hold buffered request lines
            sys.stdin = open(0, closefd=False)
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", closefd=False)
            try:
                main(args=job["args"], prog_name="python -m dapp")  # as click names `python -m dapp`
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:
                traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
            os._exit(code)
    print(json.dumps({"pid": pid}), file=replies, flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), file=replies, flush=True)
"""


class DappForkServer:
    """`run(args, env, cwd, stdin)` -> CompletedProcess, like subprocess.run([python, -m, dapp, *args]).
    One run at a time: `busy()` says whether a run is under way."""

    def __init__(self, python: str = sys.executable) -> None:
        self._process = subprocess.Popen(
            [python, "-c", _FORK_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._lock = threading.Lock()
        self._pending = b""
        if self._reply(timeout=120).get("ready") is not True:
            raise RuntimeError("the dapp fork server did not start")

    def _reply(self, timeout: float) -> dict[str, int | bool]:
        """The server's next reply line. Read from the pipe's descriptor with a buffer of our own: a file
        object's buffer could hold the next line already, and select() would then wait for it in vain."""
        assert self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while b"\n" not in self._pending:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(["dapp"], timeout)
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError("the dapp fork server died")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        reply: dict[str, int | bool] = json.loads(line)
        return reply

    def run(
        self, args: list[str], env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        with self._lock, tempfile.TemporaryDirectory() as tmp:
            files = {name: Path(tmp) / name for name in ("stdin", "stdout", "stderr")}
            files["stdin"].write_text(stdin)
            files["stdout"].touch()
            files["stderr"].touch()
            job = {"args": args, "env": env, "cwd": str(cwd), **{k: str(v) for k, v in files.items()}}
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps(job) + "\n")
            self._process.stdin.flush()
            pid = int(self._reply(timeout=120)["pid"])
            try:
                code = int(self._reply(timeout)["code"])
            except subprocess.TimeoutExpired:
                os.killpg(pid, signal.SIGKILL)
                self._reply(timeout=60)  # the server reaped it
                raise subprocess.TimeoutExpired(["dapp", *args], timeout) from None
            return subprocess.CompletedProcess(
                ["dapp", *args], code, files["stdout"].read_text(), files["stderr"].read_text()
            )

    def busy(self) -> bool:
        return self._lock.locked()

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)
        if self._process.stdout is not None:
            self._process.stdout.close()


_server: DappForkServer | None = None
_starting = threading.Lock()


def dapp_server() -> DappForkServer:
    """This test process's fork server, started on first use and closed when the process exits."""
    global _server
    with _starting:
        if _server is None:
            _server = DappForkServer()
            atexit.register(_server.close)
        return _server


def fresh_dapp(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m dapp ARGS` as a fresh process, imports and all."""
    return subprocess.run(
        [*DAPP, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout
    )


def run_dapp(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m dapp ARGS` as a process: a fork of this test process's server, or a fresh one if the
    server is busy."""
    server = dapp_server()
    if server.busy():
        return fresh_dapp(args, env, cwd, stdin, timeout)
    return server.run(args, env, cwd, stdin, timeout)
