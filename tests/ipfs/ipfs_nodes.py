"""Types of the IPFS test fixtures (a module of its own: `conftest` is not importable by name when
several test folders have one)."""

from __future__ import annotations

from dataclasses import dataclass

from dapp.ipfs.daemon import DaemonInfo
from dapp.ipfs.kubo import Kubo


@dataclass(frozen=True)
class KuboNode:
    info: DaemonInfo
    api: Kubo


@dataclass(frozen=True)
class ClusterNode:
    pinning_url: str
    token: str
    pid: int
    ipfs: Kubo  # the Kubo node the cluster pins onto


@dataclass(frozen=True)
class NamePair:
    """Two online Kubo nodes connected over loopback with the DHT on: one publishes, one resolves."""

    publisher_info: DaemonInfo
    publisher: Kubo
    resolver_info: DaemonInfo
    resolver: Kubo
