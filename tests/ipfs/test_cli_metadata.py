"""The shop commands with their documents on IPFS: list a product with a name and an image, review with
text, and read both back verified against the digests on chain. Real anvil, real Kubo."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipfs_nodes import KuboNode

from dapp.ipfs.metadata import build_review_document
from tests.fixtures import Cli

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
