"""The built page as files: nothing from another origin, every path relative, byte-identical rebuilds, and
`dapp verify-page` telling a release of this checkout from a tampered one."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dapp.ipfs.cid import Cid
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.unixfs import path_cid
from dapp.page import PageConfig, build_page, verify_page

CONFIG = PageConfig(
    chain_id=31337,
    address="0x5FbDB2315678afecb367f032d93F642f64180aa3",
    deployment_block=1,
    code_hash="0x" + "ab" * 32,
    rpc_url="http://127.0.0.1:8545",
    chain_name="Local anvil",
)
URL = re.compile(rb"[a-z][a-z0-9+.-]*://[^\s\"'`)<>]*", re.IGNORECASE)
# XML namespace names are identifiers, never fetched: the SVG icons', and Preact's for the elements it
# creates (SVG, MathML, XHTML).
NAMESPACES = {
    b"http://www.w3.org/2000/svg",
    b"http://www.w3.org/1998/Math/MathML",
    b"http://www.w3.org/1999/xhtml",
}
ROOT_ABSOLUTE = [
    re.compile(rb"""(?:src|href|action)\s*=\s*["']?/(?!/)"""),  # HTML attributes
    re.compile(rb"""url\(\s*["']?/"""),  # CSS
    re.compile(rb"""(?:from|import)\s*\(?\s*["']/"""),  # ES module specifiers
    re.compile(rb"""fetch\(\s*["'`]/"""),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_page(CONFIG, tmp_path_factory.mktemp("built") / "page").directory


def test_the_output_is_one_directory_of_static_files(built: Path) -> None:
    names = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert "index.html" in names and "config.json" in names and "icons/shop.svg" in names
    assert any(re.fullmatch(r"app-[A-Z0-9]+\.js", n) for n in names)
    assert any(re.fullmatch(r"style-[A-Z0-9]+\.css", n) for n in names)
    assert any(re.fullmatch(r"chunks/burner-[A-Z0-9]+\.js", n) for n in names)
    assert json.loads((built / "config.json").read_text())["chainId"] == 31337


def test_no_url_to_an_external_origin_and_no_root_absolute_path(built: Path) -> None:
    for path in built.rglob("*"):
        if not path.is_file() or path.name == "config.json":  # config.json holds the RPC URL by design
            continue
        data = path.read_bytes()
        urls = set(URL.findall(data)) - NAMESPACES
        assert not urls, f"{path.name} names other origins: {sorted(urls)[:5]}"
        for pattern in ROOT_ABSOLUTE:
            found = pattern.search(data)
            assert found is None, f"{path.name}: root-absolute path {data[found.start() : found.end() + 20]!r}"
    html = (built / "index.html").read_text()
    assert 'src="./app-' in html and 'href="./style-' in html and 'href="./icons/shop.svg"' in html


def test_the_burner_is_not_in_the_initial_javascript(built: Path) -> None:
    app = next(built.glob("app-*.js")).read_bytes()
    burner = next(built.glob("chunks/burner-*.js"))
    assert f'import("./chunks/{burner.name}")'.encode() in app
    assert b"privateKeyToAccount" not in app and b"secp256k1" not in app.lower()


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    again = build_page(CONFIG, tmp_path / "again")
    assert str(again.cid) == path_cid(built)
    files = {p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    assert files == {p.relative_to(again.directory): p.read_bytes() for p in again.directory.rglob("*") if p.is_file()}
    other = build_page(PageConfig(**{**CONFIG.__dict__, "chain_id": 1337}), tmp_path / "other")
    assert other.cid != again.cid  # the config is part of what the CID pins


@pytest.mark.kubo
def test_verify_page_on_a_match_and_on_a_tampered_build(built: Path, kubo: Kubo, tmp_path: Path) -> None:
    published = kubo.add_path(built)[-1].cid
    assert published == path_cid(built)  # our importer agrees with Kubo's
    result = verify_page(Cid.parse(published), kubo)
    assert result.matches and result.config == CONFIG

    tampered = tmp_path / "tampered"
    subprocess.run(["cp", "-r", str(built), str(tampered)], check=True)
    app = next(tampered.glob("app-*.js"))
    app.write_bytes(app.read_bytes().replace(b"Buy now", b"Buy n0w"))
    bad = kubo.add_path(tampered)[-1].cid
    result = verify_page(Cid.parse(bad), kubo)
    assert not result.matches and str(result.rebuilt_cid) == published

    cli = [sys.executable, "-m", "dapp", "verify-page", "--ipfs-api", kubo.api_multiaddr]
    ok = subprocess.run([*cli, published], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and f"MATCH: {published}" in ok.stdout, ok.stderr
    mismatch = subprocess.run([*cli, bad], capture_output=True, text=True, check=False)
    assert mismatch.returncode == 1 and "MISMATCH" in mismatch.stdout


@pytest.mark.anvil
@pytest.mark.kubo
def test_dapp_page_build_writes_the_registry_deployment(shop: Any, tmp_path: Path) -> None:
    from dapp.liveness import genesis_hash
    from dapp.registry import Deployment, Registry, abi_hash

    w3, catalog = shop.w3, shop.catalog
    config = shop.page_config()
    deployment = Deployment(
        chain_id=config.chain_id,
        name="Catalog",
        address=catalog.address,
        tx_hash="0x" + "00" * 32,
        deployed_on_block=shop.deploy_block,
        genesis_hash=genesis_hash(w3),
        code_hash=config.code_hash,
        abi_hash=abi_hash(catalog.abi),
        deployer=shop.accounts[0],
        deployed_at="2026-12-01T00:00:00Z",
        tool="test",
    )
    Registry(tmp_path / "deployments").record(deployment, list(catalog.abi))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "dapp", "page", "build", "--network", shop.node.url]
    command += ["--deployments", str(tmp_path / "deployments"), "--out", str(out), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["cid"] == path_cid(out)
    written = PageConfig.from_json((out / "config.json").read_bytes())
    assert written == PageConfig.for_deployment(deployment, shop.node.url)
    assert (written.chain_id, written.address, written.deployment_block) == (31337, catalog.address, shop.deploy_block)


def test_the_checkout_location_does_not_change_the_build(built: Path, tmp_path: Path) -> None:
    """Anyone's clone gives the same CID: file names hash inputs by path, so none may be absolute."""
    from dapp.page import FRONTEND

    elsewhere = tmp_path / "another" / "clone"
    top_dist = {str(FRONTEND)}  # skip frontend/dist only, not the packages' own dist folders

    def ignore(directory: str, names: list[str]) -> list[str]:
        return ["dist"] if directory in top_dist and "dist" in names else []

    shutil.copytree(FRONTEND, elsewhere / "frontend", ignore=ignore)
    shutil.copytree(FRONTEND.parent / "dapp" / "artifacts", elsewhere / "dapp" / "artifacts")
    out = tmp_path / "out"
    subprocess.run(["node", "build.mjs", "--outdir", str(out)], cwd=elsewhere / "frontend", check=True)
    (out / "config.json").write_bytes(CONFIG.to_json())
    assert path_cid(out) == path_cid(built)


def test_configure_page_swaps_config_json_without_rebuilding(built: Path, tmp_path: Path) -> None:
    from dapp.page import configure_page

    template = build_page(None, tmp_path / "template")
    other = PageConfig(**{**CONFIG.__dict__, "rpc_url": "http://127.0.0.1:18545", "ipfs_api": "http://127.0.0.1:15001"})
    assert configure_page(template, CONFIG).cid == Cid.parse(path_cid(built))  # same bytes as a full build
    reconfigured = configure_page(template, other)
    assert reconfigured.cid != Cid.parse(path_cid(built))
    assert reconfigured.cid == build_page(other, tmp_path / "full").cid


def test_page_urls_on_a_local_gateway_and_elsewhere() -> None:
    from dapp.page import PageUrls

    cid = Cid.parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
    local = PageUrls(cid, "http://127.0.0.1:8080")
    assert local.path_url == f"http://127.0.0.1:8080/ipfs/{cid}/"
    assert local.subdomain_url == f"http://{cid}.ipfs.localhost:8080/"
    assert local.origins == (f"http://{cid}.ipfs.localhost:8080", "http://127.0.0.1:8080")
    remote = PageUrls(cid, "https://ipfs.example.org/")
    assert remote.path_url == f"https://ipfs.example.org/ipfs/{cid}/"
    assert remote.subdomain_url is None and remote.origins == ("https://ipfs.example.org",)


@pytest.mark.kubo
def test_publish_page_refuses_a_cid_kubo_does_not_agree_with(built: Path, kubo: Kubo, tmp_path: Path) -> None:
    import dataclasses

    from dapp.exceptions import CidMismatchError
    from dapp.page import PageBuild, publish_page

    build = PageBuild(built, Cid.parse(path_cid(built)), (), ())
    assert publish_page(kubo, build) == build.cid
    with pytest.raises(CidMismatchError):
        publish_page(kubo, dataclasses.replace(build, cid=Cid(b"\x01" * 32, build.cid.codec)))
