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
    tid = shop.list_product("Riso Poster", price=12_500_000, token=True, escrow=0, kind="poster")
    url = publish().path_url
    page = open_page(f"{url}#/product/{tid}", account=None)
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

    # No tUSD yet: the page says so before asking for any signature, and sends nothing.
    page.get_by_role("button", name="Buy now").click()
    refused = page.locator(".tx-card").last
    expect(refused).to_have_attribute("data-status", "error")
    expect(refused.locator(".tx-message")).to_contain_text("You have 0.00 tUSD; this costs 12.50 tUSD")
    expect(refused.locator(".tx-message")).to_contain_text("Get test funds from the wallet menu")

    # The node's first dev account funds it: test ETH, and the demo token from its open faucet.
    chip.click()
    expect(page.locator(".wallet-menu")).to_contain_text("Local testing only")
    page.get_by_role("button", name="Get test funds").click()
    expect(page.get_by_role("button", name="Funded: 10 ETH, 1000 tUSD")).to_be_visible()
    assert shop.w3.eth.get_balance(address) == 10 * 10**18
    assert shop.token.functions.balanceOf(address).call() == 1000 * 10**6
    chip.click()

    transact(page, page.get_by_role("button", name="Buy now").click)  # a permit the burner signs itself
    assert shop.order(tid, 1)[2] == address
    assert shop.token.functions.balanceOf(address).call() == 1000 * 10**6 - 12_500_000
    page.goto(f"{url}#/product/{pid}")
    transact(page, page.get_by_role("button", name="Buy now").click)
    order = shop.order(pid, 1)
    assert order[2] == address and order[6] == 3 * 10**16

    # The key stays in this browser: a reload is the same burner, already connected.
    page.reload()
    expect(page.locator(".wallet-chip")).to_contain_text(f"{address[:6]}…{address[-4:]}")
