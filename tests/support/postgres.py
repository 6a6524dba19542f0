"""Debian's PostgreSQL server, started by a test on a free port in a temporary folder and stopped by PID.

`make setup` installs the `postgresql` package; only its binaries are used (never the system service).
PostgreSQL refuses to run as root: as root (CI, this machine), the cluster folder belongs to the
`postgres` user the package creates and the server runs as that user through `runuser`; as anyone
else, as that user. Trust authentication on 127.0.0.1 only, fsync off: a throwaway cluster.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dapp._utils.ports import free_port
from dapp._utils.process import ChildProcess
from dapp.exceptions import DappError

SERVER_USER = "postgres"  # created by Debian's postgresql package
READY = re.compile(r"database system is ready to accept connections")


def postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<major>/bin holding initdb, or None if the package is missing."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _as_server_user() -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []


@contextmanager
def running_postgres(database_user: str = "ponder") -> Iterator[str]:
    """A fresh cluster; yields its URL `postgresql://<database_user>@127.0.0.1:<port>/postgres`."""
    binaries = postgres_bin()
    if binaries is None:
        raise DappError("PostgreSQL is not installed: `make setup` installs Debian's postgresql")
    folder = Path(tempfile.mkdtemp(prefix="dapp-postgres-"))  # under /tmp: the server user can reach it
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, SERVER_USER, SERVER_USER)
        data = folder / "data"
        subprocess.run(
            [*_as_server_user(), str(binaries / "initdb"), "-D", str(data), "-U", database_user,
             "--auth=trust", "--encoding=UTF8", "--no-sync"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        port = free_port()
        server = ChildProcess(
            "postgres",
            [*_as_server_user(), str(binaries / "postgres"), "-D", str(data), "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={folder}",
             "-c", "fsync=off", "-c", "max_connections=200"],
            error=DappError,
        )  # fmt: skip
        server.start(lambda: server.printed(READY), timeout=60)
        try:
            yield f"postgresql://{database_user}@127.0.0.1:{port}/postgres"
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
