"""Browsing: the catalog grid and a deep-linked product, from both gateway forms, with no wallet at all."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.page.conftest import DAY, LAPTOP, PHONE, Shop, screenshot

pytestmark = [pytest.mark.anvil, pytest.mark.kubo, pytest.mark.chromium]

CATALOG = [
    ("Tour T-shirt 2026", "Heavy black cotton, screen-printed tour dates on the back.", "tshirt", 0.02),
    ("Logo Hoodie", "Brushed fleece, embroidered logo. Runs large.", "hoodie", 0.58),
    ("Enamel Mug", "350 ml, dishwasher safe.", "mug", 0.12),
    ("Canvas Tote", "Organic cotton, long handles.", "tote", 0.33),
    ("Signed Poster", "A2 print, signed and numbered.", "poster", 0.75),
    ("Dad Cap", "Washed cotton, adjustable strap.", "cap", 0.9),
]


def seed(shop: Shop) -> list[int]:
    ids = []
    for i, (name, description, kind, hue) in enumerate(CATALOG):
        token = i % 3 == 1
        ids.append(
            shop.list_product(
                name,
                description=description,
                kind=kind,
                hue=hue,
                price=(25_000_000 + i * 2_500_000) if token else (2 + i) * 10**16,
                token=token,
                stock=[12, 3, 40, 0, 7, 25][i],
                escrow=0 if i == 2 else 14 * DAY,
                arbiter=shop.arbiter if i == 0 else None,
            )
        )
    return ids


def test_catalog_grid_without_a_wallet(shop: Shop, publish: Any, open_page: Any) -> None:
    ids = seed(shop)
    shop.buy(ids[0])
    page_url = publish().path_url
    page = open_page(page_url, account=None)
    grid = page.locator(".grid[data-count]")
    expect(grid).to_have_attribute("data-count", "6")  # the sold-out tote stays listed, marked sold out
    cards = page.locator("a.card")
    expect(cards.first.locator(".name")).to_have_text("Tour T-shirt 2026")
    expect(page.locator("a.card[data-product='2'] .price")).to_have_text("27.50 tUSD")
    expect(page.locator("a.card[data-product='1'] .price")).to_have_text("0.02 ETH")
    expect(page.locator("a.card[data-product='1'] .badge.escrow")).to_be_visible()
    expect(page.locator("a.card[data-product='3'] .badge.direct")).to_be_visible()
    expect(page.locator(".card .media:not(.loaded)")).to_have_count(0)  # every picture arrived
    screenshot(page, "catalog-1280x800")
    page.set_viewport_size(PHONE)
    screenshot(page, "catalog-390x844")
    page.set_viewport_size(LAPTOP)
    expect(page.locator("[data-deployment='ok']")).to_be_visible()


def test_storefront_for_one_seller_on_the_subdomain_gateway(shop: Shop, publish: Any, open_page: Any) -> None:
    from dapp.page import build_seller_document
    from tests.support.art import product_png

    ids = seed(shop)
    other = shop.list_product("Someone else's mug", kind="mug", seller=shop.accounts[4])
    banner = shop.kubo.add_bytes(product_png("poster", 0.6, 3))
    document, cid = build_seller_document("Nova Merch", "Official merch of Nova, shipped from Lisbon.", banner)
    assert shop.kubo.add_bytes(document) == cid
    page = open_page(publish(seller=shop.seller, seller_document=cid).subdomain_url, account=None)
    expect(page.locator("#shop-name")).to_have_text("Nova Merch")
    expect(page.locator(".hero h1")).to_have_text("Nova Merch")
    expect(page.locator(".hero")).to_contain_text("shipped from Lisbon")
    expect(page.locator("a.card")).to_have_count(len(ids))
    expect(page.locator(f"a.card[data-product='{other}']")).to_have_count(0)
    expect(page.locator("a.card[data-product='1'] .name")).to_have_text("Tour T-shirt 2026")  # cross-origin doc
    expect(page.locator(".card .media:not(.loaded)")).to_have_count(0)  # every picture arrived

    # The marketplace build links each product to its seller's storefront route.
    market = open_page(f"{publish().path_url}#/seller/{shop.accounts[4]}", account=None)
    expect(market.locator(".hero h1")).to_have_text(f"Shop of {shop.accounts[4][:6]}…{shop.accounts[4][-4:]}")
    expect(market.locator("a.card")).to_have_count(1)
