"""Product and review documents: upload through Kubo, fetch and verify, reject content that lies."""

from __future__ import annotations

import http.server
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dapp.exceptions import CidMismatchError, DappValueError, MetadataError
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.metadata import (
    build_product_metadata,
    build_review_document,
    canonical_json,
    fetch_product_metadata,
    fetch_review,
    upload_product_metadata,
    upload_review,
)
from dapp.ipfs.unixfs import CHUNK_SIZE, bytes_cid, path_cid
from tests.support.http_server import LocalHTTPServer
from tests.support.ipfs_nodes import KuboNode

pytestmark = pytest.mark.kubo


def test_product_round_trip_through_kubo_and_its_gateway(kubo: KuboNode, tmp_path: Path) -> None:
    small = tmp_path / "mug.png"
    small.write_bytes(os.urandom(5000))
    large = tmp_path / "mug-large.jpg"
    large.write_bytes(os.urandom(CHUNK_SIZE * 3))
    ref = upload_product_metadata(kubo.api, "Mug", "Blue, 300 ml ☕", [small, large])
    assert ref.codec is Codec.RAW  # a small JSON document is one raw block
    assert Cid(ref.digest, ref.codec) == ref  # what the contract stores rebuilds the CID
    for source in (kubo.api, kubo.info.gateway_url):
        product = fetch_product_metadata(source, str(ref))
        assert (product.name, product.description) == ("Mug", "Blue, 300 ml ☕")
        assert product.images == (path_cid(small), path_cid(large))
    assert kubo.api.cat(product.images[1]) == large.read_bytes()


def test_review_round_trip(kubo: KuboNode) -> None:
    ref = upload_review(kubo.api, 4, "Arrived in two days. Handle is smaller than it looks.")
    review = fetch_review(kubo.api, ref)
    assert (review.rating, review.text, review.cid) == (
        4,
        "Arrived in two days. Handle is smaller than it looks.",
        ref,
    )


class LyingGateway(http.server.BaseHTTPRequestHandler):
    """A gateway that answers every CID with the bytes in `body` (a real HTTP server on loopback)."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def lying_gateway() -> Iterator[str]:
    with LocalHTTPServer(LyingGateway) as server:
        yield server.url


def test_content_that_does_not_match_its_cid_is_rejected(lying_gateway: str) -> None:
    _, honest_cid = build_product_metadata("Mug", "Blue", [])
    forged, _ = build_product_metadata("Mug", "Now only 0.001 ETH at scam.example", [])
    LyingGateway.body = forged
    with pytest.raises(CidMismatchError, match=f"expected {honest_cid}"):
        fetch_product_metadata(lying_gateway, honest_cid)


def test_documents_of_the_wrong_shape_are_rejected(lying_gateway: str) -> None:
    bad_documents = {
        b"not json": "not UTF-8 JSON",
        canonical_json(
            {"schema": "ownerless-store/review@1", "rating": 5, "text": "hi"}
        ): "not a ownerless-store/product@1",
        canonical_json({"schema": "ownerless-store/product@1", "name": "", "description": "", "images": []}): "name",
        canonical_json(
            {"schema": "ownerless-store/product@1", "name": "A", "description": "", "images": ["x"]}
        ): "image",
    }
    for document, message in bad_documents.items():
        LyingGateway.body = document  # honest bytes for this CID, but not a valid product document
        with pytest.raises(MetadataError, match=message):
            fetch_product_metadata(lying_gateway, bytes_cid(document))
    review = canonical_json({"schema": "ownerless-store/review@1", "rating": 9, "text": ""})
    LyingGateway.body = review
    with pytest.raises(MetadataError, match="rating"):
        fetch_review(lying_gateway, bytes_cid(review))


def test_bad_input_is_rejected_before_upload(kubo: KuboNode, tmp_path: Path) -> None:
    with pytest.raises(DappValueError, match="name must not be empty"):
        build_product_metadata(" ", "d", [])
    with pytest.raises(DappValueError, match="rating"):
        build_review_document(0, "meh")
    with pytest.raises(DappValueError, match="image not found"):
        upload_product_metadata(kubo.api, "Mug", "d", [tmp_path / "missing.png"])
    with pytest.raises(DappValueError, match="not a valid CID"):
        build_product_metadata("Mug", "d", ["not-a-cid"])
