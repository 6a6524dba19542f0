"""The page knows which release it runs and that it has a successor, with real parts: two online Kubo nodes
on loopback (releases are published on the first, the shop is opened through the gateway of the second,
which resolves the name over the DHT like any other gateway), `dapp.release` making real releases and a
rollback, anvil with a Catalog, Chromium.

The second node's gateway keeps no IPNS cache (`Ipns.MaxCacheTTL` 0s): with its default it would answer
from cache for the record's TTL (1 min), and the test would wait that long after each publish. The test
still waits, on a condition, until that gateway serves the CID it expects before opening a page.

DNSLink without the internet: the second node asks a DNS-over-HTTPS server of the test's for `.test`
names (Kubo's `DNS.Resolvers`; it trusts the server's CA through SSL_CERT_FILE), and a Chromium launched
with `--host-resolver-rules` takes `shop.test` to that gateway, which serves the name the TXT record names."""

from __future__ import annotations

import contextlib
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from dapp._utils.process import wait_until
from dapp.release import ReleaseEntry, ReleaseSettings, release_page, rollback
from tests.page.conftest import LAPTOP, PHONE, Shop, screenshot
from tests.support.browser import CHROMIUM, LAUNCH_ARGS
from tests.support.doh import DohServer
from tests.support.ipfs_nodes import NamePair, name_pair

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]


DOMAIN = "shop.test"


@pytest.fixture(scope="module")
def doh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DohServer]:
    with DohServer(tmp_path_factory.mktemp("doh")) as server:
        yield server


@pytest.fixture(scope="module")
def names(doh: DohServer) -> Iterator[NamePair]:
    config = {"Ipns.MaxCacheTTL": "0s", "DNS.Resolvers": {"test.": doh.url}}
    with contextlib.ExitStack() as stack:
        with pytest.MonkeyPatch.context() as env:  # for the daemons' start only
            env.setenv("SSL_CERT_FILE", str(doh.ca))
            pair = stack.enter_context(name_pair(resolver_config=config))
        yield pair


@pytest.fixture(scope="module")
def dnslink_browser(browser: Any) -> Iterator[Any]:
    """Chromium that resolves shop.test to 127.0.0.1 (nothing else changes)."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*LAUNCH_ARGS, f"--host-resolver-rules=MAP {DOMAIN} 127.0.0.1"]
    )
    yield launched
    launched.close()


def _gateway(names: NamePair) -> str:
    return names.resolver_info.gateway_url.replace("localhost", "127.0.0.1").rstrip("/")


def _served_root(url: str) -> str | None:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as response:
            return str(response.headers.get("X-Ipfs-Roots", "")).split(",")[0] or None
    except OSError:
        return None


def _wait_serves(gateway: str, entry: ReleaseEntry) -> None:
    url = f"{gateway}/ipns/{entry.ipns_name}/"
    assert wait_until(lambda: _served_root(url) == entry.cid, timeout=60), f"{url} never served {entry.cid}"


def _short(cid: str) -> str:
    return f"{cid[:6]}…{cid[-6:]}"


def _footer_shot(page: Any, name: str) -> Path:
    page.locator("#footer").scroll_into_view_if_needed()
    return screenshot(page, name)


def test_release_line_and_newer_release_notice(names: NamePair, shop: Shop, open_page: Any, tmp_path: Path) -> None:
    settings = ReleaseSettings(key_name="shop", state=tmp_path / ".dapp", releases=tmp_path / "releases",
                               work=tmp_path / "work")  # fmt: skip
    gateway = _gateway(names)
    port = gateway.rsplit(":", 1)[1]

    first = release_page(names.publisher, shop.page_config(), settings)
    name, commit = first.ipns_name, first.source_commit
    assert commit is not None
    _wait_serves(gateway, first)

    # Under the name: the page asks the gateway which CID it is, and says so with the commit and its date.
    for viewport, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page = open_page(f"{gateway}/ipns/{name}/", account=None, viewport=viewport)
        line = page.locator("#footer p.release")
        expect(line).to_have_attribute("data-release", "known")
        expect(line.locator("a[data-cid]")).to_have_attribute("data-cid", first.cid)
        expect(line.locator("a[data-cid]")).to_have_attribute("href", f"{gateway}/ipfs/{first.cid}/")
        expect(line).to_contain_text(f"Release {_short(first.cid)}")
        expect(line).to_contain_text(f"built from commit {commit[:8]}")
        expect(line).to_contain_text(f"({first.config['sourceDate'][:10]})")
        expect(page.locator(".release-newer")).to_have_count(0)
        _footer_shot(page, f"release-ipns-{label}")

    # A second release moves the name: the first release's immutable page now says it has a successor.
    second = release_page(names.publisher, shop.page_config(seller=shop.seller), settings)
    assert second.cid != first.cid and second.ipns_name == name
    _wait_serves(gateway, second)
    for viewport, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        old = open_page(f"{gateway}/ipfs/{first.cid}/", account=None, viewport=viewport)
        expect(old.locator("#footer p.release")).to_have_attribute("data-release", "newer")
        notice = old.locator("#footer .release-newer")
        expect(notice).to_contain_text("A newer release of this shop exists.")
        link = notice.get_by_role("link", name="Open the latest release")
        expect(link).to_have_attribute("href", f"{gateway}/ipns/{name}/")
        expect(link).to_have_attribute("data-newer-cid", second.cid)
        _footer_shot(old, f"release-newer-{label}")
    # The subdomain form: the page (origin CID.ipfs.localhost) reads X-Ipfs-Roots from NAME.ipns.localhost.
    sub = open_page(f"http://{first.cid}.ipfs.localhost:{port}/", account=None)
    link = sub.locator("#footer .release-newer a")
    expect(link).to_have_attribute("href", f"http://{name}.ipns.localhost:{port}/")
    link.click()  # the link opens the release the name points at, which says so
    expect(sub.locator("#footer a[data-cid]")).to_have_attribute("data-cid", second.cid)
    expect(sub.locator("#footer .release-newer")).to_have_count(0)

    # Rolled back to the first release: its page is current again and says nothing more.
    back = rollback(names.publisher, shop.page_config().chain_id, first.cid, settings)
    assert back.cid == first.cid
    _wait_serves(gateway, back)
    again = open_page(f"{gateway}/ipfs/{first.cid}/", account=None)
    expect(again.locator("#footer p.release")).to_have_attribute("data-release", "known")
    expect(again.locator("#footer a[data-cid]")).to_have_attribute("data-cid", first.cid)
    expect(again.locator("#footer .release-newer")).to_have_count(0)


def test_under_a_dnslink_domain_the_page_names_its_release(
    names: NamePair, doh: DohServer, dnslink_browser: Any, shop: Shop, tmp_path: Path
) -> None:
    settings = ReleaseSettings(key_name="dnslink", state=tmp_path / ".dapp", releases=tmp_path / "releases",
                               work=tmp_path / "work")  # fmt: skip
    gateway = _gateway(names)
    entry = release_page(names.publisher, shop.page_config(), settings)
    doh.records[f"_dnslink.{DOMAIN}."] = f"dnslink=/ipns/{entry.ipns_name}"
    _wait_serves(gateway, entry)
    context = dnslink_browser.new_context(viewport=LAPTOP, device_scale_factor=1)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"http://{DOMAIN}:{gateway.rsplit(':', 1)[1]}/")
        line = page.locator("#footer p.release")
        expect(line).to_have_attribute("data-release", "known")
        expect(line.locator("a[data-cid]")).to_have_attribute("data-cid", entry.cid)
        expect(line).to_contain_text(f"built from commit {str(entry.source_commit)[:8]}")
        expect(page.locator("#footer .release-newer")).to_have_count(0)
    finally:
        context.close()


def test_a_page_that_is_no_release_shows_no_release_line(shop: Shop, publish: Any, open_page: Any) -> None:
    """`dapp up`'s page (no ipnsName, no commit in config.json) under /ipfs/: no release line at all."""
    page = open_page(publish().path_url, account=None)
    line = page.locator("#footer p.release")
    expect(line).to_have_attribute("data-release", "unknown")
    expect(line).to_be_hidden()
    expect(page.locator("#footer .release-newer")).to_have_count(0)
