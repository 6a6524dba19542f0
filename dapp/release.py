"""Ship the shop page as a verified release under a stable name (`dapp page release`).

One release: build the page twice and refuse if the two CIDs differ (nobody could verify it); add it
to Kubo and write a CAR; pin it on every configured endpoint and wait until each says `pinned`; point
the shop's IPNS name at it; check the name resolves to it, fetch it back through the gateway and rebuild
it with `verify_page`; append the entry to releases/<chainId>.json. A rollback points the name at an earlier
release of that record again.

Every check that can refuse (the record readable, the key, the tokens, the two builds) runs before
anything is pinned or published, and the record is written last, so a refusal leaves the name and the
record as they were. The record is append-only: earlier entries are kept as they were read.

config.json carries what the page needs to say which release it runs and that it has a successor:
`ipnsName` (the page can ask a gateway what the name points at now), `sourceCommit` and `sourceDate` (the
commit's own date, so two builds of one commit are identical), and `sourceDirty` when the checkout had
changes the commit does not hold.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dapp._utils.files import write_atomic
from dapp._utils.source import source_info
from dapp.compile import REPO_ROOT
from dapp.ens import ipfs_contenthash, ipns_contenthash
from dapp.exceptions import DappValueError, IpfsError, NotReproducibleError, ReleaseError, UnknownReleaseError
from dapp.ipfs.car import write_car
from dapp.ipfs.cid import Cid
from dapp.ipfs.ipns import NameKey, ensure_key, publish_name, resolve_name
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.pinsvc import ClusterTarget, KuboRemoteTarget, PinEndpoint, PinRecord, PinTarget, pin_everywhere
from dapp.ipfs.publish import PUBLIC_PATH_GATEWAY, PUBLIC_SUBDOMAIN_GATEWAY
from dapp.ipfs.unixfs import iter_files
from dapp.page import PageBuild, PageConfig, build_page, publish_page, verify_page

Builder = Callable[[PageConfig, Path], PageBuild]
Progress = Callable[[str], None]
PIN_TIMEOUT = 300.0
FETCH_TIMEOUT = 60.0


@dataclass(frozen=True)
class ReleaseSettings:
    """Where a release goes. `state` holds the name keys (.dapp); `releases` the records; `work` the two
    builds and the CAR files."""

    key_name: str
    state: Path
    releases: Path
    work: Path
    cluster: PinEndpoint | None = None
    pin_services: tuple[PinEndpoint, ...] = ()
    pin_timeout: float = PIN_TIMEOUT
    domain: str | None = None
    gateway: str | None = None  # to fetch the release back through (default: the Kubo's own, from its config)

    def __post_init__(self) -> None:
        names = [endpoint.name for endpoint in (*self.pin_services, *([self.cluster] if self.cluster else []))]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise DappValueError(f"pinning endpoint names must differ: {', '.join(duplicates)} given twice")
        if self.pin_timeout <= 0:
            raise DappValueError("the pin timeout must be positive")

    @property
    def key_path(self) -> Path:
        return self.state / "ipns" / f"{self.key_name}.key"

    def record_path(self, chain_id: int) -> Path:
        return self.releases / f"{chain_id}.json"


@dataclass(frozen=True)
class ReleaseEntry:
    """One line of the release record: a release, or a rollback to one."""

    kind: str  # "release" or "rollback"
    chain_id: int
    cid: str
    ipns_name: str
    key_name: str
    published_at: str
    config: dict[str, Any]
    pins: tuple[PinRecord, ...]
    verified: dict[str, Any]  # {"matches", "rebuiltCid", "gateway"}, as verify-page reported it
    files: int = 0
    bytes: int = 0
    car: str | None = None
    previous_cid: str | None = None  # what the name pointed at before (a rollback's "from")
    links: dict[str, str] = field(default_factory=dict)

    @property
    def source_commit(self) -> str | None:
        return self.config.get("sourceCommit")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["pins"] = [asdict(pin) for pin in self.pins]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReleaseEntry:
        pins = tuple(PinRecord(**pin) for pin in data.get("pins") or ())
        return cls(**{**data, "pins": pins})


def release_links(cid: str, name: str, gateway: str | None, domain: str | None) -> dict[str, str]:
    """What the record prints: where the name and the CID open, the DNSLink record and ENS contenthashes."""
    links = {
        "ipns_path": f"{PUBLIC_PATH_GATEWAY}/ipns/{name}/",
        "ipns_subdomain": f"https://{name}.ipns.{PUBLIC_SUBDOMAIN_GATEWAY}/",
        "ipfs_subdomain": f"https://{cid}.ipfs.{PUBLIC_SUBDOMAIN_GATEWAY}/",
    }
    if gateway:
        port = urllib.parse.urlsplit(gateway).port
        links["local_ipns_path"] = f"{gateway.rstrip('/')}/ipns/{name}/"
        if port:
            links["local_ipns_subdomain"] = f"http://{name}.ipns.localhost:{port}/"
    links["dnslink"] = f'_dnslink.{domain or "<domain>"} TXT "dnslink=/ipns/{name}"'
    links["ens_contenthash_ipns"] = ipns_contenthash(name).hex
    links["ens_contenthash_ipfs"] = ipfs_contenthash(Cid.parse(cid)).hex
    return links


def load_record(path: Path) -> list[dict[str, Any]]:
    """The entries of one chain's record, as stored ([] if there is none yet)."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"cannot read the release record {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise ReleaseError(f"{path} is not a release record (expected {{'releases': [...]}})")
    return list(data["releases"])


def _append(path: Path, entry: ReleaseEntry) -> None:
    """Append one entry; the earlier ones are written back exactly as they were read."""
    entries = [*load_record(path), entry.to_json()]
    write_atomic(path, json.dumps({"releases": entries}, indent=2) + "\n")


def release_page(
    kubo: Kubo,
    config: PageConfig,
    settings: ReleaseSettings,
    *,
    builder: Builder = build_page,
    progress: Progress = lambda message: None,
) -> ReleaseEntry:
    """Build, check, pin, name, verify and record one release of the page for `config`'s deployment."""
    record_path = settings.record_path(config.chain_id)
    record = load_record(record_path)
    gateway = _gateway(kubo, settings)
    key = _key(kubo, settings, progress)
    source = source_info(REPO_ROOT)
    if source is None:
        progress("not a git checkout: the release records no source commit")
    elif source.dirty:
        progress(f"the checkout has changes {source.commit[:12]} does not hold: the release says so (sourceDirty)")
    config = replace(
        config,
        ipns_name=key.name,
        source_commit=source.commit if source else None,
        source_date=source.date if source else None,
        source_dirty=True if source and source.dirty else None,
    )
    targets = _targets(kubo, settings)  # Kubo learns the services (and checks them) before any pin

    progress("building the page twice to check the build is reproducible")
    first = builder(config, _fresh(settings.work / "build-1"))
    second = builder(config, _fresh(settings.work / "build-2"))
    if first.cid != second.cid:
        raise NotReproducibleError(str(first.cid), str(second.cid), _differing(first.directory, second.directory))
    cid = str(first.cid)
    progress(f"reproducible: both builds are {cid}")

    publish_page(kubo, first)
    car = settings.work / f"{cid}.car"
    imported = write_car(first.directory, car)
    progress(f"added to Kubo and wrote {car} ({car.stat().st_size} bytes)")

    pins = pin_everywhere(targets, cid, f"shop-{config.chain_id}-{cid[-8:]}", timeout=settings.pin_timeout,
                          progress=progress)  # fmt: skip
    previous = _live_cid(record)
    progress(f"publishing {cid} under {key.name}")
    publish_name(kubo, key, first.cid, allow_offline=True)
    verified = _verify(kubo, first, key.name, gateway, progress)
    entry = ReleaseEntry(
        kind="release",
        chain_id=config.chain_id,
        cid=cid,
        ipns_name=key.name,
        key_name=key.key_name,
        published_at=_now(),
        config=json.loads(config.to_json()),
        pins=tuple(pins),
        verified=verified,
        files=imported.file_count,
        bytes=imported.content_bytes,
        car=str(car),
        previous_cid=previous,
        links=release_links(cid, key.name, gateway, settings.domain),
    )
    _append(record_path, entry)
    return entry


def rollback(
    kubo: Kubo, chain_id: int, cid: str, settings: ReleaseSettings, *, progress: Progress = lambda message: None
) -> ReleaseEntry:
    """Point the name back at `cid`, which must be a verified release in this chain's record."""
    wanted = str(Cid.parse(cid))
    record_path = settings.record_path(chain_id)
    record = load_record(record_path)
    releases = [
        entry for entry in record if entry.get("kind") == "release" and entry.get("verified", {}).get("matches")
    ]
    earlier = next((entry for entry in reversed(releases) if entry.get("cid") == wanted), None)
    if earlier is None:
        known = ", ".join(entry["cid"] for entry in releases[-5:]) or "none yet"
        raise UnknownReleaseError(
            f"{wanted} is not a verified release in {record_path} (latest releases: {known}): nothing was published"
        )
    gateway = _gateway(kubo, settings)
    key = _key(kubo, settings, progress)
    if key.name != earlier["ipns_name"]:
        raise ReleaseError(
            f"{wanted} was released under {earlier['ipns_name']} (key {earlier['key_name']!r}), "
            f"not under {key.name}: pass --name {earlier['key_name']}"
        )
    if not kubo.is_pinned(wanted):
        car = Path(earlier.get("car") or "")
        if not car.is_file():
            raise ReleaseError(
                f"this Kubo no longer has {wanted} and its CAR file {car} is gone: nothing was published"
            )
        progress(f"re-importing {wanted} from {car}")
        kubo.dag_import(car)
    progress(f"pointing {key.name} back at {wanted}")
    publish_name(kubo, key, Cid.parse(wanted), allow_offline=True)
    _check_resolves(kubo, key.name, Cid.parse(wanted))
    matches = json.loads(_fetch(f"{gateway}/ipfs/{wanted}/config.json")) == earlier["config"]
    if not matches:
        raise ReleaseError(f"{gateway}/ipfs/{wanted}/config.json is not the config.json the record holds for it")
    entry = ReleaseEntry(
        kind="rollback",
        chain_id=chain_id,
        cid=wanted,
        ipns_name=key.name,
        key_name=key.key_name,
        published_at=_now(),
        config=earlier["config"],
        pins=(),
        verified={**earlier["verified"], "configServed": matches},
        files=earlier.get("files", 0),
        bytes=earlier.get("bytes", 0),
        car=earlier.get("car"),
        previous_cid=_live_cid(record),
        links=release_links(wanted, key.name, gateway, settings.domain),
    )
    _append(record_path, entry)
    return entry


def _gateway(kubo: Kubo, settings: ReleaseSettings) -> str:
    gateway = settings.gateway or kubo.gateway_url()
    if not gateway:
        raise ReleaseError(
            f"the Kubo at {kubo.api_url} names no gateway port in its config: pass --gateway http://HOST:PORT, "
            "the gateway to fetch the release back through (nothing was published)"
        )
    return gateway.rstrip("/")


def _key(kubo: Kubo, settings: ReleaseSettings, progress: Progress) -> NameKey:
    key = ensure_key(kubo, settings.key_name, settings.key_path)
    if key.created:
        progress(
            f"created the name key {settings.key_name!r} ({key.name}) in {key.path}: BACK IT UP. Whoever holds "
            "it can repoint the shop's name; without it the name can never be moved again"
        )
    return key


def _targets(kubo: Kubo, settings: ReleaseSettings) -> list[PinTarget]:
    targets: list[PinTarget] = []
    if settings.cluster:
        targets.append(ClusterTarget(settings.cluster, kubo))
    for endpoint in settings.pin_services:
        remote = KuboRemoteTarget(endpoint, kubo)
        remote.configure()
        targets.append(remote)
    return targets


def _verify(kubo: Kubo, build: PageBuild, name: str, gateway: str, progress: Progress) -> dict[str, Any]:
    """Check the name now resolves to the build's CID (asking the routing, not Kubo's cache), fetch every
    file back through the gateway and compare it with the build, then run verify-page (a rebuild with the
    config.json the gateway serves) on the CID. Files are fetched under /ipfs/CID: a gateway caches what
    /ipns/NAME resolved to for the record's TTL, so right after a publish it may still serve the last one."""
    _check_resolves(kubo, name, build.cid)
    progress(f"fetching the release back through {gateway}/ipfs/{build.cid}/")
    for path in iter_files(build.directory):
        relative = path.relative_to(build.directory).as_posix()
        served = _fetch(f"{gateway}/ipfs/{build.cid}/{urllib.parse.quote(relative)}")
        if served != path.read_bytes():
            raise ReleaseError(f"{gateway}/ipfs/{build.cid}/{relative} differs from the build")
    result = verify_page(build.cid, gateway)
    if not result.matches:
        raise ReleaseError(
            f"verify-page: {build.cid} rebuilt as {result.rebuilt_cid}; the name points at it but it is not verified"
        )
    progress(f"verify-page: MATCH ({result.rebuilt_cid})")
    return {"matches": True, "rebuiltCid": str(result.rebuilt_cid), "gateway": gateway}


def _check_resolves(kubo: Kubo, name: str, cid: Cid) -> None:
    resolved = resolve_name(kubo, name)
    if resolved != cid:
        raise ReleaseError(f"{name} still resolves to {resolved} after publishing {cid}")


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            return bytes(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise IpfsError(f"could not fetch {url}: {exc}") from None


def _differing(first: Path, second: Path) -> list[str]:
    names = {p.relative_to(first).as_posix() for p in iter_files(first)}
    names |= {p.relative_to(second).as_posix() for p in iter_files(second)}
    return sorted(n for n in names if not (first / n).is_file() or not (second / n).is_file()
                  or (first / n).read_bytes() != (second / n).read_bytes())  # fmt: skip


def _live_cid(record: list[dict[str, Any]]) -> str | None:
    return str(record[-1]["cid"]) if record else None


def _fresh(directory: Path) -> Path:
    shutil.rmtree(directory, ignore_errors=True)
    return directory


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
