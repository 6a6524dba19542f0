"""Publish a directory (the shop page) to IPFS: add, pin, check Kubo's CID against ours, optionally pin
remotely, and record the release.

The release is recorded only after every step succeeded, so a failed publish leaves the releases file
as it was. The CID is computed locally first: it is what we promise, and Kubo must agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dapp._utils.files import write_atomic
from dapp.exceptions import CidMismatchError, DappValueError, IpfsError
from dapp.ipfs.cid import Cid
from dapp.ipfs.unixfs import import_path

if TYPE_CHECKING:  # the caller hands them in; importing Kubo here would load ipfshttpclient for `dapp cid`
    from dapp.ipfs.kubo import Kubo
    from dapp.ipfs.pinning import PinningService

DEFAULT_RELEASES = Path("releases.json")
PUBLIC_PATH_GATEWAY = "https://ipfs.io"
PUBLIC_SUBDOMAIN_GATEWAY = "dweb.link"


@dataclass(frozen=True)
class Release:
    """One published version of a directory, as recorded in the releases file."""

    cid: str
    published_at: str
    file_count: int
    total_bytes: int
    dag_size: int
    source: str
    remote_pin: str | None
    urls: dict[str, str]


def gateway_urls(cid: str, local_gateway: str | None) -> dict[str, str]:
    """Where the release can be opened. Subdomain gateways give each CID its own origin (storage and
    wallet permissions are not shared between sites), so they are the ones to hand to users."""
    urls = {
        "path_gateway": f"{PUBLIC_PATH_GATEWAY}/ipfs/{cid}/",
        "subdomain_gateway": f"https://{cid}.ipfs.{PUBLIC_SUBDOMAIN_GATEWAY}/",
    }
    if local_gateway:
        port = local_gateway.rsplit(":", 1)[-1]
        urls["local_path_gateway"] = f"{local_gateway}/ipfs/{cid}/"
        # Kubo treats `localhost` as a subdomain gateway and redirects to this form.
        urls["local_subdomain_gateway"] = f"http://{cid}.ipfs.localhost:{port}/"
    return urls


def load_releases(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DappValueError(f"{path}: cannot read the releases file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise DappValueError(f"{path}: not a releases file (expected {{'releases': [...]}})")
    return list(data["releases"])


def record_release(path: Path, release: Release) -> None:
    """Append to the releases file atomically (write a temp file, then rename)."""
    releases = [*load_releases(path), asdict(release)]
    write_atomic(path, json.dumps({"releases": releases}, indent=2) + "\n")


def publish(
    kubo: Kubo,
    directory: Path,
    *,
    remote: PinningService | None = None,
    name: str | None = None,
    releases_file: Path = DEFAULT_RELEASES,
    progress: Callable[[str], None] = lambda message: None,
) -> Release:
    """Add and pin `directory`, verify the CID, pin remotely if asked, record and return the release."""
    if not directory.exists():
        raise DappValueError(f"{directory}: no such directory")
    if not directory.is_dir():
        raise DappValueError(f"{directory}: not a directory (publish takes the site's folder)")
    progress(f"computing the CID of {directory} locally")
    local = import_path(directory)  # also applies the walking rule: symlinks and unreadable files fail here
    if local.file_count == 0:
        raise DappValueError(f"{directory}: nothing to publish (no files, dotfiles aside)")
    progress(f"adding {local.file_count} files ({local.content_bytes} bytes) to Kubo at {kubo.api_url}")
    added = kubo.add_path(directory, pin=True)
    if not added:
        raise IpfsError(f"Kubo returned nothing for add {directory}")
    kubo_cid = Cid.parse(added[-1].cid)
    if kubo_cid != local.root:
        raise CidMismatchError(local.cid, str(kubo_cid), what=f"Kubo's import of {directory}")
    if not kubo.is_pinned(local.root):
        raise IpfsError(f"Kubo did not pin {local.cid}")
    remote_pin = None
    if remote is not None:
        progress(f"pinning {local.cid} on {remote.url}")
        status = remote.pin_and_wait(local.cid, name=name or directory.resolve().name, origins=kubo.addresses())
        remote_pin = f"{remote.url} ({status.request_id})"
    release = Release(
        cid=local.cid,
        published_at=datetime.now(UTC).isoformat(timespec="seconds"),
        file_count=local.file_count,
        total_bytes=local.content_bytes,
        dag_size=local.dag_size,
        source=str(directory),
        remote_pin=remote_pin,
        urls=gateway_urls(local.cid, None if kubo.ephemeral else kubo.gateway_url()),
    )
    record_release(releases_file, release)
    return release
