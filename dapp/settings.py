"""Every `DAPP_*` environment variable, read here and nowhere else.

`load()` turns an environment (by default this process's) into one frozen `Settings`, parsing and checking
each value: a bad one is a ConfigError naming the variable. The CLI loads it once per command and passes
the values on; library functions take explicit values (`Registry(directory)`, `connect(network,
home=..., node_binary=...)`, the dev nodes' `binary`), their defaults constants, never the environment.

Two entry points still fall back to `load()` when given nothing, on purpose:
- `TransactionPipeline`'s journal folder (DAPP_HOME): every client a test or script makes has one, and
  tests/conftest.py points DAPP_HOME at a fresh folder per test instead of passing it to each of the
  hundreds of clients the suites make.
- `open_kubo` and `KuboDaemon` (DAPP_IPFS_API, DAPP_IPFS_REPO, DAPP_IPFS_BIN): the Makefile exports
  DAPP_IPFS_BIN for the daemons the tests and benches start, and `dapp up`'s demo would otherwise carry
  three more parameters through to the one place it starts Kubo.

    DAPP_HOME               per-project state: background node records, the journal (default .dapp)
    DAPP_DEPLOYMENTS        the deployment registry folder (default deployments)
    DAPP_NETWORK            the network when --network is not given
    DAPP_RPC_URL            the network when neither --network nor DAPP_NETWORK is given
    DAPP_CHAIN_ID           the chain meant (--chain-id); any other is refused
    DAPP_PRIVATE_KEY        a hex private key to sign with
    DAPP_KEYSTORE_PASSWORD  the password of --keystore
    DAPP_ANVIL              the anvil executable (default: PATH, then node_modules/.bin)
    DAPP_GANACHE            the ganache executable (likewise)
    DAPP_IPFS_BIN           the Kubo executable (default: PATH, then the one `make setup` built)
    DAPP_IPFS_API           a running Kubo's RPC API to use instead of starting our own
    DAPP_IPFS_REPO          the repo our own Kubo runs on (default .cache/ipfs)
    DAPP_PINNING_TOKEN      the pinning service's access token (`dapp publish --remote`)
    DAPP_UP_RPC_PORT        `dapp up`: the dev node's port
    DAPP_UP_GATEWAY_PORT    `dapp up`: our Kubo's gateway port
    DAPP_UP_API_PORT        `dapp up`: our Kubo's RPC API port
    DAPP_UP_INDEXER_PORT    `dapp up`: our Ponder indexer's port
    DAPP_INDEXER_URL        our Ponder indexer of the registered Catalog (`--indexer`); unset: scan the logs
    DAPP_INDEXER_DATABASE_URL  `dapp indexer start|serve`: a PostgreSQL URL (unset: PGlite in the state folder)
    DAPP_RELEASES           `dapp page release`: the release records' folder (default releases)
    DAPP_CLUSTER_URL        `dapp page release`: our IPFS Cluster's Pinning Service API
    DAPP_PIN_SERVICES       `dapp page release`: NAME=URL pinning services, space-separated
    DAPP_CLUSTER_TOKEN      our Cluster's token (or DAPP_CLUSTER_TOKEN_FILE: a file holding it)
    DAPP_PIN_TOKEN_<NAME>   a pinning service's token (or DAPP_PIN_TOKEN_<NAME>_FILE); read by `secret()`
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dapp._utils.validate import check_http_url
from dapp.exceptions import ConfigError

HOME = "DAPP_HOME"
DEPLOYMENTS = "DAPP_DEPLOYMENTS"
NETWORK = "DAPP_NETWORK"
RPC_URL = "DAPP_RPC_URL"
CHAIN_ID = "DAPP_CHAIN_ID"
PRIVATE_KEY = "DAPP_PRIVATE_KEY"
KEYSTORE_PASSWORD = "DAPP_KEYSTORE_PASSWORD"
ANVIL = "DAPP_ANVIL"
GANACHE = "DAPP_GANACHE"
IPFS_BIN = "DAPP_IPFS_BIN"
IPFS_API = "DAPP_IPFS_API"
IPFS_REPO = "DAPP_IPFS_REPO"
PINNING_TOKEN = "DAPP_PINNING_TOKEN"
UP_RPC_PORT = "DAPP_UP_RPC_PORT"
UP_GATEWAY_PORT = "DAPP_UP_GATEWAY_PORT"
UP_API_PORT = "DAPP_UP_API_PORT"
UP_INDEXER_PORT = "DAPP_UP_INDEXER_PORT"
INDEXER_URL = "DAPP_INDEXER_URL"
INDEXER_DATABASE_URL = "DAPP_INDEXER_DATABASE_URL"
RELEASES = "DAPP_RELEASES"
CLUSTER_URL = "DAPP_CLUSTER_URL"
PIN_SERVICES = "DAPP_PIN_SERVICES"
CLUSTER_TOKEN = "DAPP_CLUSTER_TOKEN"
PIN_TOKEN_PREFIX = "DAPP_PIN_TOKEN_"

DEFAULT_HOME = Path(".dapp")
DEFAULT_DEPLOYMENTS = Path("deployments")
DEFAULT_IPFS_REPO = Path(".cache/ipfs")
DEFAULT_RELEASES = Path("releases")
DEFAULT_NETWORK = "anvil"
# solc: py-solc-x looks for its executables in $SOLCX_BINARY_PATH (not ours, but read here too).
SOLCX_BINARY_PATH = "SOLCX_BINARY_PATH"


@dataclass(frozen=True)
class Settings:
    """The environment's settings, parsed. None: not set (or set empty)."""

    home: Path = DEFAULT_HOME
    deployments: Path = DEFAULT_DEPLOYMENTS
    network: str | None = None  # DAPP_NETWORK, else DAPP_RPC_URL
    chain_id: int | None = None
    private_key: str | None = None
    keystore_password: str | None = None
    anvil: str | None = None
    ganache: str | None = None
    ipfs_bin: str | None = None
    ipfs_api: str | None = None
    ipfs_repo: Path = DEFAULT_IPFS_REPO
    pinning_token: str | None = None
    up_rpc_port: int | None = None
    up_gateway_port: int | None = None
    up_api_port: int | None = None
    up_indexer_port: int | None = None
    indexer_url: str | None = None
    indexer_database_url: str | None = None  # may hold a password: never printed
    solcx_binary_path: Path | None = None
    releases: Path = DEFAULT_RELEASES
    cluster_url: str | None = None
    pin_services: tuple[str, ...] = ()

    def node_binary(self, kind: str) -> str | None:
        """The executable set for a dev node of this kind (anvil, ganache), if any."""
        return {"anvil": self.anvil, "ganache": self.ganache}.get(kind)

    @property
    def network_choice(self) -> str:
        """The network to use when none is passed: DAPP_NETWORK, DAPP_RPC_URL, else anvil."""
        return self.network or DEFAULT_NETWORK


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in `environ` (default: this process's environment, read now)."""
    env = os.environ if environ is None else environ

    def text(name: str) -> str | None:
        return env.get(name) or None

    return Settings(
        home=Path(env.get(HOME, str(DEFAULT_HOME))),
        deployments=Path(env.get(DEPLOYMENTS) or DEFAULT_DEPLOYMENTS),
        network=text(NETWORK) or text(RPC_URL),
        chain_id=_integer(env, CHAIN_ID, minimum=1),
        private_key=text(PRIVATE_KEY),
        # An empty password is a password (a keystore may have one): only an unset variable is None.
        keystore_password=env.get(KEYSTORE_PASSWORD),
        anvil=text(ANVIL),
        ganache=text(GANACHE),
        ipfs_bin=text(IPFS_BIN),
        ipfs_api=text(IPFS_API),
        ipfs_repo=Path(env.get(IPFS_REPO) or DEFAULT_IPFS_REPO),
        pinning_token=text(PINNING_TOKEN),
        up_rpc_port=_integer(env, UP_RPC_PORT, minimum=0, maximum=65535),
        up_gateway_port=_integer(env, UP_GATEWAY_PORT, minimum=0, maximum=65535),
        up_api_port=_integer(env, UP_API_PORT, minimum=0, maximum=65535),
        up_indexer_port=_integer(env, UP_INDEXER_PORT, minimum=0, maximum=65535),
        indexer_url=_http_url(env, INDEXER_URL),
        indexer_database_url=text(INDEXER_DATABASE_URL),  # checked where it is used (dapp indexer start|serve)
        solcx_binary_path=Path(env[SOLCX_BINARY_PATH]) if env.get(SOLCX_BINARY_PATH) else None,
        releases=Path(env.get(RELEASES) or DEFAULT_RELEASES),
        cluster_url=text(CLUSTER_URL),
        pin_services=tuple((env.get(PIN_SERVICES) or "").split()),
    )


def pin_token_variable(service: str) -> str:
    """The variable holding a pinning service's token: DAPP_PIN_TOKEN_ and the name, upper case, A-Z0-9_."""
    return PIN_TOKEN_PREFIX + re.sub(r"[^A-Z0-9]", "_", service.upper())


def secret(name: str, environ: Mapping[str, str] | None = None) -> tuple[str | None, Path | None]:
    """A secret from $NAME, or the file $NAME_FILE names (a secret store's mount): (value, file). The value
    is None when the variable is unset or empty; the file is returned unread, for the caller to read and to
    name in its error (never the value)."""
    env = os.environ if environ is None else environ
    value = (env.get(name) or "").strip() or None
    file = env.get(f"{name}_FILE") or None
    return value, Path(file) if file else None


def _http_url(env: Mapping[str, str], name: str) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        return check_http_url(name, raw)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _integer(env: Mapping[str, str], name: str, *, minimum: int, maximum: int | None = None) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw, 10)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
        raise ConfigError(f"{name}={value} is out of range ({bound})")
    return value


def child_environ(**extra: str) -> dict[str, str]:
    """This process's environment plus `extra`, for a child process that needs variables of its own."""
    return {**os.environ, **extra}
