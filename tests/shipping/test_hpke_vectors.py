"""RFC 9180's own test vector for the suite the envelope uses (A.2.1: base mode, DHKEM(X25519,
HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305), run through the very suite object dapp.shipping uses.

The page runs the same file through @hpke/core in frontend/test/crypto.test.ts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from pyhpke import KEMKeyPair

from dapp.shipping.keys import SUITE

VECTOR: dict[str, Any] = json.loads((Path(__file__).parent / "rfc9180_a2_1.json").read_text())


def h(name: str, source: dict[str, Any] = VECTOR) -> bytes:
    return bytes.fromhex(source[name])


def test_the_vector_is_our_suite() -> None:
    assert (VECTOR["mode"], VECTOR["kem_id"], VECTOR["kdf_id"], VECTOR["aead_id"]) == (0, 0x20, 0x01, 0x03)
    assert (SUITE.kem.id.value, SUITE.kdf.id.value, SUITE.aead.id.value) == (0x20, 0x01, 0x03)


@pytest.mark.parametrize("who", ["E", "R"])
def test_derive_key_pair(who: str) -> None:
    pair = SUITE.kem.derive_key_pair(h(f"ikm{who}"))
    assert pair.private_key.to_private_bytes() == h(f"sk{who}m")
    assert pair.public_key.to_public_bytes() == h(f"pk{who}m")


def _ephemeral() -> KEMKeyPair:
    return SUITE.kem.derive_key_pair(h("ikmE"))


def test_encap_and_decap() -> None:
    recipient = SUITE.kem.deserialize_public_key(h("pkRm"))
    shared_secret, enc = SUITE.kem.encap(recipient, eks=_ephemeral())
    assert (shared_secret, enc) == (h("shared_secret"), h("enc"))
    assert SUITE.kem.decap(enc, SUITE.kem.deserialize_private_key(h("skRm"))) == h("shared_secret")


def test_key_schedule() -> None:
    kdf = SUITE.kdf
    context = (
        bytes([0]) + kdf.labeled_extract(b"", b"psk_id_hash", b"") + kdf.labeled_extract(b"", b"info_hash", h("info"))
    )
    assert context == h("key_schedule_context")
    secret = kdf.labeled_extract(h("shared_secret"), b"secret", b"")
    assert secret == h("secret")
    assert kdf.labeled_expand(secret, b"key", context, 32) == h("key")
    assert kdf.labeled_expand(secret, b"base_nonce", context, 12) == h("base_nonce")
    assert kdf.labeled_expand(secret, b"exp", context, 32) == h("exporter_secret")
    # the AEAD alone, with the schedule's key and the first nonce, gives the first ciphertext
    first = VECTOR["encryptions"][0]
    assert ChaCha20Poly1305(h("key")).encrypt(h("nonce", first), h("pt", first), h("aad", first)) == h("ct", first)


def test_seal_and_open_every_encryption() -> None:
    recipient = SUITE.kem.deserialize_public_key(h("pkRm"))
    enc, sender = SUITE.create_sender_context(recipient, info=h("info"), eks=_ephemeral())
    assert enc == h("enc")
    opener = SUITE.create_recipient_context(enc, SUITE.kem.deserialize_private_key(h("skRm")), info=h("info"))
    wanted = {e["sequence_number"]: e for e in VECTOR["encryptions"]}
    seen = 0
    for sequence in range(max(wanted) + 1):
        vector = wanted.get(sequence)
        pt, aad = (h("pt", vector), h("aad", vector)) if vector else (b"x", b"")
        ct = sender.seal(pt, aad=aad)
        assert opener.open(ct, aad=aad) == pt
        if vector:
            assert ct == h("ct", vector), f"sequence number {sequence}"
            seen += 1
    assert seen == len(VECTOR["encryptions"]) == 6


def test_exported_values() -> None:
    recipient = SUITE.kem.deserialize_public_key(h("pkRm"))
    _, sender = SUITE.create_sender_context(recipient, info=h("info"), eks=_ephemeral())
    opener = SUITE.create_recipient_context(h("enc"), SUITE.kem.deserialize_private_key(h("skRm")), info=h("info"))
    for export in VECTOR["exports"]:
        context = bytes.fromhex(export["exporter_context"])
        assert sender.export(context, export["L"]) == h("exported_value", export)
        assert opener.export(context, export["L"]) == h("exported_value", export)
