"""A newcomer with nothing installed buys on a local chain with the burner wallet."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.page.conftest import Shop
from tests.page.test_buy import transact

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]


def test_burner_wallet_buys_with_nothing_installed(shop: Shop, publish: Any, open_page: Any) -> None:
    pid = shop.list_product("Tour T-shirt 2026", price=3 * 10**16)
    page = open_page(f"{publish().path_url}#/product/{pid}", account=None)
    burner_js = []
    page.on("request", lambda r: burner_js.append(r.url) if "/chunks/burner-" in r.url else None)
    page.locator("#wallet-slot").get_by_role("button", name="Connect wallet").click()
    page.get_by_role("button", name="Burner wallet").click()
    chip = page.locator(".wallet-chip")
    expect(chip).to_contain_text("Burner")
    assert len(burner_js) == 1  # the signing code loaded now, on demand
    key = page.evaluate("localStorage.getItem('ownerless-store:burner-key')")
    address = shop.w3.eth.account.from_key(key).address
    assert address not in shop.accounts

    chip.click()
    expect(page.locator(".wallet-menu")).to_contain_text("Local testing only")
    page.get_by_role("button", name="Get 10 test ETH").click()
    expect(page.get_by_role("button", name="Funded")).to_be_visible()
    assert shop.w3.eth.get_balance(address) == 10 * 10**18
    chip.click()

    transact(page, page.get_by_role("button", name="Buy now").click)
    order = shop.order(pid, 1)
    assert order[2] == address and order[6] == 3 * 10**16

    # The key stays in this browser: a reload is the same burner, already connected.
    page.reload()
    expect(page.locator(".wallet-chip")).to_contain_text(f"{address[:6]}…{address[-4:]}")
