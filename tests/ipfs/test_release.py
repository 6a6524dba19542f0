"""`dapp page release` with real parts: anvil and a registered Catalog, two online Kubo nodes on loopback
(one publishes, the other resolves the shop's IPNS name), an IPFS Cluster serving the Pinning Service API
both to our direct client and to Kubo's `pin remote`. Faults are set up where the test controls them: a
token the cluster rejects, a closed port, a cluster that can never fetch the content."""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dapp.exceptions import (
    IpfsError,
    NameKeyError,
    NotReproducibleError,
    PinServiceError,
    PinTimeoutError,
    UnknownReleaseError,
)
from dapp.ipfs.cid import Cid
from dapp.ipfs.ipns import resolve_name
from dapp.ipfs.pinsvc import KuboRemoteTarget, PinEndpoint, pin_everywhere
from dapp.nodes import AnvilNode
from dapp.page import PageBuild, PageConfig, build_page
from dapp.release import ReleaseSettings, load_record, release_page, rollback
from tests.support.fixtures import Cli
from tests.support.ipfs_nodes import ClusterNode, KuboNode, NamePair

pytestmark = [pytest.mark.kubo]

ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
CONFIG = PageConfig(chain_id=31337, address=ADDRESS, deployment_block=1, code_hash="0x" + "ab" * 32,
                    rpc_url="http://127.0.0.1:8545")  # fmt: skip


def _settings(tmp_path: Path, **overrides: object) -> ReleaseSettings:
    values: dict[str, object] = {
        "key_name": "shop", "state": tmp_path / ".dapp", "releases": tmp_path / "releases",
        "work": tmp_path / "work", **overrides,
    }  # fmt: skip
    return ReleaseSettings(**values)  # type: ignore[arg-type]


def _closed_port() -> Iterator[int]:
    with socket.socket() as sock:  # bound, not listening: connections are refused and nobody can take it
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


closed_port = pytest.fixture(_closed_port)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cli, str]]:
    """A project folder with a Catalog deployed on its own anvil."""
    home = tmp_path_factory.mktemp("project")
    with AnvilNode() as node:
        cli = Cli(home)
        cli.run("deploy", "--network", node.url)
        yield cli, node.url


def _release(cli: Cli, url: str, names: NamePair, *args: str, check: bool = True) -> object:
    node = names.publisher_info
    result = cli.run("page", "release", "--network", url, "--ipfs-api", node.api_multiaddr, "--gateway",
                     node.gateway_url, *args, check=check)  # fmt: skip
    return result


# --- the whole flow through the CLI ----------------------------------------------------------------


@pytest.mark.anvil
@pytest.mark.cluster
def test_release_release_rollback_resolve_on_a_second_node(
    project: tuple[Cli, str], names: NamePair, names_cluster: ClusterNode
) -> None:
    cli, url = project
    cli.env.update({"DAPP_CLUSTER_TOKEN": names_cluster.token, "DAPP_PIN_TOKEN_BACKUP": names_cluster.token})
    pins = ("--cluster", names_cluster.pinning_url, "--pin-service", f"backup={names_cluster.pinning_url}")
    first = _release(cli, url, names, *pins, "--domain", "shop.example")
    assert names_cluster.token not in first.stdout + first.stderr  # type: ignore[attr-defined]
    assert "BACK IT UP" in first.stderr  # type: ignore[attr-defined]
    key = cli.home / ".dapp" / "ipns" / "shop.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    [entry1] = load_record(cli.home / "releases" / "31337.json")
    cid1, name = entry1["cid"], entry1["ipns_name"]
    assert f"released {cid1}" in first.stdout  # type: ignore[attr-defined]
    assert f'_dnslink.shop.example TXT "dnslink=/ipns/{name}"' in first.stdout  # type: ignore[attr-defined]
    assert entry1["links"]["ens_contenthash_ipns"].startswith("0xe5010172002408011220")
    assert entry1["links"]["ens_contenthash_ipfs"] == "0xe3" + "01" + Cid.parse(cid1).binary.hex()
    assert entry1["verified"]["matches"] is True
    assert [pin["via"] for pin in entry1["pins"]] == ["cluster", "kubo pin remote"]
    assert all(pin["status"] == "pinned" for pin in entry1["pins"])
    assert entry1["config"]["ipnsName"] == name and len(entry1["config"]["sourceCommit"]) == 40
    assert Path(entry1["car"]).is_file() or (cli.home / entry1["car"]).is_file()
    assert resolve_name(names.resolver, name) == Cid.parse(cid1)

    # Another page (a storefront of one seller): another CID under the same name.
    second = _release(cli, url, names, *pins, "--seller", ADDRESS)
    entry1_again, entry2 = load_record(cli.home / "releases" / "31337.json")
    assert entry1_again == entry1  # appended, never rewritten
    assert entry2["cid"] != cid1 and entry2["ipns_name"] == name and entry2["previous_cid"] == cid1
    assert "BACK IT UP" not in second.stderr  # type: ignore[attr-defined]
    assert resolve_name(names.resolver, name) == Cid.parse(entry2["cid"])

    back = _release(cli, url, names, "--rollback", cid1)
    assert f"rolled back to {cid1}" in back.stdout  # type: ignore[attr-defined]
    *_, entry3 = load_record(cli.home / "releases" / "31337.json")
    assert (entry3["kind"], entry3["cid"], entry3["previous_cid"]) == ("rollback", cid1, entry2["cid"])
    assert resolve_name(names.resolver, name) == Cid.parse(cid1)
    assert names_cluster.token not in (cli.home / "releases" / "31337.json").read_text()


@pytest.mark.anvil
def test_cli_bad_input_publishes_nothing(project: tuple[Cli, str], names: NamePair, tmp_path: Path) -> None:
    cli, url = project
    record = cli.home / "releases" / "31337.json"
    before = record.read_bytes() if record.exists() else None

    def fails(*args: str, env: dict[str, str] | None = None) -> str:
        saved = dict(cli.env)
        cli.env = {k: v for k, v in saved.items() if "TOKEN" not in k} | (env or {})
        try:
            result = _release(cli, url, names, *args, check=False)
        finally:
            cli.env = saved
        assert result.returncode == 2, result.stderr  # type: ignore[attr-defined]
        assert (record.read_bytes() if record.exists() else None) == before
        return str(result.stderr)  # type: ignore[attr-defined]

    assert "backup (http://127.0.0.1:1) has no token: set DAPP_PIN_TOKEN_BACKUP" in fails(
        "--pin-service", "backup=http://127.0.0.1:1"
    )
    assert "cannot read the token file" in fails(
        "--cluster", "http://127.0.0.1:1", env={"DAPP_CLUSTER_TOKEN_FILE": str(tmp_path / "missing")}
    )
    assert "write NAME=URL" in fails("--pin-service", "http://127.0.0.1:1")
    assert "is not a verified release" in fails(
        "--rollback", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
    )
    empty = Cli(tmp_path)  # no deployment registered for this chain
    result = empty.run("page", "release", "--network", url, check=False)
    assert result.returncode == 2 and "not deployed on chain 31337" in result.stderr


# --- Kubo's `pin remote` against the cluster's Pinning Service API ----------------------------------


@pytest.mark.cluster
def test_pin_remote_wrong_token_names_the_endpoint(kubo: KuboNode, cluster: ClusterNode) -> None:
    cid = str(kubo.api.add_bytes(b"wrong token " + os.urandom(8)))
    target = KuboRemoteTarget(PinEndpoint("wrong", cluster.pinning_url, "not-the-token"), kubo.api)
    with pytest.raises(PinServiceError, match=rf"pinning endpoint wrong \({cluster.pinning_url}\):.*401") as raised:
        pin_everywhere([target], cid, "x", timeout=30)
    assert "not-the-token" not in str(raised.value)


def test_pin_remote_endpoint_down_names_it(kubo: KuboNode, closed_port: int) -> None:
    cid = str(kubo.api.add_bytes(b"down " + os.urandom(8)))
    url = f"http://127.0.0.1:{closed_port}"
    target = KuboRemoteTarget(PinEndpoint("down", url, "token"), kubo.api)
    with pytest.raises(PinServiceError, match=rf"pinning endpoint down \({url}\):.*(refused|connect)"):
        pin_everywhere([target], cid, "x", timeout=30)


@pytest.mark.cluster
def test_pin_remote_that_stays_queued_times_out(kubo: KuboNode, remote_cluster: ClusterNode) -> None:
    """The session Kubo is offline: the cluster's own node can never fetch the blocks, so the pin never
    leaves queued/pinning, and the wait ends at the timeout with the endpoint and its last status."""
    cid = str(kubo.api.add_bytes(b"unreachable " + os.urandom(8)))
    target = KuboRemoteTarget(PinEndpoint("far", remote_cluster.pinning_url, remote_cluster.token), kubo.api)
    seen: list[str] = []
    with pytest.raises(PinTimeoutError, match=r"pinning endpoint far .* still '(queued|pinning)' after 2 s") as raised:
        pin_everywhere([target], cid, "x", timeout=2, progress=seen.append)
    assert raised.value.cid == cid and raised.value.endpoint.startswith("far")
    assert any("pin requested on far" in line for line in seen)


@pytest.mark.cluster
def test_pin_remote_reaches_pinned(kubo: KuboNode, cluster: ClusterNode) -> None:
    cid = str(kubo.api.add_bytes(b"pinned " + os.urandom(8)))
    target = KuboRemoteTarget(PinEndpoint("ours", cluster.pinning_url, cluster.token), kubo.api)
    [record] = pin_everywhere([target], cid, "x", timeout=60)
    assert (record.status, record.via, record.endpoint) == (
        "pinned",
        "kubo pin remote",
        f"ours ({cluster.pinning_url})",
    )


# --- refusals before anything is published -----------------------------------------------------------


def test_a_build_that_is_not_reproducible_publishes_nothing(names: NamePair, tmp_path: Path) -> None:
    builds = 0

    def drifting(config: PageConfig, out: Path) -> PageBuild:
        nonlocal builds
        builds += 1
        (out / "stamp.txt").parent.mkdir(parents=True, exist_ok=True)
        built = build_page(config, out)
        (out / "stamp.txt").write_text(f"build {builds}")  # what a timestamp in a bundle would do
        from dapp.page import configure_page

        return configure_page(built, config)

    settings = _settings(tmp_path, key_name="drift")
    with pytest.raises(NotReproducibleError, match=r"not reproducible: .*stamp\.txt.*nothing was published"):
        release_page(names.publisher, CONFIG, settings, builder=drifting)
    assert not settings.record_path(31337).exists()
    name = (settings.state / "ipns" / "drift.key").exists() and load_name(settings)
    with pytest.raises(IpfsError):
        resolve_name(names.publisher, str(name), timeout=5)


def load_name(settings: ReleaseSettings) -> str:
    from dapp.ipfs.ipns import name_of

    return name_of(settings.key_path.read_bytes())


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"not a key", "not an Ed25519 key"), (None, "cannot read the name key")],
)
def test_a_name_key_that_cannot_be_read(names: NamePair, tmp_path: Path, content: bytes | None, problem: str) -> None:
    settings = _settings(tmp_path, key_name=f"bad{len(content or b'')}")
    settings.key_path.parent.mkdir(parents=True)
    if content is None:
        settings.key_path.mkdir()  # a directory where the key file should be: reading it fails
    else:
        settings.key_path.write_bytes(content)
    with pytest.raises(NameKeyError, match=problem):
        release_page(names.publisher, CONFIG, settings)
    assert not settings.record_path(31337).exists()
    assert not (settings.work / "build-1").exists()  # refused before building


def test_rollback_to_a_cid_not_in_the_record(names: NamePair, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with pytest.raises(UnknownReleaseError, match=r"is not a verified release .*\(latest releases: none yet\)"):
        rollback(names.publisher, 31337, "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", settings)
    assert not settings.record_path(31337).exists()


def test_a_kubo_key_of_that_name_that_is_not_ours(names: NamePair, tmp_path: Path) -> None:
    names.publisher.rpc("key gen", "key/gen", ("stranger",), {"type": "ed25519"})
    settings = _settings(tmp_path, key_name="stranger")
    with pytest.raises(NameKeyError, match=r"Kubo already has a key 'stranger'.*ipfs key export"):
        release_page(names.publisher, CONFIG, settings)
    assert not settings.key_path.exists()


def test_record_is_appended_by_release_only_when_everything_passed(names: NamePair, tmp_path: Path) -> None:
    """A library-level release with no pinning endpoint: the record gets one entry per release, in order."""
    settings = _settings(tmp_path, key_name="lib")
    first = release_page(names.publisher, CONFIG, settings)
    again = release_page(names.publisher, CONFIG, settings)  # same page, same CID: still a new entry
    assert first.cid == again.cid and again.previous_cid == first.cid
    assert [entry["cid"] for entry in load_record(settings.record_path(31337))] == [first.cid, first.cid]
    assert json.loads(settings.record_path(31337).read_text())["releases"][0] == first.to_json()
