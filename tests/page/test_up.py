"""`dapp up` end to end, as a newcomer runs it: a real subprocess that starts anvil (or Ganache) and Kubo,
seeds the sample shop and publishes the page; the URL it prints serves the page, whose catalog shows the
seeded products, and Ctrl-C stops every process it started.

Every port is one the OS picks (tests/fixtures.Cli sets DAPP_UP_*_PORT=0), or one a test holds on
purpose, so no test ever holds 8545 or 8080.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from dapp.demo import SAMPLE_PRODUCTS, SHOP_NAME
from dapp.ipfs.daemon import api_responds
from dapp.nodes import rpc_answers
from tests.page.conftest import LAPTOP
from tests.support.fixtures import Cli, Up

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port someone else is listening on (the way a developer's own node holds 8545)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _open(browser: Any, url: str) -> Any:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    return page


def test_up_publishes_the_page_it_prints_and_ctrl_c_stops_everything(
    tmp_path: Path, browser: Any, held_port: int
) -> None:
    with Up(Cli(tmp_path), "--port", str(held_port)) as up:
        # The chain's port was taken: it runs on another one, and says so.
        rpc = up.text.split("RPC URL ")[1].split(",")[0]
        assert rpc != f"http://127.0.0.1:{held_port}" and rpc_answers(rpc)
        assert f"note: port {held_port} is taken, so anvil listens on {rpc.rsplit(':', 1)[1]}" in up.text
        url, cid, gateway = up.field("open"), up.field("CID"), up.text.split("--gateway ")[1].split()[0]
        assert url == f"http://{cid}.ipfs.localhost:{gateway.rsplit(':', 1)[1]}/"
        assert url in str(up.serving)
        status, body = _get(f"{gateway}/ipfs/{cid}/")  # the path-gateway form serves it too
        assert status == 200 and b"<title>" in body
        config = json.loads(_get(f"{gateway}/ipfs/{cid}/config.json")[1])
        assert config["rpcUrl"] == rpc and config["chainId"] == 31337
        assert config["indexer"] == up.field("Indexer")  # started in the background, named for the page

        page = _open(browser, url)  # the subdomain form, as printed: no wallet at all
        cards = page.locator("a.card")
        expect(cards).to_have_count(len(SAMPLE_PRODUCTS))
        for sample in SAMPLE_PRODUCTS:
            expect(page.locator("a.card .name", has_text=sample.name)).to_have_count(1)
        expect(page.locator(".card .media:not(.loaded)")).to_have_count(0)  # every picture arrived
        expect(page.locator("[data-deployment='ok']")).to_be_visible()
        # Kubo's API accepts the page's own origin (review documents are published from the page).
        allowed = page.evaluate(
            "api => fetch(api + '/api/v0/version', {method: 'POST'}).then(r => r.ok, () => false)",
            config["ipfsApi"],
        )
        assert allowed is True
        page.context.close()

        # Ctrl-C right after the serving line: everything up started goes down, cleanly.
        assert up.interrupt() == 0
        assert not rpc_answers(rpc)
        assert not api_responds(config["ipfsApi"])
        with pytest.raises(OSError):
            _get(f"{gateway}/ipfs/{cid}/")


def test_up_builds_a_storefront_for_one_seller(tmp_path: Path, browser: Any) -> None:
    seller = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # dev account 1, the sample seller
    with Up(Cli(tmp_path), "--seller", seller) as up:
        assert f"storefront of {seller}" in up.text
        page = _open(browser, up.field("open"))
        expect(page.locator(".hero h1")).to_have_text(SHOP_NAME)
        expect(page.locator(".hero")).to_contain_text("shipped from Lisbon")
        expect(page.locator(".hero-banner img")).to_be_visible()
        expect(page.locator("a.card")).to_have_count(len(SAMPLE_PRODUCTS))
        page.context.close()
        assert up.interrupt() == 0


@pytest.mark.ganache
def test_up_on_ganache(tmp_path: Path, browser: Any) -> None:
    with Up(Cli(tmp_path), "--network", "ganache") as up:
        assert "chain id 1337" in up.text and "Local Ganache" in up.text
        page = _open(browser, up.field("open"))
        expect(page.locator("a.card")).to_have_count(len(SAMPLE_PRODUCTS))
        expect(page.locator("a.card .name", has_text=SAMPLE_PRODUCTS[0].name)).to_have_count(1)
        page.context.close()
        assert up.interrupt() == 0
