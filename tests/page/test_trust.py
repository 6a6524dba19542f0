"""What the page must not trust: a dead RPC, another contract at the address, HTML in product text, and
a gateway that serves bytes other than the ones the chain's digest names."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from playwright.sync_api import expect

from dapp.ipfs.cid import Cid
from dapp.ipfs.metadata import build_product_metadata
from dapp.nodes import free_port
from tests.page.conftest import Shop
from tests.support.http_server import LocalHTTPServer

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]


def test_rpc_down_shows_a_banner_not_a_spinner(shop: Shop, publish: Any, open_page: Any) -> None:
    shop.list_product("Tour T-shirt 2026")
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    page = open_page(publish(rpc_url=dead).path_url, account=None)
    banner = page.locator(".banner[data-kind='rpc']")
    expect(banner).to_contain_text("The store is unreachable")
    expect(banner).to_contain_text(dead)
    expect(page.locator("[aria-busy='true']")).to_have_count(0)  # the skeleton is gone
    expect(page.locator("#view .empty h2")).to_have_text("The store is unreachable")
    # ?rpc= points the same page at a node that answers.
    page.goto(f"{publish(rpc_url=dead).path_url}?rpc={shop.node.url}#/")
    expect(page.locator("a.card")).to_have_count(1)
    expect(page.locator(".banner")).to_have_count(0)


def test_another_contract_at_the_address_is_refused(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Tour T-shirt 2026")
    page = open_page(f"{publish(code_hash='0x' + '12' * 32).path_url}#/product/{pid}")
    banner = page.locator(".banner[data-kind='deployment']")
    expect(banner).to_contain_text("This store cannot be trusted on this network")
    expect(banner).to_contain_text("not the one this page was built for")
    expect(page.locator("#view .empty h2")).to_have_text("Shop closed on this network")
    expect(page.get_by_role("button", name="Buy now")).to_have_count(0)


HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">Mug<script>window.__pwned=2</script>'
HOSTILE_TEXT = '<a href="javascript:window.__pwned=3">click</a>\n<iframe src="/"></iframe>'


def test_html_in_product_text_renders_as_text(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product(HOSTILE_NAME, description=HOSTILE_TEXT)
    url = publish().path_url
    page = open_page(url, account=None)
    expect(page.locator("a.card .name")).to_have_text(HOSTILE_NAME)
    page.goto(f"{url}#/product/{pid}")
    expect(page.locator("article.product h1")).to_have_text(HOSTILE_NAME)
    expect(page.locator(".description .prose")).to_have_text(HOSTILE_TEXT)
    assert page.locator("#view script, #view iframe, #view img[src='x'], #view a[href^='javascript']").count() == 0
    assert page.evaluate("window.__pwned") is None


class LyingGateway(LocalHTTPServer):
    """A path gateway in front of Kubo's that swaps the bytes of chosen CIDs (a fault the test controls)."""

    def __init__(self, upstream: str, swaps: dict[str, bytes]) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                cid = self.path.split("/")[2] if self.path.startswith("/ipfs/") else ""
                if cid in outer.swaps:
                    body, status, ctype = outer.swaps[cid], 200, "application/json"
                else:
                    try:
                        with urllib.request.urlopen(upstream + self.path, timeout=10) as response:
                            body, status = response.read(), response.status
                            ctype = response.headers.get("Content-Type", "application/octet-stream")
                    except urllib.error.HTTPError as exc:
                        body, status, ctype = exc.read(), exc.code, "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.swaps = swaps
        super().__init__(Handler)


@pytest.fixture
def lying_gateway(kubo: Any) -> Iterator[LyingGateway]:
    gateway = LyingGateway(kubo.gateway_url().replace("localhost", "127.0.0.1"), {})
    with gateway:
        yield gateway


def test_a_document_that_does_not_match_its_digest_is_unavailable(
    shop: Shop, publish: Any, open_page: Any, lying_gateway: LyingGateway
) -> None:
    honest = shop.list_product("Honest Mug", kind="mug")
    swapped = shop.list_product("Signed Poster", kind="poster")
    product = shop.product(swapped)
    listed_cid = str(Cid(bytes(product[12]), int(product[13])))  # the document the chain names
    fake, _ = build_product_metadata("Free iPhone", "", [])  # well-formed, just not those bytes
    lying_gateway.swaps[listed_cid] = fake
    page_cid = publish().cid
    url = f"{lying_gateway.url}/ipfs/{page_cid}/"
    page = open_page(url, account=None)
    expect(page.locator(f"a.card[data-product='{honest}'] .name")).to_have_text("Honest Mug")
    name = page.locator(f"a.card[data-product='{swapped}'] .name")
    expect(name).to_have_attribute("data-doc", "unavailable")
    expect(name).to_have_text(f"Product #{swapped} (details unavailable)")
    page.goto(f"{url}#/product/{swapped}")
    expect(page.locator(".doc-warning")).to_contain_text("unavailable")
    expect(page.locator("body")).not_to_contain_text("Free iPhone")
