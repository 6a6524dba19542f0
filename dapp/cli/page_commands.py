"""The shop page commands: `dapp page build` and `dapp verify-page CID`."""

from __future__ import annotations

from pathlib import Path

import click

from dapp._utils.validate import check_address
from dapp.cli.common import session
from dapp.cli.options import NetworkArgs, ipfs_api_option, json_option, network_options
from dapp.cli.output import emit, progress
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid
from dapp.ipfs.kubo import open_kubo
from dapp.liveness import live_deployment
from dapp.page import DEFAULT_OUT, PageConfig, build_page, verify_page


@click.group("page")
def page() -> None:
    """The shop page: a static site on IPFS, built for one deployment."""


@page.command("build")
@network_options
@click.option("--rpc-url", metavar="URL", help="Read RPC the page uses (default: the network's URL).")
@click.option("--seller", metavar="ADDRESS", help="Storefront mode: only this seller's products.")
@click.option("--seller-document", metavar="CID", help="The seller's name and banner document on IPFS.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output directory (replaced).",
)
def build(net: NetworkArgs, rpc_url: str | None, seller: str | None, seller_document: str | None, out: Path) -> None:
    """Build the page with config.json for the Catalog registered on --network; print its CID."""
    if seller is not None:
        check_address("--seller", seller)  # both checked before connecting
    document = Cid.parse_document(seller_document) if seller_document else None
    with session(net, need_account=False) as s:
        deployment, _abi = live_deployment(s.w3, s.registry)
        url = rpc_url or getattr(s.w3.provider, "endpoint_uri", None)
        if not url:
            raise DappValueError("this network has no http RPC URL for the page to read: pass --rpc-url")
        config = PageConfig.for_deployment(deployment, str(url), seller=seller, seller_document=document)
    progress(f"building the page for {deployment.address} on chain {deployment.chain_id}")
    built = build_page(config, out)
    emit(
        net.as_json,
        {"cid": str(built.cid), "directory": str(built.directory), "config": config.to_json().decode()},
        f"{built.cid}\nbuilt in {built.directory}",
    )


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
