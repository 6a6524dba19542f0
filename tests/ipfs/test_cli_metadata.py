"""The shop commands with their documents on IPFS: list a product with a name and an image, review with
text, and read both back verified against the digests on chain. Real anvil, real Kubo."""

from __future__ import annotations

import contextlib
import http.server
from collections.abc import Iterator
from pathlib import Path

import pytest

from dapp.demo import SAMPLE_PRODUCTS, metadata_document, sample_documents
from dapp.ipfs.cid import Cid
from dapp.ipfs.metadata import build_product_metadata, build_review_document, parse_product_metadata
from dapp.nodes import AnvilNode
from tests.support.fixtures import CID, Cli
from tests.support.http_server import LocalHTTPServer
from tests.support.ipfs_nodes import KuboNode

pytestmark = [pytest.mark.anvil, pytest.mark.kubo]


def test_product_metadata_and_review_text_round_trip(tmp_path: Path, kubo: KuboNode) -> None:
    cli = Cli(tmp_path)
    api = ("--ipfs-api", kubo.info.api_multiaddr)
    image = tmp_path / "mug.png"
    image.write_bytes(b"\x89PNG not really, but bytes all the same" * 100)
    try:
        cli.run("deploy")
        listed = cli.json("list-product", "--price", "0.01ether", "--stock", "3", "--name", "Blue mug",
                          "--description", "300 ml, stoneware", "--image", str(image), *api)  # fmt: skip
        assert listed["productId"] == 1  # type: ignore[index]
        cli.run("buy", "1", "--account", "2")
        cli.run("review", "1-1", "--rating", "4", "--text", "Keeps coffee hot.", "--account", "2", *api)

        shown = cli.json("product", "1", "--metadata", *api)
        metadata = shown["metadata"]  # type: ignore[index]
        assert metadata["name"] == "Blue mug" and metadata["description"] == "300 ml, stoneware"
        (image_cid,) = metadata["images"]
        assert kubo.api.cat(image_cid) == image.read_bytes()
        (review,) = shown["reviews"]  # type: ignore[index]
        assert (review["rating"], review["text"]) == (4, "Keeps coffee hot.")
        assert shown["product"]["metadataCid"] == listed["product"]["metadataCid"]  # type: ignore[index]
    finally:
        cli.run("node", "stop", "anvil", check=False)


def test_refused_review_uploads_nothing(tmp_path: Path, kubo: KuboNode) -> None:
    cli = Cli(tmp_path)
    api = ("--ipfs-api", kubo.info.api_multiaddr)
    try:
        cli.run("deploy")
        cli.run("list-product", "--price", "1000", "--stock", "3", "--name", "Pin", *api)
        cli.run("buy", "1", "--account", "2")
        text = "A review by someone who never bought it"
        result = cli.run("review", "1-1", "--rating", "1", "--text", text, "--account", "3", *api, check=False)
        assert result.returncode == 2 and "(CatalogNotBuyer)" in result.stderr
        _, cid = build_review_document(1, text)
        assert not kubo.api.is_pinned(cid)

        both = cli.run("list-product", "--price", "1", "--stock", "1", "--name", "X", "--metadata-cid",
                       "bafkreif4xyug5bggrqeayzahtwgcr23aq3ubqhumu4fdayahccwuwncxsa", check=False)  # fmt: skip
        assert both.returncode == 2 and "either --name" in both.stderr
    finally:
        cli.run("node", "stop", "anvil", check=False)


@pytest.mark.kubo
def test_commands_share_a_daemon_already_serving_the_repo(tmp_path: Path) -> None:
    """While `dapp up` keeps Kubo on .cache/ipfs, other commands use that daemon (the repo is locked)."""
    from dapp.ipfs.daemon import KuboDaemon
    from dapp.ipfs.kubo import open_kubo

    repo = tmp_path / "repo"
    with KuboDaemon(repo=repo) as info, open_kubo(repo=repo) as kubo:
        assert kubo.api_multiaddr == info.api_multiaddr
        cid = kubo.add_bytes(b"shared")
        assert kubo.cat(cid) == b"shared"
        assert (repo / "api").exists()  # the running daemon was left alone


def test_remote_pin_needs_a_reachable_node(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    result = cli.run("publish", str(tmp_path), "--remote", "https://pins.example/psa", "--token", "t", check=False)
    assert result.returncode == 2 and "--remote needs a node the pinning service can reach" in result.stderr


def test_listings_show_names_from_verified_documents_with_markers_and_a_cache(
    tmp_path: Path, kubo: KuboNode, anvil_node: AnvilNode
) -> None:
    cli = Cli(tmp_path)
    api = ("--ipfs-api", kubo.info.api_multiaddr)
    net = ("--network", anvil_node.url)
    cli.run("up", *net, "--no-wait", *api)  # the sample shop, its documents and pictures added to this Kubo
    missing = cli.json("list-product", *net, "--price", "1000", "--stock", "1", "--metadata-cid", CID)
    picture = Cid.parse(_image_cid(kubo, SAMPLE_PRODUCTS[0]))
    not_a_product = cli.json("list-product", *net, "--price", "1000", "--stock", "1", "--metadata-cid", str(picture))

    shown = {p["id"]: p for p in cli.json("products", *net, *api)}  # type: ignore[union-attr,index]
    assert [shown[i]["name"] for i in range(1, len(SAMPLE_PRODUCTS) + 1)] == [s.name for s in SAMPLE_PRODUCTS]  # type: ignore[index]
    assert shown[missing["productId"]]["metadataProblem"] == "missing"  # type: ignore[index]
    assert shown[not_a_product["productId"]]["metadataProblem"] == "invalid"  # type: ignore[index]
    table = cli.run("products", *net, *api).stdout
    assert "⚠ metadata missing" in table and "⚠ metadata invalid" in table and "Canvas tote bag" in table
    orders = cli.run("orders", *net, "--product", "5", *api).stdout
    assert orders.count("Canvas tote bag") == 2  # its shipped and its disputed order

    # Verified documents are cached by CID: names still show with no IPFS node at all.
    dead = ("--ipfs-api", "/ip4/127.0.0.1/tcp/9")
    offline = {p["id"]: p for p in cli.json("products", *net, *dead)}  # type: ignore[union-attr,index]
    assert offline[1]["name"] == SAMPLE_PRODUCTS[0].name  # type: ignore[index]
    assert offline[missing["productId"]]["metadataProblem"] == "missing"  # type: ignore[index]
    assert "name" not in cli.json("products", *net, "--no-metadata")[0]  # type: ignore[index]

    # A gateway that serves other bytes than the CID names: the document fails its check.
    with _lying_gateway() as gateway:
        cache = tmp_path / ".dapp" / "documents"
        for cached in cache.iterdir():
            cached.unlink()
        lied = {p["id"]: p for p in cli.json("products", *net, "--gateway", gateway)}  # type: ignore[union-attr,index]
    assert lied[1]["metadataProblem"] == "invalid" and lied[1]["name"] is None  # type: ignore[index]


def test_sample_pictures_are_drawn_and_all_different(kubo: KuboNode) -> None:
    import xml.etree.ElementTree as ElementTree

    pictures = {}
    for sample in SAMPLE_PRODUCTS:
        document, cid = metadata_document(sample)
        (image,) = parse_product_metadata(cid, document).images
        picture = sample_documents()[Cid.parse(image)]
        root = ElementTree.fromstring(picture)
        assert root.tag.endswith("svg") and len(list(root)) >= 3  # a drawing, not a placeholder
        pictures[image] = picture
    assert len(pictures) == len(SAMPLE_PRODUCTS)  # no two alike


def _image_cid(kubo: KuboNode, sample: object) -> str:
    document, cid = metadata_document(sample)  # type: ignore[arg-type]
    (image,) = parse_product_metadata(cid, document).images
    assert kubo.api.cat(image).startswith(b"<svg")  # `dapp up` added the picture too
    return image


@contextlib.contextmanager
def _lying_gateway() -> Iterator[str]:
    """An HTTP gateway on 127.0.0.1 that answers every /ipfs/CID with the same wrong document."""
    body, _ = build_product_metadata("Not what you saw", "", [])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with LocalHTTPServer(Handler) as server:
        yield server.url
