"""The commerce admin in a real browser (issue 18): create a product with two variants and
prices, set stock, see it in the storefront API, place an order through the API and take it
confirm → pay → ship on the order page; axe-core and a screenshot on every new screen.

The same demo server and Chromium as ``test_admin_flow.py`` (SQLite only: the services and
routes these steps drive are covered on both databases by ``tests/admin``).
"""

from __future__ import annotations

import concurrent.futures
import re
import time
from typing import Any

import httpx

from rustok.cli.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
from tests.browser.test_admin_flow import (
    SCREENSHOTS,
    _screen,
    sign_in_as_demo_admin,
    wait_for_htmx,
)
from tests.browser.test_swagger_demo_flow import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _page,
    pytestmark,  # noqa: F401 - slow, and the long timeout
    server,  # noqa: F401 - the demo server fixture
)
from tests.modules.commerce.helpers import ADDRESS

DEMO = {"X-Tenant-ID": "demo"}
HANDLE = "browser-linen-tee"
BUYER = "browser-buyer@example.com"
SCREENS = (
    "product-new",
    "product-variants",
    "product-images",
    "orders",
    "order-detail",
    "regions",
    "discounts",
    "discount-edit",
    "categories",
    "collections",
    "product-translation",
    "variant-edit",
    "price-list-edit",
    "price-lists",
    "carts",
    "cart-detail",
)


def _storefront_product(base: str) -> dict[str, Any]:
    """The product as the storefront reads it, once the projector wrote its read model."""
    deadline = time.monotonic() + 120
    while True:
        found = httpx.get(f"{base}/api/store/products/{HANDLE}", headers=DEMO, timeout=30)
        if found.status_code == 200:
            product: dict[str, Any] = found.json()
            return product
        assert found.status_code == 404, found.text
        assert time.monotonic() < deadline, "the storefront never showed the product"
        time.sleep(0.5)


def _place_order(base: str, variant_id: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, headers=DEMO, timeout=60) as api:
        cart = api.post("/api/store/carts", json={}).json()
        token = {"X-Cart-Token": cart["token"]}
        added = api.post(
            f"/api/store/carts/{cart['id']}/items", headers=token,
            json={"variant_id": variant_id, "quantity": 2},
        )  # fmt: skip
        assert added.status_code == 201, added.text
        order = api.post(
            f"/api/store/carts/{cart['id']}/checkout", headers=token,
            json={"email": BUYER, "shipping_address": {**ADDRESS, "country_code": "US"}},
        )  # fmt: skip
        assert order.status_code == 201, order.text
        placed: dict[str, Any] = order.json()
        return placed


def _drive(base: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    seen: dict[str, Any] = {"console": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page, elsewhere = _page(browser, base)
            page.on(
                "console", lambda m: seen["console"].append(m.text) if m.type == "error" else None
            )
            sign_in_as_demo_admin(page, base)

            sections = page.get_by_role("navigation", name="Sections")
            sections.get_by_role("link", name="Products").click()
            page.get_by_role("link", name="New product").click()
            page.get_by_role("heading", name="New product").wait_for()
            _screen(page, "product-new", seen)
            for label, value in (
                ("Title", "Browser linen tee"), ("Handle", HANDLE),
                ("Option (e.g. Size), optional", "Size"),
                ("Its value for this variant (e.g. S)", "S"), ("SKU", "BROWSER-S"),
                ("Currency", "USD"), ("Price, e.g. 19.99", "19.99"),
                ("Second currency (optional)", "EUR"), ("Price in the second currency", "18.50"),
                ("Units at the default location", "4"),
            ):  # fmt: skip
                page.get_by_label(label, exact=True).fill(value)
            page.get_by_role("button", name="Create the product").click()
            page.get_by_role("heading", name="Browser linen tee").wait_for()

            page.get_by_label("SKU", exact=True).fill("BROWSER-M")
            page.get_by_label("Size", exact=True).fill("M")
            page.get_by_label("Currency", exact=True).fill("USD")
            page.get_by_label("Price, e.g. 19.99").fill("21.50")
            page.get_by_label("Units at the default location").fill("3")
            page.get_by_role("button", name="Add the variant").click()
            page.get_by_text("Variant added.").wait_for()
            row = page.locator("tbody tr", has_text="BROWSER-M")
            row.get_by_label("Units").fill("12")
            row.get_by_role("button", name="Set stock").click()
            page.get_by_text("Stock saved.").wait_for()
            page.get_by_label("Status").select_option("active")
            page.get_by_role("button", name="Save").click()
            page.get_by_text("Saved.").wait_for()
            seen["variants"] = page.locator("#variants-heading + table").inner_text()
            product_url = page.url
            _screen(page, "product-variants", seen)

            product = _storefront_product(base)
            seen["storefront"] = product
            medium = next(v for v in product["variants"] if v["sku"] == "BROWSER-M")
            order = _place_order(base, medium["id"])
            seen["order"] = order

            sections.get_by_role("link", name="Orders").click()
            page.get_by_role("heading", name="Orders").wait_for()
            page.get_by_label("Search").fill(BUYER)
            page.get_by_label("Search").press("Enter")
            page.wait_for_url(re.compile(r".*q=browser-buyer.*"))
            page.locator("#results").get_by_text("1 found").wait_for()
            _screen(page, "orders", seen)
            number = f"#{order['display_number']}"
            page.get_by_role("link", name=number, exact=True).click()
            page.get_by_role("heading", name=f"Order {number}").wait_for()
            _screen(page, "order-detail", seen)
            page.get_by_role("button", name="Confirm").click()
            page.get_by_text("The order is confirmed.").wait_for()
            page.get_by_role("button", name="Mark as paid").click()
            page.get_by_text("The order is paid.").wait_for()
            page.get_by_label("Tracking number").fill("1Z-BROWSER")
            page.get_by_label("Carrier (optional)").fill("UPS")
            page.get_by_role("button", name="Ship").click()
            page.get_by_text("The order is shipped.").wait_for()
            seen["history"] = page.locator(".timeline").inner_text()
            seen["buttons"] = page.locator("#actions-heading + .actions button").all_inner_texts()

            sections.get_by_role("link", name="Regions and shipping").click()
            page.get_by_role("heading", name="Regions and shipping").wait_for()
            page.get_by_label("Name").first.fill("Nordics")
            page.get_by_label("Currency (ISO 4217, e.g. EUR)").first.fill("EUR")
            page.get_by_label("Countries (ISO 3166 codes, e.g. DE FR)").fill("SE FI")
            page.get_by_role("button", name="Add the region").click()
            page.get_by_text("Region added.").wait_for()
            seen["regions"] = page.locator("#regions-heading + table").inner_text()
            _screen(page, "regions", seen)

            sections.get_by_role("link", name="Discounts").click()
            page.get_by_role("heading", name="Discounts", exact=True).wait_for()
            page.get_by_label("Code (letters, digits, - and _)").fill("browser10")
            page.get_by_label("Value (per cent, or an amount such as 5.00)").fill("10")
            page.get_by_role("button", name="Add the code").click()
            page.get_by_text("Discount code added.").wait_for()
            _screen(page, "discounts", seen)
            page.get_by_role("link", name="BROWSER10").click()
            page.get_by_label("Usage limit (optional)").fill("3")
            page.get_by_role("button", name="Save", exact=True).click()
            page.get_by_text("Saved.").wait_for()
            seen["usage_limit"] = page.get_by_label("Usage limit (optional)").input_value()
            _screen(page, "discount-edit", seen)

            sections.get_by_role("link", name="Product categories").click()
            page.get_by_role("heading", name="Product categories", exact=True).wait_for()
            page.get_by_label("Name", exact=True).fill("Browser shirts")
            page.get_by_role("button", name="Add the category").click()
            page.get_by_text("Category added.").wait_for()
            _screen(page, "categories", seen)
            sections.get_by_role("link", name="Collections").click()
            page.get_by_role("heading", name="Collections", exact=True).wait_for()
            page.get_by_label("Title", exact=True).fill("Browser picks")
            page.get_by_role("button", name="Add the collection").click()
            page.get_by_text("Collection added.").wait_for()
            seen["collections"] = page.locator("#results").inner_text()
            _screen(page, "collections", seen)

            page.goto(product_url)
            translations = page.get_by_role("navigation", name="Translations")
            translations.get_by_role("link").first.click()
            page.get_by_label("Description").fill("Soft, breathable linen.")
            _screen(page, "product-translation", seen)
            page.get_by_role("button", name="Save the translation").click()
            page.get_by_text("Translation saved.").wait_for()
            seen["description"] = page.get_by_label("Description").input_value()
            page.goto(product_url)
            page.get_by_role("link", name="Images (0)").click()
            page.get_by_role("heading", name="Attach an image").wait_for()
            page.get_by_label("Or the image's URL (https://…)").fill(
                "https://cdn.example.com/linen.jpg"
            )
            page.get_by_label("Alternative text").fill("Linen tee, front")
            page.get_by_role("button", name="Attach", exact=True).click()
            page.get_by_text("Image attached.").wait_for()
            seen["images"] = page.locator("main").inner_text()
            _screen(page, "product-images", seen)
            page.goto(product_url)
            page.get_by_role("link", name="BROWSER-S").click()
            page.get_by_label("Variant name").fill("Small")
            page.get_by_label("Amount (row 1)").fill("20.00")
            _screen(page, "variant-edit", seen)
            page.get_by_role("button", name="Save", exact=True).click()
            page.get_by_text("Variant saved.").wait_for()
            seen["edited"] = page.locator("tbody tr", has_text="BROWSER-S").inner_text()

            sections.get_by_role("link", name="Price lists").click()
            page.get_by_role("heading", name="Price lists", exact=True).wait_for()
            page.get_by_label("Name", exact=True).fill("Browser sale")
            page.get_by_role("button", name="Add the price list").click()
            page.get_by_text("Price list added.").wait_for()
            page.get_by_label("SKU (row 1)").fill("BROWSER-S")
            page.get_by_label("Currency (row 1)").fill("USD")
            page.get_by_label("Amount (row 1)").fill("15")
            _screen(page, "price-list-edit", seen)
            page.get_by_role("button", name="Save the prices").click()
            page.get_by_text("Saved.").wait_for()
            seen["list_amount"] = page.get_by_label("Amount (row 1)").input_value()
            sections.get_by_role("link", name="Price lists").click()
            page.get_by_role("link", name="Browser sale").wait_for()
            _screen(page, "price-lists", seen)

            sections.get_by_role("link", name="Carts").click()
            page.get_by_role("heading", name="Carts", exact=True).wait_for()
            wait_for_htmx(page)  # the filter is an htmx "change from:select"
            page.get_by_label("Status").select_option("completed")
            page.wait_for_url(re.compile(r".*status=completed.*"))
            _screen(page, "carts", seen)
            page.locator("#results tbody a").first.click()
            page.get_by_role("heading", name="Lines").wait_for()
            seen["cart"] = page.locator("main").inner_text()
            _screen(page, "cart-detail", seen)
            seen["elsewhere"] = elsewhere
        finally:
            browser.close()
    return seen


def test_product_variants_stock_storefront_and_order_transitions(server: str) -> None:  # noqa: F811
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(_drive, server).result(timeout=800)
    assert "BROWSER-S" in seen["variants"] and "$21.50" in seen["variants"]
    assert "€18.50" in seen["variants"] and "12 stocked" in seen["variants"]
    storefront = {v["sku"]: v for v in seen["storefront"]["variants"]}
    assert set(storefront) == {"BROWSER-S", "BROWSER-M"}
    assert storefront["BROWSER-M"]["price"] == 2150 and storefront["BROWSER-S"]["price"] == 1999
    assert seen["order"]["status"] == "pending" and seen["order"]["lines"][0]["quantity"] == 2
    assert "https://cdn.example.com/linen.jpg" in seen["images"]
    assert "Linen tee, front" in seen["images"]
    assert "shipped" in seen["history"] and "1Z-BROWSER" in seen["history"]
    assert seen["buttons"] == ["Mark as delivered"]
    assert "Nordics" in seen["regions"] and "FI SE" in seen["regions"]
    assert seen["usage_limit"] == "3" and "browser-picks" in seen["collections"]
    assert seen["description"] == "Soft, breathable linen."
    assert "Small" in seen["edited"] and "€20.00, $19.99" in seen["edited"]
    assert seen["list_amount"] == "15.00" and "BROWSER-M" in seen["cart"]
    with httpx.Client(base_url=server, headers=DEMO, timeout=30) as api:
        token = api.post(
            "/api/auth/login", json={"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD}
        ).json()["access_token"]
        order = api.get(
            f"/api/commerce/orders/{seen['order']['id']}",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
    assert order["status"] == "shipped" and order["tracking_number"] == "1Z-BROWSER"
    assert seen["axe"] == {name: [] for name in SCREENS}
    assert [m for m in seen["console"] if "Content Security Policy" in m] == []
    assert seen["elsewhere"] == []
    for name in SCREENS:
        assert (SCREENSHOTS / f"admin-{name}.png").stat().st_size > 1000
