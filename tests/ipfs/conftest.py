"""Real Kubo and IPFS Cluster processes for the IPFS tests: loopback, ports chosen by the OS, temp dirs,
run by dapp._utils.process and stopped by PID."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path

import pytest
from ipfs_nodes import ClusterNode, KuboNode, NamePair

from dapp._utils.process import ChildProcess
from dapp.exceptions import IpfsError
from dapp.ipfs.daemon import KuboDaemon
from dapp.ipfs.kubo import Kubo

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


def _cluster_binary() -> str:
    binary = os.environ.get("DAPP_IPFS_CLUSTER_BIN") or shutil.which("ipfs-cluster-service")
    if not binary:
        pytest.fail("ipfs-cluster-service not found: run `make setup-ipfs` and export DAPP_IPFS_CLUSTER_BIN")
    return binary


# Printed once the Pinning Service API is bound; every port is 0 in the config, so this is where we learn it.
PINSVC_LISTENING = re.compile(r"PINSVCAPI \(HTTP[^)]*\): /ip4/127\.0\.0\.1/tcp/(\d+)")


@contextlib.contextmanager
def _run_cluster(kubo_api: str, home: Path) -> Iterator[ClusterNode]:
    """ipfs-cluster-service in front of the Kubo at `kubo_api`, its Pinning Service API on a loopback port
    of the OS's choosing, behind basic-auth credentials that are exchanged for a JWT bearer token as a
    real client would."""
    env = {**os.environ, "IPFS_CLUSTER_PATH": str(home)}
    binary = _cluster_binary()
    subprocess.run([binary, "init", "--consensus", "crdt"], env=env, check=True, capture_output=True)
    config_path = home / "service.json"
    config = json.loads(config_path.read_text())
    any_port = "/ip4/127.0.0.1/tcp/0"
    config["cluster"]["listen_multiaddress"] = [any_port]
    config["cluster"]["mdns_interval"] = "0s"
    config["api"]["restapi"]["http_listen_multiaddress"] = any_port
    config["api"]["ipfsproxy"]["listen_multiaddress"] = any_port
    config["api"]["ipfsproxy"]["node_multiaddress"] = kubo_api
    config["api"]["pinsvcapi"]["http_listen_multiaddress"] = any_port
    config["api"]["pinsvcapi"]["basic_auth_credentials"] = {"tester": "secret"}
    config["ipfs_connector"]["ipfshttp"]["node_multiaddress"] = kubo_api
    config_path.write_text(json.dumps(config, indent=2))
    child = ChildProcess(
        "ipfs-cluster-service", [binary, "daemon"], env=env, log_path=home / "cluster.log", error=IpfsError,
        stop_timeout=20,
    )  # fmt: skip

    def token_issued() -> tuple[str, str] | None:
        listening = child.printed(PINSVC_LISTENING)
        if listening is None:
            return None
        url = f"http://127.0.0.1:{listening[1]}"
        token = _token(url)
        return (url, token) if token else None

    url, token = child.start(token_issued, timeout=60)
    assert child.pid is not None
    try:
        yield ClusterNode(url, token, child.pid, Kubo(kubo_api))
    finally:
        child.stop()


@pytest.fixture(scope="session")
def cluster(kubo: KuboNode, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterNode]:
    """A cluster pinning onto the session Kubo: the Pinning Service API protocol, content already local."""
    with _run_cluster(kubo.info.api_multiaddr, tmp_path_factory.mktemp("cluster")) as node:
        yield node


@pytest.fixture(scope="session")
def remote_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterNode]:
    """A cluster with its own Kubo, online on loopback only, that must fetch content from the `origins`
    a pin request names, as a hosted pinning service does."""
    with KuboDaemon(offline=False) as info, _run_cluster(info.api_multiaddr, tmp_path_factory.mktemp("remote")) as node:
        yield node


# IPNS between two nodes on loopback, without the internet: both run online with Routing.Type "dht" and no
# bootstrap peers, and the second one dials the first. Kubo's DHT is two DHTs (WAN and LAN); the LAN one
# accepts peers on private and loopback addresses and runs in server mode, so once the two are connected
# each is in the other's LAN routing table: `name publish` puts the record on the second node and `name
# resolve --nocache` there finds it. With Routing.Type none (our offline default) a record never leaves
# the node that made it; IPNS over pubsub would need the resolver subscribed before the publish.
DHT_ON_LOOPBACK = {"Routing.Type": "dht"}


@contextlib.contextmanager
def name_pair() -> Iterator[NamePair]:
    with KuboDaemon(offline=False, config=DHT_ON_LOOPBACK) as first, KuboDaemon(
        offline=False, config=DHT_ON_LOOPBACK
    ) as second:
        publisher, resolver = Kubo(first.api_multiaddr, gateway_url=first.gateway_url), Kubo(second.api_multiaddr)
        resolver.swarm_connect(publisher.addresses())
        try:
            yield NamePair(first, publisher, second, resolver)
        finally:
            publisher.close()
            resolver.close()


@pytest.fixture(scope="module")
def names() -> Iterator[NamePair]:
    """Two connected online Kubo nodes: releases are published on the first and resolved on the second."""
    with name_pair() as pair:
        yield pair


@pytest.fixture(scope="module")
def names_cluster(names: NamePair, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterNode]:
    """A cluster pinning onto the publishing node of `names`."""
    with _run_cluster(names.publisher_info.api_multiaddr, tmp_path_factory.mktemp("names-cluster")) as node:
        yield node


def _token(url: str) -> str | None:
    """A bearer token for the test credentials, or None while the API does not answer yet."""
    credentials = b64encode(b"tester:secret").decode()
    request = urllib.request.Request(f"{url}/token", method="POST", headers={"Authorization": f"Basic {credentials}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return str(json.load(response)["token"])
    except (urllib.error.URLError, OSError):
        return None
