"""Real Kubo and IPFS Cluster processes for the IPFS tests: loopback, ports chosen by the OS, temp dirs,
run by dapp._utils.process and stopped by PID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dapp.ipfs.daemon import KuboDaemon
from dapp.ipfs.kubo import Kubo
from tests.support.ipfs_nodes import ClusterNode, KuboNode, NamePair, name_pair, run_cluster

# `make test` keeps the property test at Hypothesis' default budget; `make fuzz` (-m slow
# --hypothesis-profile=fuzz, registered in tests/conftest.py) runs long.


@pytest.fixture(scope="session")
def kubo() -> Iterator[KuboNode]:
    """One offline Kubo daemon for the session (started in ~0.3 s; content is addressed, so tests that
    add different files cannot interfere)."""
    daemon = KuboDaemon()
    info = daemon.start()
    api = Kubo(info.api_multiaddr, gateway_url=info.gateway_url)
    try:
        yield KuboNode(info, api)
    finally:
        api.close()
        daemon.stop()


@pytest.fixture(scope="session")
def cluster(kubo: KuboNode, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterNode]:
    """A cluster pinning onto the session Kubo: the Pinning Service API protocol, content already local."""
    with run_cluster(kubo.info.api_multiaddr, tmp_path_factory.mktemp("cluster")) as node:
        yield node


@pytest.fixture(scope="session")
def remote_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterNode]:
    """A cluster with its own Kubo, online on loopback only, that must fetch content from the `origins`
    a pin request names, as a hosted pinning service does."""
    with KuboDaemon(offline=False) as info, run_cluster(info.api_multiaddr, tmp_path_factory.mktemp("remote")) as node:
        yield node


@pytest.fixture(scope="module")
def names() -> Iterator[NamePair]:
    """Two connected online Kubo nodes: releases are published on the first and resolved on the second."""
    with name_pair() as pair:
        yield pair


@pytest.fixture(scope="module")
def names_cluster(names: NamePair, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterNode]:
    """A cluster pinning onto the publishing node of `names`."""
    with run_cluster(names.publisher_info.api_multiaddr, tmp_path_factory.mktemp("names-cluster")) as node:
        yield node
