"""Our Ponder indexer (`indexer/`, its own npm package) as a child process, one per deployment.

Each deployment (chain id, genesis block, Catalog address) gets a folder under the state folder,
`.dapp/indexer/<chainId>-<address>-<genesis>/`, holding the settings file the Ponder app reads
(`CATALOG_INDEXER_CONFIG`: RPC URL, address, deployment block and the ABI from the registry), its PGlite
database, its log and the PID record. PGlite takes one process per folder, so a second start finds the
running one through the record and reuses it.

Ponder refuses to reuse a database schema written by a different build of the app ("previously used by
a different Ponder app"): the schema name is a hash of the app's sources and the settings it indexes,
so an updated app starts a fresh schema in the same database while the RPC cache Ponder keeps beside it
(`ponder_sync`) is reused, and a restart of the same app resumes where it stopped without fetching
anything again. With `database_url` (Postgres), `ponder start` writes and any number of `ponder serve`
replicas (`serve_replica`) read the same schema.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from dapp._utils.files import write_atomic
from dapp._utils.ports import free_port
from dapp._utils.process import ChildProcess, PidRecord
from dapp.exceptions import ConfigError, IndexerError
from dapp.settings import child_environ

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
APP_DIR = REPO_ROOT / "indexer"
START_TIMEOUT = 180.0  # Ponder's HTTP server is up 9-13 s after start on an idle 2-core machine
HINT = "ponder"  # in the command line of every process we start here (PidRecord checks it)
SCHEMA_PREFIX = "catalog_"


@dataclass(frozen=True)
class IndexerTarget:
    """What one indexer follows: a Catalog deployment on a chain reached through `rpc_url`."""

    chain_id: int
    genesis_hash: str
    address: str
    start_block: int
    abi: list[dict[str, Any]]
    rpc_url: str
    gateway_url: str | None = None
    polling_interval_ms: int = 1000
    # None: Ponder learns a provider's cap from its errors. A range whose logs come to more than ~512 MB of
    # JSON (a million purchases in 30,000 blocks did) crashes Ponder 0.16 instead: it cannot hold the reply.
    get_logs_block_range: int | None = None
    # None: Ponder's 10 s. A node that answers a range of dense blocks slowly needs longer: Ponder keeps 25
    # requests in flight, and each one that runs out of time is retried until Ponder gives the sync up.
    rpc_timeout_ms: int | None = None

    @property
    def key(self) -> str:
        return f"{self.chain_id}-{self.address.lower()}-{self.genesis_hash.removeprefix('0x')[:12]}"

    def settings(self, pglite_directory: Path | None) -> dict[str, Any]:
        found: dict[str, Any] = {
            "chainId": self.chain_id,
            "rpcUrl": self.rpc_url,
            "address": self.address,
            "startBlock": self.start_block,
            "abi": self.abi,
            "pollingIntervalMs": self.polling_interval_ms,
        }
        if pglite_directory is not None:
            found["pgliteDirectory"] = str(pglite_directory)
        if self.get_logs_block_range is not None:
            found["ethGetLogsBlockRange"] = self.get_logs_block_range
        if self.rpc_timeout_ms is not None:
            found["rpcTimeoutMs"] = self.rpc_timeout_ms
        return found


def check_database_url(url: str) -> str:
    """`url` if it names a PostgreSQL server Ponder can use (postgresql://USER[:PASSWORD]@HOST[:PORT]/DB);
    a ConfigError naming what is wrong otherwise. The message never repeats the URL: it may hold a password."""
    shape = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("postgresql", "postgres"):
        got = f"a {parsed.scheme}:// URL" if parsed.scheme and parsed.netloc else "text that is not a URL"
        raise ConfigError(f"the indexer's database must be a PostgreSQL URL, {shape}; got {got}")
    if not parsed.hostname:
        raise ConfigError(f"the indexer's database URL names no host: {shape}")
    try:
        parsed.port  # noqa: B018  # raises on a port that is not a number in range
    except ValueError:
        raise ConfigError(f"the indexer's database URL has an invalid port: {shape}") from None
    return url.strip()


def find_ponder() -> Path:
    """The ponder CLI `make setup` installs into indexer/node_modules (npm ci)."""
    ponder = APP_DIR / "node_modules" / ".bin" / "ponder"
    if not ponder.exists():
        raise IndexerError(f"Ponder is not installed in {APP_DIR}: run `make setup` (npm ci there)")
    if shutil.which("node") is None:
        raise IndexerError("`node` (Node.js 20+) is not on PATH: the indexer runs on it")
    return ponder


def schema_name(target: IndexerTarget) -> str:
    """A database schema per (app build, deployment): see the module docstring."""
    digest = hashlib.sha256()
    for path in sorted([APP_DIR / "ponder.config.ts", APP_DIR / "ponder.schema.ts", *APP_DIR.glob("src/**/*.ts")]):
        digest.update(path.relative_to(APP_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    deployment = [target.chain_id, target.address.lower(), target.start_block, target.abi]
    digest.update(json.dumps(deployment, sort_keys=True).encode())
    return SCHEMA_PREFIX + digest.hexdigest()[:16]


@dataclass(frozen=True)
class IndexerInfo:
    """A running indexer: its PID, URL and folder."""

    pid: int
    url: str
    folder: Path
    schema: str
    log: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "url": self.url,
            "folder": str(self.folder),
            "schema": self.schema,
            "log": str(self.log),
        }


_HTTP_SERVER = re.compile(r'"msg":"Created HTTP server","port":(\d+)')


def _environment(settings_path: Path, schema: str, gateway_url: str | None, database_url: str | None) -> dict[str, str]:
    env = child_environ(
        CATALOG_INDEXER_CONFIG=str(settings_path),
        DATABASE_SCHEMA=schema,
        PONDER_TELEMETRY_DISABLED="1",  # else it reports to ponder.sh and writes ~/.config/ponder-nodejs
        CATALOG_GATEWAY_URL=gateway_url or "",
    )
    env.pop("DATABASE_URL", None)
    env.pop("DATABASE_PRIVATE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _launch(
    command: str,
    folder: Path,
    env: Mapping[str, str],
    port: int,
    log_path: Path,
    timeout: float,
) -> tuple[ChildProcess, str]:
    """Run `ponder <command>` and wait until its HTTP server answers; returns the child and its URL.
    Ponder moves to the next port when the one given is taken, so the port is read from its log."""
    # Ponder writes generated/schema.graphql into its working directory: the deployment's folder, not ours.
    folder.mkdir(parents=True, exist_ok=True)
    child = ChildProcess(
        f"ponder {command}", _argv(command, port), env=env, log_path=log_path, error=IndexerError, cwd=folder
    )

    def answering() -> str | None:
        created = child.printed(_HTTP_SERVER)
        if created is None:
            return None
        url = f"http://127.0.0.1:{created[1]}"
        try:
            return url if requests.get(f"{url}/health", timeout=2).ok else None
        except requests.RequestException:
            return None

    url = child.start(answering, timeout)
    return child, url


def _argv(command: str, port: int) -> list[str]:
    return [
        "node", str(find_ponder()), "--root", str(APP_DIR), "--log-format", "json",
        command, "--port", str(port), "--hostname", "127.0.0.1",
    ]  # fmt: skip


class IndexerProcess:
    """The indexer of one deployment, run in the background and found again by its PID record."""

    def __init__(self, state_dir: Path, target: IndexerTarget, *, database_url: str | None = None) -> None:
        """`database_url`: Postgres (`postgresql://…`); None: PGlite in the deployment's folder."""
        self.target = target
        self.folder = state_dir / "indexer" / target.key
        self.database_url = database_url
        self.record = PidRecord(self.folder / "indexer.json", hint=HINT)

    @property
    def log_path(self) -> Path:
        return self.folder / "ponder.log"

    def running(self) -> IndexerInfo | None:
        record = self.record.read()
        if record is None:
            return None
        return IndexerInfo(
            int(record["pid"]), str(record["url"]), self.folder, str(record["schema"]), Path(record["log"])
        )

    def start(self, port: int = 0, timeout: float = START_TIMEOUT) -> tuple[IndexerInfo, bool]:
        """Start `ponder start` in the background unless this deployment's indexer already runs; returns it
        and whether it was started now. Returns once its HTTP server answers, before it has caught up."""
        with self.record.locked():
            found = self.running()
            if found is not None:
                return found, False
            self.folder.mkdir(parents=True, exist_ok=True)
            pglite = None if self.database_url else self.folder / "pglite"
            settings_path = self.folder / "settings.json"
            write_atomic(settings_path, json.dumps(self.target.settings(pglite), indent=1) + "\n")
            schema = schema_name(self.target)
            env = _environment(settings_path, schema, self.target.gateway_url, self.database_url)
            child, url = _launch("start", self.folder, env, port or free_port(), self.log_path, timeout)
            pid = child.detach()
            self.record.write(pid, url=url, schema=schema, log=str(self.log_path))
            return IndexerInfo(pid, url, self.folder, schema, self.log_path), True

    def launch(self, port: int) -> ChildProcess:
        """Start `ponder start` on `port` and return at once, the caller owning the child (`dapp up`: the
        shop is served while Ponder starts, ~10-20 s, and catches up). Not recorded: it lives and dies with
        the caller. Ponder takes the next port if `port` is taken by then; its log says so."""
        self.folder.mkdir(parents=True, exist_ok=True)
        pglite = None if self.database_url else self.folder / "pglite"
        settings_path = self.folder / "settings.json"
        write_atomic(settings_path, json.dumps(self.target.settings(pglite), indent=1) + "\n")
        env = _environment(settings_path, schema_name(self.target), self.target.gateway_url, self.database_url)
        child = ChildProcess(
            "ponder start", _argv("start", port), env=env, log_path=self.log_path, error=IndexerError, cwd=self.folder
        )
        child.start(lambda: True)
        return child

    def stop(self) -> int | None:
        """Stop this deployment's indexer by its PID; returns the PID, or None if none ran."""
        with self.record.locked():
            return self.record.stop()

    def serve_replica(self, port: int = 0, timeout: float = START_TIMEOUT) -> Replica:
        """A `ponder serve` process reading the Postgres schema `ponder start` writes (several machines
        serving one store); the caller owns it and stops it."""
        if not self.database_url:
            raise IndexerError("a `ponder serve` replica reads Postgres: give the indexer a database URL")
        # The same settings the writer has (on another machine, this folder is new): the schema name and the
        # app's configuration come from the deployment, not from the writer's files.
        settings_path = self.folder / "settings.json"
        write_atomic(settings_path, json.dumps(self.target.settings(None), indent=1) + "\n")
        env = _environment(settings_path, schema_name(self.target), self.target.gateway_url, self.database_url)
        log = self.folder / f"serve-{os.getpid()}-{free_port()}.log"
        child, url = _launch("serve", self.folder, env, port or free_port(), log, timeout)
        return Replica(child, url)


@dataclass(frozen=True)
class Replica:
    """A `ponder serve` child: read-only, answers the same queries as the indexer it reads after."""

    child: ChildProcess
    url: str

    def stop(self) -> None:
        self.child.stop()


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
