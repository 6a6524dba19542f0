"""Product names for listings: metadata documents fetched from IPFS, checked against the CID on chain,
and kept in a local cache by CID.

A CID names its content, so a cached document never goes stale: the cache is a folder of files named by
CID, each re-checked against its name when read (a damaged file is dropped and fetched again). Only
documents that passed the check are stored; failures are not cached, so a document published later is
found on the next run.

A document that cannot be fetched, or fails its check, gets a `NameLookup` with a problem instead of a
name; listings show it as a clear marker rather than failing the whole command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dapp._utils.files import write_atomic
from dapp.exceptions import CidMismatchError, IpfsError, MetadataError
from dapp.ipfs.cid import Cid
from dapp.ipfs.metadata import Variant, fetch_verified, parse_product_metadata
from dapp.ipfs.unixfs import data_cid

if TYPE_CHECKING:
    from dapp.ipfs.kubo import Kubo

MISSING = "missing"  # not found, or the node/gateway could not be reached
INVALID = "invalid"  # fetched, but not the document the CID names, or not a product document


@dataclass(frozen=True)
class NameLookup:
    """The product name in a metadata document, or why there is none."""

    cid: Cid
    name: str | None
    problem: str | None = None  # MISSING or INVALID
    detail: str = ""
    variant: Variant | None = None  # the product's options (sizes, colours), if it has some

    @property
    def label(self) -> str:
        """What a table shows: the name, or a marker no real name looks like."""
        if self.name is not None:
            return self.name
        return "⚠ metadata missing" if self.problem == MISSING else "⚠ metadata invalid"

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "metadataProblem": self.problem}
        if self.variant is not None:
            data["variant"] = self.variant.to_json()
        return data


class DocumentCache:
    """Verified documents by CID, one file each, in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, cid: Cid) -> Path:
        return self.directory / str(cid)

    def get(self, cid: Cid) -> bytes | None:
        try:
            data = self._path(cid).read_bytes()
        except OSError:
            return None
        if data_cid(data) != cid:  # damaged or edited: forget it
            self._path(cid).unlink(missing_ok=True)
            return None
        return data

    def put(self, cid: Cid, data: bytes) -> None:
        if data_cid(data) != cid:
            raise CidMismatchError(str(cid), str(data_cid(data)), what="a document to cache")
        write_atomic(self._path(cid), data.decode("utf-8"))  # only parsed (UTF-8 JSON) documents are cached


def product_names(
    cids: Iterable[Cid], source: Kubo | str | None, cache: DocumentCache | None = None
) -> dict[Cid, NameLookup]:
    """The product name of each metadata CID: from the cache, else fetched from `source` (Kubo or a
    gateway URL; None: IPFS is unavailable) and checked. Never raises for one bad document."""
    names: dict[Cid, NameLookup] = {}
    for cid in dict.fromkeys(cids):
        data = cache.get(cid) if cache else None
        if data is None and source is None:
            names[cid] = NameLookup(cid, None, MISSING, "IPFS unavailable")
            continue
        if data is None:
            try:
                data = fetch_verified(source, cid)  # type: ignore[arg-type]
            except CidMismatchError as exc:
                names[cid] = NameLookup(cid, None, INVALID, str(exc))
                continue
            except MetadataError as exc:  # too large
                names[cid] = NameLookup(cid, None, INVALID, str(exc))
                continue
            except IpfsError as exc:
                names[cid] = NameLookup(cid, None, MISSING, str(exc))
                continue
        try:
            metadata = parse_product_metadata(cid, data)
        except MetadataError as exc:
            names[cid] = NameLookup(cid, None, INVALID, str(exc))
            continue
        if cache:
            cache.put(cid, data)
        names[cid] = NameLookup(cid, metadata.name, variant=metadata.variant)
    return names


def lookup_names(
    cids: list[Cid],
    cache_dir: Path,
    *,
    gateway: str | None = None,
    ipfs_api: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[Cid, NameLookup]:
    """Product names for `cids`, from the cache in `cache_dir`, else through `gateway`, else through Kubo
    (`ipfs_api`, or our own daemon). A document that is missing or fails its CID check gets a marker;
    without a reachable IPFS every uncached name is marked missing."""
    cache = DocumentCache(cache_dir)
    uncached = [cid for cid in cids if cache.get(cid) is None]
    if not uncached or gateway:
        return product_names(cids, gateway, cache)
    from dapp.ipfs.kubo import open_kubo  # ipfshttpclient: only when a document is fetched

    progress(f"fetching {len(uncached)} metadata document(s) from IPFS and checking their CIDs")
    try:
        with open_kubo(ipfs_api) as kubo:
            return product_names(cids, kubo, cache)
    except IpfsError as exc:
        progress(f"IPFS unavailable ({exc}); names not shown")
        return product_names(cids, None, cache)
