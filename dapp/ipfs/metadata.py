"""Product metadata and review documents: JSON files on IPFS whose CID digest the contract stores.

Product document (`schema: "ownerless-store/product@1"`)::

    {"schema": "ownerless-store/product@1", "name": "Mug", "description": "Blue, 300 ml",
     "images": ["bafkrei...", "bafybei..."]}

- name: non-empty string, at most 200 characters; description: string, at most 10,000 characters;
- images: CIDv1 strings (base32) of the image files, each added like `ipfs add --cid-version=1`;
- variant (optional): one combination of a product with options (sizes, colours), each its own product::

    "variant": {"group": "tour-tee-2026", "options": {"size": "M"}, "choices": {"size": ["S", "M", "L", "XL"]}}

  group: [a-z0-9-], 1 to 64 characters, the same in every product of the group; choices: 1 to 3 option
  names ([a-z][a-z0-9-]{0,19}) -> 1 to 20 distinct values in display order, each 1 to 20 characters, not
  blank, without control characters or surrounding spaces; options: this product's value for exactly the
  names of choices, each one of its choices. Products of one seller with the same group form one group
  (the page shows one card and a picker); a product whose choices differ from its group's first product
  stands alone. A document without "variant" is a product without options.

Review document (`schema: "ownerless-store/review@1"`)::

    {"schema": "ownerless-store/review@1", "rating": 5, "text": "Arrived quickly"}

- rating: integer 1..5 (the contract also records it; the document carries the text); text: string,
  at most 10,000 characters.

Seller profile document (`schema: "ownerless-store/seller@1"`), named by the seller's latest ProfileSet
event (`setProfile`), and the storefront document a page build may name::

    {"schema": "ownerless-store/seller@1", "name": "Moonwave Merch", "description": "Tour merch",
     "banner": "bafkrei...", "encryptionKey": "0x3b6a27bc..."}

- name: as a product's; description: as a product's; banner (optional): the CIDv1 of an image;
- encryptionKey (optional): the seller's X25519 public key for sealed shipping details (dapp.shipping),
  "0x" and 64 hex digits. A profile without one gets no shipping address sealed to it.

Documents are serialized canonically (sorted keys, no spaces, UTF-8) so the same content always has the
same CID. Whoever reads a document recomputes its CID from the fetched bytes with our importer and
rejects it if it differs from the CID on chain: a gateway cannot substitute content.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dapp.exceptions import CidMismatchError, DappValueError, IpfsError, MetadataError
from dapp.ipfs.cid import Cid
from dapp.ipfs.unixfs import data_cid, path_cid

if TYPE_CHECKING:  # ipfshttpclient behind Kubo costs ~0.2 s to import; readers through a gateway skip it
    from dapp.ipfs.kubo import Kubo

PRODUCT_SCHEMA = "ownerless-store/product@1"
REVIEW_SCHEMA = "ownerless-store/review@1"
SELLER_SCHEMA = "ownerless-store/seller@1"
MAX_NAME = 200
MAX_TEXT = 10_000
MAX_DOCUMENT = 1024 * 1024  # documents are small; refuse to download anything bigger


MAX_OPTION_NAMES = 3
MAX_OPTION_VALUES = 20
MAX_OPTION_VALUE = 20
_GROUP = re.compile(r"[a-z0-9-]{1,64}")
# No spaces: an option name is also a key of the sealed shipping details (dapp.shipping.details).
_OPTION_NAME = re.compile(r"[a-z][a-z0-9-]{0,19}")


@dataclass(frozen=True)
class Variant:
    """Which combination of its group's options a product is (MERCH-SPEC §1)."""

    group: str
    options: dict[str, str]  # option name -> this product's value
    choices: dict[str, tuple[str, ...]]  # option name -> every value of the group, in display order

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "options": dict(self.options),
            "choices": {k: list(v) for k, v in self.choices.items()},
        }

    @property
    def label(self) -> str:
        """ "size M, colour black": the options in the order of choices."""
        return ", ".join(f"{name} {self.options[name]}" for name in self.choices)


@dataclass(frozen=True)
class ProductMetadata:
    cid: Cid
    name: str
    description: str
    images: tuple[str, ...]
    variant: Variant | None = None


@dataclass(frozen=True)
class ReviewDocument:
    cid: Cid
    rating: int
    text: str


@dataclass(frozen=True)
class ProfileDocument:
    cid: Cid
    name: str
    description: str
    banner: str | None  # an image's CID
    encryption_key: bytes | None  # the seller's X25519 public key for shipping details

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "banner": self.banner,
            "encryptionKey": "0x" + self.encryption_key.hex() if self.encryption_key else None,
        }


def canonical_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")  # controls but tab, newline, CRLF


def _check_text(field: str, value: object, limit: int, *, required: bool, error: type[Exception]) -> str:
    if not isinstance(value, str):
        raise error(f"{field} must be a string")
    if required and not value.strip():
        raise error(f"{field} must not be empty")
    if len(value) > limit:
        raise error(f"{field} is {len(value)} characters; at most {limit}")
    if _CONTROL.search(value):
        # Shown by `dapp` in a terminal: an escape sequence there can retitle, clear or rewrite the screen.
        raise error(f"{field} contains control characters (terminal escape sequences?); only text is allowed")
    return value


def _check_rating(value: object, error: type[Exception]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise error(f"rating must be an integer from 1 to 5, got {value!r}")
    return value


# --- products ---------------------------------------------------------------------------------------


def _check_option_value(field: str, value: object, error: type[Exception]) -> str:
    if not isinstance(value, str):
        raise error(f"{field} must be a string, got {type(value).__name__}")
    if not 1 <= len(value) <= MAX_OPTION_VALUE or not value.strip() or value != value.strip():
        raise error(
            f"{field} {json.dumps(value, ensure_ascii=False)} must be 1 to {MAX_OPTION_VALUE} characters, "
            "not blank, without surrounding spaces"
        )
    if _CONTROL.search(value) or "\n" in value or "\t" in value:
        raise error(f"{field} contains control characters; only text is allowed")
    return value


def check_variant(value: object, error: type[Exception] = DappValueError) -> Variant:
    """A Variant from its JSON form, every rule of MERCH-SPEC §1 checked; `error` names the field."""
    if not isinstance(value, dict):
        raise error(f"variant must be an object, got {type(value).__name__}")
    extra = set(value) - {"group", "options", "choices"}
    if extra:
        raise error(f"variant has unknown fields: {', '.join(sorted(map(str, extra)))}")
    group = value.get("group")
    if not isinstance(group, str) or not _GROUP.fullmatch(group):
        raise error(f"variant.group must be 1 to 64 of a-z, 0-9 and -, got {group!r}")
    choices = value.get("choices")
    if not isinstance(choices, dict) or not choices:
        raise error("variant.choices must be an object of option names to lists of values")
    if len(choices) > MAX_OPTION_NAMES:
        raise error(f"variant.choices has {len(choices)} option names; at most {MAX_OPTION_NAMES}")
    checked: dict[str, tuple[str, ...]] = {}
    for name, values in choices.items():
        if not isinstance(name, str) or not _OPTION_NAME.fullmatch(name):
            raise error(
                f"variant option name {json.dumps(name, ensure_ascii=False)} must be a lower-case letter, then "
                "up to 19 of a-z, 0-9 and - (such as size, colour, gift-wrap)"
            )
        if not isinstance(values, list) or not values:
            raise error(f"variant.choices[{name!r}] must be a non-empty list of values")
        if len(values) > MAX_OPTION_VALUES:
            raise error(f"variant.choices[{name!r}] has {len(values)} values; at most {MAX_OPTION_VALUES}")
        texts = tuple(_check_option_value(f"variant value of {name!r}", v, error) for v in values)
        if len(set(texts)) != len(texts):
            raise error(f"variant.choices[{name!r}] names a value twice")
        checked[name] = texts
    options = value.get("options")
    if not isinstance(options, dict) or set(options) != set(checked):
        names = ", ".join(sorted(checked))
        raise error(f"variant.options must give exactly one value for each option name in choices ({names})")
    for name, chosen in options.items():
        if chosen not in checked[name]:
            raise error(
                f"variant.options[{name!r}] is {json.dumps(chosen, ensure_ascii=False)}, not one of its choices "
                f"({', '.join(checked[name])})"
            )
    return Variant(group, {name: options[name] for name in checked}, checked)


def make_variant(group: str, options: Mapping[str, str], choices: Mapping[str, Sequence[str]]) -> Variant:
    """A checked Variant from Python values (DappValueError naming the field)."""
    return check_variant(
        {"group": group, "options": dict(options), "choices": {k: list(v) for k, v in choices.items()}}
    )


def build_product_metadata(
    name: str, description: str, image_cids: list[Cid | str], variant: Variant | None = None
) -> tuple[bytes, Cid]:
    """The document bytes and their CID (computed locally, no daemon)."""
    _check_text("name", name, MAX_NAME, required=True, error=DappValueError)
    _check_text("description", description, MAX_TEXT, required=False, error=DappValueError)
    images = [str(cid if isinstance(cid, Cid) else Cid.parse(cid)) for cid in image_cids]
    fields: dict[str, Any] = {"schema": PRODUCT_SCHEMA, "name": name, "description": description, "images": images}
    if variant is not None:
        fields["variant"] = check_variant(variant.to_json()).to_json()
    document = canonical_json(fields)
    return document, data_cid(document)


def upload_images(kubo: Kubo, image_paths: list[Path]) -> list[Cid]:
    """Add image files to Kubo (pinned), checking every CID Kubo reports against ours."""
    return [_upload_file(kubo, path) for path in image_paths]


def upload_product_metadata(
    kubo: Kubo, name: str, description: str, image_paths: list[Path], variant: Variant | None = None
) -> Cid:
    """Add the images and the document to Kubo (pinned), checking every CID Kubo reports against ours."""
    image_cids: list[Cid | str] = list(upload_images(kubo, image_paths))
    document, cid = build_product_metadata(name, description, image_cids, variant)
    return _upload(kubo, document, cid)


def upload_document(kubo: Kubo, document: bytes, cid: Cid) -> Cid:
    """Add document bytes built here (build_*), checking Kubo's CID against `cid`."""
    return _upload(kubo, document, cid)


def parse_product_metadata(cid: Cid, document: bytes) -> ProductMetadata:
    data = _parse(cid, document, PRODUCT_SCHEMA)
    images = data.get("images")
    if not isinstance(images, list):
        raise MetadataError(f"product metadata {cid}: images must be a list of CIDs")
    try:
        image_cids = tuple(str(Cid.parse(image)) for image in images)
    except (DappValueError, AttributeError) as exc:
        raise MetadataError(f"product metadata {cid}: bad image CID ({exc})") from None
    variant = data.get("variant")
    if variant is not None:
        try:
            variant = check_variant(variant, MetadataError)
        except MetadataError as exc:
            raise MetadataError(f"product metadata {cid}: {exc}") from None
    return ProductMetadata(
        cid=cid,
        name=_check_text("name", data.get("name"), MAX_NAME, required=True, error=MetadataError),
        description=_check_text("description", data.get("description"), MAX_TEXT, required=False, error=MetadataError),
        images=image_cids,
        variant=variant,
    )


def fetch_product_metadata(source: Kubo | str, cid: Cid | str) -> ProductMetadata:
    """Fetch from Kubo or any gateway URL, verify the bytes hash to `cid`, and parse them."""
    cid = _as_cid(cid)
    return parse_product_metadata(cid, fetch_verified(source, cid))


# --- reviews ----------------------------------------------------------------------------------------


def build_review_document(rating: int, text: str) -> tuple[bytes, Cid]:
    _check_rating(rating, DappValueError)
    _check_text("text", text, MAX_TEXT, required=False, error=DappValueError)
    document = canonical_json({"schema": REVIEW_SCHEMA, "rating": rating, "text": text})
    return document, data_cid(document)


def upload_review(kubo: Kubo, rating: int, text: str) -> Cid:
    document, cid = build_review_document(rating, text)
    return _upload(kubo, document, cid)


def parse_review_document(cid: Cid, document: bytes) -> ReviewDocument:
    data = _parse(cid, document, REVIEW_SCHEMA)
    return ReviewDocument(
        cid=cid,
        rating=_check_rating(data.get("rating"), MetadataError),
        text=_check_text("text", data.get("text"), MAX_TEXT, required=False, error=MetadataError),
    )


def fetch_review(source: Kubo | str, cid: Cid | str) -> ReviewDocument:
    cid = _as_cid(cid)
    return parse_review_document(cid, fetch_verified(source, cid))


# --- seller profiles --------------------------------------------------------------------------------


def _public_key(value: object, error: type[Exception]) -> bytes:
    from dapp.shipping.keys import parse_public_key  # pyhpke: only where a key is read

    if not isinstance(value, str | bytes):
        raise error(f"encryptionKey must be a hex string, got {type(value).__name__}")
    try:
        return parse_public_key(value, "encryptionKey")
    except DappValueError as exc:  # ShippingKeyError
        raise error(str(exc)) from None


def build_profile_document(
    name: str, description: str = "", banner: Cid | str | None = None, encryption_key: bytes | str | None = None
) -> tuple[bytes, Cid]:
    """A seller profile document and its CID (computed locally, no daemon)."""
    _check_text("name", name, MAX_NAME, required=True, error=DappValueError)
    _check_text("description", description, MAX_TEXT, required=False, error=DappValueError)
    document: dict[str, Any] = {"schema": SELLER_SCHEMA, "name": name, "description": description}
    if banner is not None:
        document["banner"] = str(_as_cid(banner))
    if encryption_key is not None:
        document["encryptionKey"] = "0x" + _public_key(encryption_key, DappValueError).hex()
    data = canonical_json(document)
    return data, data_cid(data)


def upload_profile(
    kubo: Kubo, name: str, description: str = "", banner: Path | Cid | None = None, encryption_key: bytes | None = None
) -> Cid:
    """Add the banner image (a file) and the profile document to Kubo, pinned, checking every CID."""
    banner_cid = banner if not isinstance(banner, Path) else _upload_file(kubo, banner)
    document, cid = build_profile_document(name, description, banner_cid, encryption_key)
    return _upload(kubo, document, cid)


def parse_profile_document(cid: Cid, document: bytes) -> ProfileDocument:
    data = _parse(cid, document, SELLER_SCHEMA)
    banner = data.get("banner")
    if banner is not None:
        try:
            banner = str(Cid.parse(banner))
        except (DappValueError, AttributeError) as exc:
            raise MetadataError(f"profile {cid}: bad banner CID ({exc})") from None
    key = data.get("encryptionKey")
    return ProfileDocument(
        cid=cid,
        name=_check_text("name", data.get("name"), MAX_NAME, required=True, error=MetadataError),
        description=_check_text(
            "description", data.get("description", ""), MAX_TEXT, required=False, error=MetadataError
        ),
        banner=banner,
        encryption_key=_public_key(key, MetadataError) if key is not None else None,
    )


def fetch_profile(source: Kubo | str, cid: Cid | str) -> ProfileDocument:
    """Fetch a profile document, verify its bytes hash to `cid`, and parse it."""
    cid = _as_cid(cid)
    return parse_profile_document(cid, fetch_verified(source, cid))


# --- shared -----------------------------------------------------------------------------------------


def _as_cid(cid: Cid | str) -> Cid:
    """A CID string from outside is parsed here, once; a Cid passes through untouched."""
    return cid if isinstance(cid, Cid) else Cid.parse(cid)


def _upload_file(kubo: Kubo, path: Path) -> Cid:
    """Add an image file to Kubo as `ipfs add --cid-version=1` would, checking Kubo's CID against ours."""
    if not path.is_file():
        raise DappValueError(f"{path}: image not found (or not a file)")
    expected = Cid.parse(path_cid(path))
    added = Cid.parse(kubo.add_path(path)[-1].cid)
    if added != expected:
        raise CidMismatchError(str(expected), str(added), what=f"Kubo's import of {path}")
    return added


def _upload(kubo: Kubo, document: bytes, cid: Cid) -> Cid:
    added = kubo.add_bytes(document, pin=True)
    if added != cid:
        raise CidMismatchError(str(cid), str(added), what="Kubo's import of the document")
    return cid


def _parse(cid: Cid, document: bytes, schema: str) -> dict[str, Any]:
    try:
        data = json.loads(document.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MetadataError(f"document {cid} is not UTF-8 JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != schema:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise MetadataError(f"document {cid} is not a {schema} document (schema: {found!r})")
    return data


def fetch_verified(source: Kubo | str, cid: Cid, timeout: float = 30) -> bytes:
    """The bytes of file `cid` from Kubo or a gateway base URL, accepted only if they hash to `cid`."""
    if not isinstance(source, str):
        data = source.cat(cid, max_bytes=MAX_DOCUMENT + 1, timeout=timeout)
    else:
        url = f"{source.rstrip('/')}/ipfs/{cid}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                data = response.read(MAX_DOCUMENT + 1)
        except (urllib.error.URLError, OSError) as exc:
            raise IpfsError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > MAX_DOCUMENT:
        raise MetadataError(f"document {cid} is larger than {MAX_DOCUMENT} bytes")
    actual = data_cid(data)
    if actual != cid:
        raise CidMismatchError(str(cid), str(actual), what="fetched document")
    return data
