"""`dapp publish`, `dapp cid`, `dapp car`: the shop's files on IPFS."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from dapp import settings
from dapp.cli.options import from_settings, ipfs_api_option, json_option
from dapp.cli.output import emit, progress
from dapp.exceptions import DappValueError
from dapp.ipfs.car import write_car
from dapp.ipfs.publish import DEFAULT_RELEASES, Release, publish as publish_directory
from dapp.ipfs.unixfs import import_path


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@ipfs_api_option
@click.option("--remote", metavar="URL", help="Also pin on this IPFS Pinning Service API endpoint.")
@click.option(
    "--token", default=from_settings("pinning_token"), help=f"Access token for --remote (env {settings.PINNING_TOKEN})."
)
@click.option("--name", help="Name of the pin at the remote service (default: the directory's name).")
@click.option(
    "--releases",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_RELEASES,
    show_default=True,
    help="Releases file the published CID is appended to.",
)
@json_option
def publish(
    directory: Path,
    ipfs_api: str | None,
    remote: str | None,
    token: str | None,
    name: str | None,
    releases: Path,
    as_json: bool,
) -> None:
    """Add DIRECTORY to IPFS, pin it, check Kubo's CID equals ours, and record the release."""
    # ipfshttpclient (behind Kubo) and requests cost ~0.1 s: `dapp cid` and `dapp car` never load them.
    from dapp.ipfs.kubo import open_kubo
    from dapp.ipfs.pinning import PinningService

    if remote and not ipfs_api:
        # Our own daemon runs offline on 127.0.0.1: no pinning service could fetch the blocks from it.
        raise DappValueError(
            "--remote needs a node the pinning service can reach: pass --ipfs-api (e.g. IPFS Desktop's)"
        )
    service = PinningService(remote, token or "") if remote else None
    with open_kubo(ipfs_api) as kubo:
        release = publish_directory(
            kubo, directory, remote=service, name=name, releases_file=releases, progress=progress
        )
    emit(as_json, asdict(release), lambda: _release_text(release, releases))


def _release_text(release: Release, releases: Path) -> str:
    lines = [
        f"published {release.cid}",
        f"  {release.file_count} files, {release.total_bytes} bytes; recorded in {releases}",
    ]
    if release.remote_pin:
        lines.append(f"  pinned remotely: {release.remote_pin}")
    lines += [f"  {kind.replace('_', ' ')}: {url}" for kind, url in release.urls.items()]
    return "\n".join(lines)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@json_option
def cid(path: Path, as_json: bool) -> None:
    """Print the CID `ipfs add -r --cid-version=1` gives PATH (file or directory), without any daemon."""
    result = import_path(path)
    emit(as_json, result.to_json(), result.cid)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def car(path: Path, out: Path, as_json: bool) -> None:
    """Write PATH's blocks to a CAR v1 file OUT (load it with `ipfs dag import OUT`)."""
    progress(f"writing {out}")
    result = write_car(path, out)
    data: dict[str, Any] = {**result.to_json(), "car": str(out), "car_bytes": out.stat().st_size}
    emit(as_json, data, f"{result.cid}\n  wrote {out} ({data['car_bytes']} bytes)")
