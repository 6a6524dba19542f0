"""The shop page commands: `dapp page build`, `dapp page release` and `dapp verify-page CID`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dapp import settings
from dapp._utils.validate import check_address, check_http_url
from dapp.cli.common import session
from dapp.cli.options import NetworkArgs, cli_settings, from_settings, ipfs_api_option, json_option, network_options
from dapp.cli.output import emit, progress
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid
from dapp.ipfs.kubo import open_kubo
from dapp.liveness import live_deployment
from dapp.page import DEFAULT_OUT, PageConfig, build_page, verify_page

if TYPE_CHECKING:
    from dapp.ipfs.pinsvc import PinEndpoint
    from dapp.release import ReleaseEntry


@click.group("page")
def page() -> None:
    """The shop page: a static site on IPFS, built for one deployment."""


@page.command("build")
@network_options
@click.option("--rpc-url", metavar="URL", help="Read RPC the page uses (default: the network's URL).")
@click.option("--seller", metavar="ADDRESS", help="Storefront mode: only this seller's products.")
@click.option("--seller-document", metavar="CID", help="The seller's name and banner document on IPFS.")
@click.option("--indexer", metavar="URL", help="Our Ponder indexer of this Catalog (search, histories; checked "
              "by the page against the chain).")  # fmt: skip
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output directory (replaced).",
)
def build(
    net: NetworkArgs,
    rpc_url: str | None,
    seller: str | None,
    seller_document: str | None,
    indexer: str | None,
    out: Path,
) -> None:
    """Build the page with config.json for the Catalog registered on --network; print its CID."""
    if seller is not None:
        check_address("--seller", seller)  # all checked before connecting
    if indexer is not None:
        check_http_url("--indexer", indexer)
    document = Cid.parse_document(seller_document) if seller_document else None
    with session(net, need_account=False) as s:
        deployment, _abi = live_deployment(s.w3, s.registry)
        url = rpc_url or getattr(s.w3.provider, "endpoint_uri", None)
        if not url:
            raise DappValueError("this network has no http RPC URL for the page to read: pass --rpc-url")
        config = PageConfig.for_deployment(
            deployment, str(url), seller=seller, seller_document=document, indexer=indexer
        )
    progress(f"building the page for {deployment.address} on chain {deployment.chain_id}")
    built = build_page(config, out)
    emit(
        net.as_json,
        {"cid": str(built.cid), "directory": str(built.directory), "config": config.to_json().decode()},
        f"{built.cid}\nbuilt in {built.directory}",
    )


def _token(env: str, endpoint: str) -> str:
    """An endpoint's token from $ENV, or from the file $ENV_FILE names (a secret store's mount)."""
    token, file = settings.secret(env)
    if not token and file:
        try:
            token = file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise DappValueError(
                f"cannot read the token file of {endpoint} ({env}_FILE={file}): {exc.strerror}"
            ) from None
    if not token:
        raise DappValueError(
            f"pinning endpoint {endpoint} has no token: set {env} or {env}_FILE (nothing was published)"
        )
    return token


def _endpoints(cluster: str | None, services: tuple[str, ...]) -> tuple[PinEndpoint | None, tuple[PinEndpoint, ...]]:
    from dapp.ipfs.pinsvc import PinEndpoint

    ours = PinEndpoint("cluster", cluster, _token(settings.CLUSTER_TOKEN, f"cluster ({cluster})")) if cluster else None
    remote = []
    for spec in services:
        name, sep, url = spec.partition("=")
        if not sep or not name or not url:
            raise DappValueError(f"--pin-service {spec!r}: write NAME=URL, e.g. pinata=https://api.pinata.cloud/psa")
        remote.append(PinEndpoint(name, url, _token(settings.pin_token_variable(name), f"{name} ({url})")))
    return ours, tuple(remote)


@page.command("release")
@network_options
@click.option("--rpc-url", metavar="URL", help="Read RPC the page uses (default: the network's URL).")
@click.option("--seller", metavar="ADDRESS", help="Storefront mode: only this seller's products.")
@click.option("--seller-document", metavar="CID", help="The seller's name and banner document on IPFS.")
@click.option("--name", "key_name", default="shop", show_default=True, metavar="KEYNAME",
              help="The IPNS name's key (.dapp/ipns/KEYNAME.key, created on first use: back it up).")  # fmt: skip
@ipfs_api_option
@click.option("--cluster", metavar="URL", default=from_settings("cluster_url"),
              help=f"Our IPFS Cluster's Pinning Service API (env {settings.CLUSTER_URL}; token "
              f"${settings.CLUSTER_TOKEN} or ${settings.CLUSTER_TOKEN}_FILE).")  # fmt: skip
@click.option("--pin-service", "pin_services", metavar="NAME=URL", multiple=True,
              default=from_settings("pin_services"),
              help="A Pinning Service API endpoint to pin on through Kubo's `pin remote` (repeatable; "
              f"env {settings.PIN_SERVICES}, space-separated; token ${settings.PIN_TOKEN_PREFIX}NAME or "
              f"${settings.PIN_TOKEN_PREFIX}NAME_FILE).")  # fmt: skip
@click.option("--pin-timeout", type=click.FloatRange(0, min_open=True), default=300.0, show_default=True,
              help="Seconds to wait for every endpoint to report the pin as pinned.")  # fmt: skip
@click.option("--gateway", metavar="URL", help="Gateway to fetch the release back through (default: the Kubo's own).")
@click.option("--domain", metavar="DOMAIN", help="The domain to print the DNSLink record for.")
@click.option("--releases", type=click.Path(file_okay=False, path_type=Path),
              default=from_settings("releases"),
              help=f"Folder of the release records, <chainId>.json (default releases; "
              f"env {settings.RELEASES}).")  # fmt: skip
@click.option("--rollback", metavar="CID", help="Point the name back at this earlier verified release instead.")
def release(
    net: NetworkArgs,
    rpc_url: str | None,
    seller: str | None,
    seller_document: str | None,
    key_name: str,
    ipfs_api: str | None,
    cluster: str | None,
    pin_services: tuple[str, ...],
    pin_timeout: float,
    gateway: str | None,
    domain: str | None,
    releases: Path,
    rollback: str | None,
) -> None:
    """Build the page for the Catalog on --network, check the build is reproducible, pin it everywhere
    configured, publish it under the shop's IPNS name, fetch it back and verify it, and record it in
    releases/<chainId>.json. With --rollback CID, point the name back at an earlier release."""
    from dapp.release import ReleaseSettings, release_page, rollback as rollback_release

    if seller is not None:
        check_address("--seller", seller)
    document = Cid.parse_document(seller_document) if seller_document else None
    rollback_cid = Cid.parse(rollback) if rollback else None
    ours, remote = _endpoints(cluster, pin_services) if not rollback else (None, ())
    settings = ReleaseSettings(
        key_name=key_name, state=cli_settings().home, releases=releases, work=Path("build") / "release",
        cluster=ours, pin_services=remote, pin_timeout=pin_timeout, domain=domain,
        gateway=gateway,
    )  # fmt: skip
    with session(net, need_account=False) as s:
        if rollback_cid is not None:
            chain_id = s.connection.chain_id
            config = None
        else:
            deployment, _abi = live_deployment(s.w3, s.registry)
            url = rpc_url or getattr(s.w3.provider, "endpoint_uri", None)
            if not url:
                raise DappValueError("this network has no http RPC URL for the page to read: pass --rpc-url")
            config = PageConfig.for_deployment(deployment, str(url), seller=seller, seller_document=document)
    with open_kubo(ipfs_api) as kubo:
        if config is None:
            assert rollback_cid is not None
            entry = rollback_release(kubo, chain_id, str(rollback_cid), settings, progress=progress)
        else:
            progress(f"releasing the page for {config.address} on chain {config.chain_id}")
            entry = release_page(kubo, config, settings, progress=progress)
    emit(net.as_json, entry.to_json(), lambda: _release_text(entry, settings.record_path(entry.chain_id)))


def _release_text(entry: ReleaseEntry, record: Path) -> str:
    what = "released" if entry.kind == "release" else "rolled back to"
    lines = [f"{what} {entry.cid}", f"  name         /ipns/{entry.ipns_name} (key {entry.key_name!r})"]
    if entry.previous_cid:
        lines.append(f"  previous     {entry.previous_cid}")
    commit = entry.source_commit
    if commit:
        dirty = " + uncommitted changes" if entry.config.get("sourceDirty") else ""
        lines.append(f"  source       {commit} ({entry.config.get('sourceDate')}){dirty}")
    lines.append(f"  page         {entry.files} files, {entry.bytes} bytes; CAR {entry.car}")
    for pin in entry.pins:
        lines.append(f"  pinned       {pin.endpoint} via {pin.via} at {pin.pinned_at} ({pin.waited_s:.1f} s)")
    verified = entry.verified
    lines.append(
        f"  verify-page  {'MATCH' if verified.get('matches') else 'MISMATCH'} (rebuilt {verified.get('rebuiltCid')})"
    )
    labels = {
        "local_ipns_path": "open (local)", "local_ipns_subdomain": "open (local)", "ipns_path": "open",
        "ipns_subdomain": "open", "ipfs_subdomain": "this release", "dnslink": "DNSLink",
        "ens_contenthash_ipns": "ENS name", "ens_contenthash_ipfs": "ENS this CID",
    }  # fmt: skip
    lines += [f"  {labels.get(kind, kind):<12} {value}" for kind, value in entry.links.items()]
    lines.append(f"  recorded in  {record}")
    return "\n".join(lines)


@click.command("verify-page")
@click.argument("cid")
@ipfs_api_option
@click.option("--gateway", metavar="URL", help="Fetch the published config.json from this gateway instead.")
@json_option
def verify_page_cmd(cid: str, ipfs_api: str | None, gateway: str | None, as_json: bool) -> None:
    """Rebuild the page from this checkout with the published page's config.json; say if CID matches."""
    published = Cid.parse(cid)
    if gateway:
        result = verify_page(published, gateway)
    else:
        with open_kubo(ipfs_api) as kubo:
            result = verify_page(published, kubo)
    emit(
        as_json,
        {"cid": str(result.cid), "rebuiltCid": str(result.rebuilt_cid), "matches": result.matches},
        (
            f"MATCH: {result.cid} is this checkout's page"
            if result.matches
            else f"MISMATCH: {result.cid} is not this checkout's page (rebuilt: {result.rebuilt_cid})"
        ),
    )
    if not result.matches:
        raise SystemExit(1)
