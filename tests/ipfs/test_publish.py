"""Publishing through a real Kubo: gateway round trip, CAR import, remote pinning on IPFS Cluster, faults."""

from __future__ import annotations

import json
import os
import signal
import socket
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from dapp._utils.process import is_running, wait_until_gone
from dapp.exceptions import CidMismatchError, DappValueError, IpfsError
from dapp.ipfs.car import write_car
from dapp.ipfs.daemon import KuboDaemon
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.pinning import PinningService
from dapp.ipfs.publish import load_releases, publish
from dapp.ipfs.unixfs import CHUNK_SIZE, iter_files, path_cid
from tests.support.ipfs_nodes import ClusterNode, KuboNode
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.kubo


def make_site(root: Path) -> Path:
    files = {
        "index.html": b"<!doctype html><link rel=icon href=./favicon.ico><script src=./app.js></script>",
        "app.js": b"import('./chunk.js')",
        "favicon.ico": os.urandom(1500),
        "img/product-\u00fcber.png": os.urandom(CHUNK_SIZE * 2 + 7),
        "img/big/hero.jpg": os.urandom(CHUNK_SIZE + 1),
        "docs/日本語.txt": "説明".encode(),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / ".DS_Store").write_bytes(b"not published")
    return root


def test_publish_and_fetch_every_file_through_the_gateway(kubo: KuboNode, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    releases = tmp_path / "releases.json"
    release = publish(kubo.api, site, releases_file=releases)
    assert release.cid == path_cid(site)
    assert kubo.api.is_pinned(release.cid)
    files = list(iter_files(site))
    assert release.file_count == len(files) == 6
    assert release.total_bytes == sum(path.stat().st_size for path in files)
    for path in files:
        relative = urllib.parse.quote(path.relative_to(site).as_posix())
        with urllib.request.urlopen(f"{kubo.info.gateway_url}/ipfs/{release.cid}/{relative}") as response:
            assert response.read() == path.read_bytes(), relative
    with pytest.raises(urllib.error.HTTPError):  # dotfiles stay private
        urllib.request.urlopen(f"{kubo.info.gateway_url}/ipfs/{release.cid}/.DS_Store")
    recorded = load_releases(releases)
    assert [entry["cid"] for entry in recorded] == [release.cid]
    assert release.urls["local_subdomain_gateway"].startswith(f"http://{release.cid}.ipfs.localhost:")
    publish(kubo.api, site, releases_file=releases)
    assert len(load_releases(releases)) == 2  # releases are appended, not replaced


def test_car_imports_into_a_fresh_kubo_with_the_same_root(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    car = tmp_path / "site.car"
    result = write_car(site, car)
    with KuboDaemon() as info:  # a node that has never seen these blocks
        fresh = Kubo(info.api_multiaddr)
        assert fresh.dag_import(car) == [result.cid]
        assert fresh.is_pinned(result.cid)  # pinning needs every block: the CAR is complete
        assert fresh.cat(f"{result.cid}/img/big/hero.jpg") == (site / "img/big/hero.jpg").read_bytes()
        fresh.close()


@pytest.mark.cluster
def test_remote_pin_on_ipfs_cluster(kubo: KuboNode, cluster: ClusterNode, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    service = PinningService(cluster.pinning_url, cluster.token)
    release = publish(kubo.api, site, remote=service, name="shop", releases_file=tmp_path / "r.json")
    assert release.remote_pin is not None and cluster.pinning_url in release.remote_pin
    [status] = service.find(release.cid)
    assert (status.status, status.cid, status.name) == ("pinned", release.cid, "shop")
    assert load_releases(tmp_path / "r.json")[0]["remote_pin"] == release.remote_pin


@pytest.mark.cluster
def test_remote_pin_with_a_bad_token_fails_and_records_nothing(
    kubo: KuboNode, cluster: ClusterNode, tmp_path: Path
) -> None:
    site = make_site(tmp_path / "site")
    service = PinningService(cluster.pinning_url, "not-a-token")
    with pytest.raises(IpfsError, match="401"):
        publish(kubo.api, site, remote=service, releases_file=tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


# --- faults -------------------------------------------------------------------------------------


def test_kubo_not_running(tmp_path: Path) -> None:
    # A port we hold bound but not listening: connections are refused, and nothing else can take it.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        site = make_site(tmp_path / "site")
        with pytest.raises(IpfsError, match="cannot reach the IPFS API"):
            publish(Kubo(f"/ip4/127.0.0.1/tcp/{closed.getsockname()[1]}"), site, releases_file=tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


@pytest.mark.reliability("fault")
def test_kubo_killed_mid_publish(tmp_path: Path) -> None:
    """Kubo dies (SIGKILL) after it has received 4 MiB of a 16 MiB add: nothing is recorded, and once
    the daemon is back on the same repo, the same publish goes through."""
    site = tmp_path / "site"
    site.mkdir()
    for i in range(4):
        (site / f"part{i}.bin").write_bytes(os.urandom(4 * 1024 * 1024))
    releases = tmp_path / "r.json"
    daemon = KuboDaemon(repo=tmp_path / "repo")  # kept across the crash, as a user's repo would be
    info = daemon.start()
    try:
        pid = info.pid

        def crash() -> None:
            os.kill(pid, signal.SIGKILL)
            wait_until_gone(pid, 30)  # checked below, in the test's own thread

        with TcpProxy(int(info.api_url.rsplit(":", 1)[1])) as proxy:
            proxy.after_bytes(4 * 1024 * 1024, crash)
            kubo = Kubo(f"/ip4/127.0.0.1/tcp/{proxy.port}")
            with pytest.raises(IpfsError, match=r"IPFS API at .* failed|cannot reach the IPFS API"):
                publish(kubo, site, releases_file=releases)
            kubo.close()
            assert proxy.tripped and daemon.pid is not None and not is_running(daemon.pid)
        assert not releases.exists()

        daemon.stop()
        restarted = Kubo(daemon.start().api_multiaddr)
        release = publish(restarted, site, releases_file=releases)
        restarted.close()
        assert release.cid == path_cid(site)
        assert [entry["cid"] for entry in load_releases(releases)] == [release.cid]
    finally:
        daemon.stop()


def test_bad_directories(kubo: KuboNode, tmp_path: Path) -> None:
    releases = tmp_path / "r.json"
    with pytest.raises(DappValueError, match="no such directory"):
        publish(kubo.api, tmp_path / "missing", releases_file=releases)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".gitkeep").touch()
    with pytest.raises(DappValueError, match="nothing to publish"):
        publish(kubo.api, tmp_path / "empty", releases_file=releases)
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(DappValueError, match="not a directory"):
        publish(kubo.api, tmp_path / "file", releases_file=releases)
    site = make_site(tmp_path / "site")
    (site / "escape").symlink_to("/etc/passwd")
    with pytest.raises(DappValueError, match="symlink"):
        publish(kubo.api, site, releases_file=releases)
    assert not releases.exists()


def test_corrupt_releases_file_is_reported(kubo: KuboNode, tmp_path: Path) -> None:
    releases = tmp_path / "r.json"
    releases.write_text(json.dumps(["not", "a", "releases", "file"]))
    with pytest.raises(DappValueError, match="not a releases file"):
        publish(kubo.api, make_site(tmp_path / "site"), releases_file=releases)


def test_kubo_disagreeing_with_our_cid_fails_loudly(tmp_path: Path) -> None:
    """A node whose import settings differ (here: 10 links per file node, not 174) must not be trusted."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "video.bin").write_bytes(os.urandom(11 * CHUNK_SIZE))
    with KuboDaemon(config={"Import.UnixFSFileMaxLinks": 10}) as info:
        odd = Kubo(info.api_multiaddr)
        with pytest.raises(CidMismatchError, match=f"expected {path_cid(site)}"):
            publish(odd, site, releases_file=tmp_path / "r.json")
        odd.close()
    assert not (tmp_path / "r.json").exists()


@pytest.mark.cluster
def test_remote_pin_fetches_from_our_node_and_survives_it(remote_cluster: ClusterNode, tmp_path: Path) -> None:
    """The service's own node pulls every block from ours (the `origins` we send), so the shop stays
    online after our node is gone."""
    site = make_site(tmp_path / "site")
    service = PinningService(remote_cluster.pinning_url, remote_cluster.token)
    with KuboDaemon(offline=False) as info:
        ours = Kubo(info.api_multiaddr)
        release = publish(ours, site, remote=service, releases_file=tmp_path / "r.json")
        ours.close()
    assert remote_cluster.ipfs.is_pinned(release.cid)
    for path in iter_files(site):
        assert remote_cluster.ipfs.cat(f"{release.cid}/{path.relative_to(site).as_posix()}") == path.read_bytes()
