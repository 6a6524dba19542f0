"""The shop page for one deployment: build it from the checkout, compute its CID, check a published one.

The page (frontend/, built by esbuild) is static and cannot change once published, so it is built for one
deployment: `config.json` next to index.html carries the chain id, address, deployment block, code hash and
a read RPC URL (the page refuses to transact when the code at the address has another hash). The build is
deterministic, so the same checkout and config give the same bytes and the same CID: `verify_page` takes a
published CID, rebuilds the page from this checkout with the config.json the published page carries, and
says whether the CIDs match. Building takes ~0.5 s (esbuild) once `make setup` installed frontend/'s
packages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dapp._utils.validate import check_address, check_http_url
from dapp.compile import REPO_ROOT
from dapp.exceptions import CidMismatchError, DappValueError, IpfsError, PageBuildError
from dapp.ipfs.cid import Cid
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.metadata import build_profile_document
from dapp.ipfs.unixfs import import_path
from dapp.registry import Deployment

FRONTEND = REPO_ROOT / "frontend"
DEFAULT_OUT = REPO_ROOT / "build" / "page"
CONFIG_NAME = "config.json"
MAX_CONFIG = 64 * 1024
LOCAL_CHAINS = {31337: "Local anvil", 1337: "Local Ganache"}


@dataclass(frozen=True)
class PageConfig:
    """What config.json says; `to_json` is the exact file (sorted keys) so a rebuild gives the same bytes."""

    chain_id: int
    address: str
    deployment_block: int
    code_hash: str
    rpc_url: str
    chain_name: str | None = None
    seller: str | None = None
    seller_document: Cid | None = None
    ipfs_api: str | None = None
    indexer: str | None = None  # our Ponder indexer of this Catalog (a convenience: the page checks the chain)
    # What a release embeds so the page can say which release it runs (none of it changes between two
    # builds of one commit, so the CID stays reproducible): the IPNS name it is published under, and the
    # commit it was built from with that commit's date. `source_dirty`: files differed from the commit.
    ipns_name: str | None = None
    source_commit: str | None = None
    source_date: str | None = None
    source_dirty: bool | None = None

    @classmethod
    def for_deployment(
        cls,
        deployment: Deployment,
        rpc_url: str,
        *,
        seller: str | None = None,
        seller_document: Cid | None = None,
        ipfs_api: str | None = None,
        indexer: str | None = None,
    ) -> PageConfig:
        if not rpc_url.startswith(("http://", "https://")):
            raise DappValueError(f"the page reads the chain over http(s); got RPC URL {rpc_url!r}")
        return cls(
            chain_id=deployment.chain_id,
            address=deployment.address,
            deployment_block=deployment.deployed_on_block,
            code_hash=deployment.code_hash,
            rpc_url=rpc_url,
            chain_name=LOCAL_CHAINS.get(deployment.chain_id),
            seller=check_address("seller", seller) if seller is not None else None,
            seller_document=seller_document,
            ipfs_api=ipfs_api,
            indexer=check_http_url("indexer", indexer) if indexer is not None else None,
        )

    def to_json(self) -> bytes:
        data: dict[str, Any] = {
            "chainId": self.chain_id,
            "address": self.address,
            "deploymentBlock": self.deployment_block,
            "codeHash": self.code_hash,
            "rpcUrl": self.rpc_url,
            "chainName": self.chain_name,
            "seller": self.seller,
            "sellerDocument": str(self.seller_document) if self.seller_document else None,
            "ipfsApi": self.ipfs_api,
            "indexer": self.indexer,
            "ipnsName": self.ipns_name,
            "sourceCommit": self.source_commit,
            "sourceDate": self.source_date,
            "sourceDirty": self.source_dirty,
        }
        present = {key: value for key, value in data.items() if value is not None}
        return (json.dumps(present, indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_json(cls, raw: bytes) -> PageConfig:
        try:
            data = json.loads(raw)
            return cls(
                chain_id=int(data["chainId"]),
                address=str(data["address"]),
                deployment_block=int(data["deploymentBlock"]),
                code_hash=str(data["codeHash"]),
                rpc_url=str(data["rpcUrl"]),
                chain_name=data.get("chainName"),
                seller=data.get("seller"),
                seller_document=Cid.parse(data["sellerDocument"]) if data.get("sellerDocument") else None,
                ipfs_api=data.get("ipfsApi"),
                indexer=data.get("indexer"),
                ipns_name=data.get("ipnsName"),
                source_commit=data.get("sourceCommit"),
                source_date=data.get("sourceDate"),
                source_dirty=data.get("sourceDirty"),
            )
        except (ValueError, KeyError, TypeError) as exc:  # DappValueError (a bad CID) is a ValueError
            raise DappValueError(f"not a page config.json: {exc}") from None


def build_seller_document(name: str, description: str = "", banner: Cid | None = None) -> tuple[bytes, Cid]:
    """A storefront's seller document (name, description, banner image CID) and its CID: what
    `--seller-document` names. It is a seller profile document (dapp.ipfs.metadata) without a shipping key."""
    return build_profile_document(name, description, banner)


@dataclass(frozen=True)
class PageBuild:
    directory: Path
    cid: Cid
    initial_js: tuple[str, ...]  # files the page loads up front (relative to directory)
    lazy_js: tuple[str, ...]  # the burner wallet's chunk, loaded only on local chains


@dataclass(frozen=True)
class PageVerification:
    cid: Cid
    rebuilt_cid: Cid
    config: PageConfig

    @property
    def matches(self) -> bool:
        return self.cid == self.rebuilt_cid


def build_page(config: PageConfig | None, out: Path | None = None, *, artifact: Path | None = None) -> PageBuild:
    """Build the page into `out` (default build/page, replaced), add config.json, return its CID."""
    directory = Path(out) if out is not None else DEFAULT_OUT
    node = shutil.which("node")
    if not (FRONTEND / "build.mjs").is_file():
        raise PageBuildError(f"{FRONTEND} not found: the page is built from a source checkout")
    if node is None:
        raise PageBuildError("node not found on PATH: the page is built with Node (>= 20)")
    if not (FRONTEND / "node_modules" / "esbuild").is_dir():
        raise PageBuildError(f"{FRONTEND}/node_modules is missing: run `make setup` (npm ci in frontend/)")
    command = [node, str(FRONTEND / "build.mjs"), "--outdir", str(directory.resolve()), "--json"]
    if artifact is not None:
        command += ["--artifact", str(Path(artifact).resolve())]
    result = subprocess.run(command, cwd=FRONTEND, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PageBuildError(f"the page build failed: {(result.stderr or result.stdout).strip()[-2000:]}")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    if config is not None:
        (directory / CONFIG_NAME).write_bytes(config.to_json())
    return PageBuild(
        directory=directory,
        cid=import_path(directory).root,
        initial_js=tuple(summary["initialJs"]),
        lazy_js=tuple(summary["lazyJs"]),
    )


def configure_page(build: PageBuild, config: PageConfig) -> PageBuild:
    """The same build with another config.json, and its CID. The bundle itself holds no configuration, so
    a new deployment or port needs no second esbuild run (`dapp up` retries on other ports this way)."""
    (build.directory / CONFIG_NAME).write_bytes(config.to_json())
    return replace(build, cid=import_path(build.directory).root)


@dataclass(frozen=True)
class PageUrls:
    """Where a published page opens on a gateway (`http://HOST:PORT`): the path form, and on a local
    gateway the subdomain form, which gives the page an origin (storage, wallet permissions) of its own."""

    cid: Cid
    gateway: str

    @property
    def path_url(self) -> str:
        return f"{self.gateway.rstrip('/')}/ipfs/{self.cid}/"

    @property
    def subdomain_origin(self) -> str | None:
        """`http://CID.ipfs.localhost:PORT` (Kubo serves `localhost` as a subdomain gateway); None for a
        gateway elsewhere, whose subdomain setup we do not know."""
        parsed = urllib.parse.urlsplit(self.gateway)
        if parsed.hostname not in ("127.0.0.1", "localhost") or parsed.port is None:
            return None
        return f"http://{self.cid}.ipfs.localhost:{parsed.port}"

    @property
    def subdomain_url(self) -> str | None:
        origin = self.subdomain_origin
        return f"{origin}/" if origin else None

    @property
    def origins(self) -> tuple[str, ...]:
        """The browser origins the page runs under, e.g. to allow on an IPFS API (CORS)."""
        path_origin = self.gateway.rstrip("/")
        return (self.subdomain_origin, path_origin) if self.subdomain_origin else (path_origin,)


def publish_page(kubo: Kubo, build: PageBuild) -> Cid:
    """Add the built page to Kubo (pinned). Kubo's CID must be ours: it is what `verify-page` rebuilds."""
    added = Cid.parse(kubo.add_path(build.directory)[-1].cid)
    if added != build.cid:
        raise CidMismatchError(str(build.cid), str(added), what="Kubo's import of the page")
    return added


def fetch_config(cid: Cid, source: Kubo | str) -> PageConfig:
    """The config.json of a published page, from a Kubo API client or a gateway base URL."""
    path = f"{cid}/{CONFIG_NAME}"
    if isinstance(source, Kubo):
        raw = source.cat(path, max_bytes=MAX_CONFIG)
    else:
        url = f"{source.rstrip('/')}/ipfs/{path}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                raw = response.read(MAX_CONFIG)
        except (urllib.error.URLError, OSError) as exc:
            raise IpfsError(f"could not fetch {url}: {exc}") from exc
    return PageConfig.from_json(raw)


def verify_page(cid: Cid, source: Kubo | str | PageConfig) -> PageVerification:
    """Rebuild the page from this checkout with the published page's config.json (or the one given) and
    compare CIDs. The config is data, not code: a page that differs anywhere else does not match."""
    config = source if isinstance(source, PageConfig) else fetch_config(cid, source)
    with tempfile.TemporaryDirectory(prefix="dapp-page-") as tmp:
        rebuilt = build_page(config, Path(tmp) / "page")
    return PageVerification(cid=cid, rebuilt_cid=rebuilt.cid, config=config)
