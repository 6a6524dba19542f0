"""`dapp cid`, `dapp car`, `dapp publish` through the real CLI group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dapp.cli import main
from dapp.ipfs.unixfs import path_cid
from tests.support.ipfs_nodes import ClusterNode, KuboNode


def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "js").mkdir(parents=True)
    (root / "index.html").write_text("<h1>shop</h1>")
    (root / "js" / "app.js").write_text("export {}")
    return root


def test_cid_needs_no_daemon(tmp_path: Path) -> None:
    root = site(tmp_path)
    result = CliRunner().invoke(main, ["cid", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == path_cid(root)
    data = json.loads(CliRunner().invoke(main, ["cid", "--json", str(root / "index.html")]).stdout)
    assert data["cid"].startswith("bafkrei") and data["file_count"] == 1


def test_user_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["cid", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"ERROR: (DappValueError) {tmp_path / 'nope'}: no such file or directory"


def test_car_command(tmp_path: Path) -> None:
    root = site(tmp_path)
    result = CliRunner().invoke(main, ["car", "--json", str(root), str(tmp_path / "out.car")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cid"] == path_cid(root) and data["car_bytes"] == (tmp_path / "out.car").stat().st_size


@pytest.mark.kubo
def test_publish_with_own_daemon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No --ipfs-api: dapp starts Kubo on a project-local repo, publishes, and stops it."""
    monkeypatch.delenv("DAPP_IPFS_API", raising=False)
    monkeypatch.delenv("DAPP_IPFS_REPO", raising=False)
    monkeypatch.chdir(tmp_path)
    root = site(tmp_path)
    result = CliRunner().invoke(main, ["publish", "--json", str(root)])
    assert result.exit_code == 0, result.output
    release = json.loads(result.stdout)
    assert release["cid"] == path_cid(root)
    assert "local_path_gateway" not in release["urls"]  # that daemon is gone once the command returns
    assert (tmp_path / ".cache" / "ipfs" / "config").exists()
    assert not (tmp_path / ".cache" / "ipfs" / "api").exists()  # stopped cleanly
    assert json.loads((tmp_path / "releases.json").read_text())["releases"][0]["cid"] == release["cid"]


@pytest.mark.kubo
@pytest.mark.cluster
def test_publish_to_running_kubo_and_remote(kubo: KuboNode, cluster: ClusterNode, tmp_path: Path) -> None:
    root = site(tmp_path)
    releases = tmp_path / "rel.json"
    args = ["publish", str(root), "--ipfs-api", kubo.info.api_url, "--releases", str(releases)]
    result = CliRunner().invoke(main, [*args, "--remote", cluster.pinning_url, "--token", cluster.token])
    assert result.exit_code == 0, result.output
    cid = path_cid(root)
    assert f"published {cid}" in result.stdout
    assert f"subdomain gateway: https://{cid}.ipfs.dweb.link/" in result.stdout
    assert "pinned remotely" in result.stdout
    assert "… pinning" in result.stderr  # progress goes to stderr


def test_publish_kubo_unreachable(tmp_path: Path) -> None:
    root = site(tmp_path)
    result = CliRunner().invoke(main, ["publish", str(root), "--ipfs-api", "/ip4/127.0.0.1/tcp/9"])
    assert result.exit_code == 2
    assert "ERROR: (IpfsError) cannot reach the IPFS API at http://127.0.0.1:9" in result.stderr
    assert not (tmp_path / "releases.json").exists()
