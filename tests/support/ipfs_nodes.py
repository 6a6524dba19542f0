"""The IPFS test fixtures' processes and types (a module of its own: `conftest` is not importable by name
when several test folders have one; bench/bench_release.py starts the same nodes)."""

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dapp._utils.process import ChildProcess
from dapp.exceptions import IpfsError
from dapp.ipfs.daemon import DaemonInfo, KuboDaemon
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


def _cluster_binary() -> str:
    binary = os.environ.get("DAPP_IPFS_CLUSTER_BIN") or shutil.which("ipfs-cluster-service")
    if not binary:
        raise IpfsError("ipfs-cluster-service not found: run `make setup-ipfs` and export DAPP_IPFS_CLUSTER_BIN")
    return binary


# Printed once the Pinning Service API is bound; every port is 0 in the config, so this is where we learn it.
PINSVC_LISTENING = re.compile(r"PINSVCAPI \(HTTP[^)]*\): /ip4/127\.0\.0\.1/tcp/(\d+)")


@contextlib.contextmanager
def run_cluster(kubo_api: str, home: Path, cors_origins: Sequence[str] = ()) -> Iterator[ClusterNode]:
    """ipfs-cluster-service in front of the Kubo at `kubo_api`, its Pinning Service API on a loopback port
    of the OS's choosing, behind basic-auth credentials that are exchanged for a JWT bearer token as a
    real client would. `cors_origins`: web pages that may call that API from a browser (a pin request is a
    POST with an Authorization header: both must be allowed, as a hosted service allows them)."""
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
    if cors_origins:
        config["api"]["pinsvcapi"]["cors_allowed_origins"] = list(cors_origins)
        config["api"]["pinsvcapi"]["cors_allowed_methods"] = ["GET", "POST"]
        config["api"]["pinsvcapi"]["cors_allowed_headers"] = ["Authorization", "Content-Type"]
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


# IPNS between two nodes on loopback, without the internet: both run online with Routing.Type "dht" and no
# bootstrap peers, and the second one dials the first. Kubo's DHT is two DHTs (WAN and LAN); the LAN one
# accepts peers on private and loopback addresses and runs in server mode, so once the two are connected
# each is in the other's LAN routing table: `name publish` puts the record on the second node and `name
# resolve --nocache` there finds it. With Routing.Type none (our offline default) a record never leaves
# the node that made it; IPNS over pubsub would need the resolver subscribed before the publish.
DHT_ON_LOOPBACK = {"Routing.Type": "dht"}


@contextlib.contextmanager
def name_pair(resolver_config: dict[str, object] | None = None) -> Iterator[NamePair]:
    """`resolver_config`: extra Kubo settings for the second node (e.g. the cache of its gateway)."""
    with (
        KuboDaemon(offline=False, config=DHT_ON_LOOPBACK) as first,
        KuboDaemon(offline=False, config={**DHT_ON_LOOPBACK, **(resolver_config or {})}) as second,
    ):
        publisher, resolver = Kubo(first.api_multiaddr, gateway_url=first.gateway_url), Kubo(second.api_multiaddr)
        resolver.swarm_connect(publisher.addresses())
        try:
            yield NamePair(first, publisher, second, resolver)
        finally:
            publisher.close()
            resolver.close()


def _token(url: str) -> str | None:
    """A bearer token for the test credentials, or None while the API does not answer yet."""
    credentials = b64encode(b"tester:secret").decode()
    request = urllib.request.Request(f"{url}/token", method="POST", headers={"Authorization": f"Basic {credentials}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return str(json.load(response)["token"])
    except (urllib.error.URLError, OSError):
        return None
