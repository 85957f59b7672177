"""The admin UI in a real browser (issue 18, UI-5): sign in, the dashboard, search the
products, edit one, sign out; axe-core on every screen; a screenshot of each.

A real ``rustok serve`` on a migrated, demo-seeded SQLite database (the browser tests'
exception to "both databases": the server-side tests in ``tests/admin`` run on both) and
Debian's Chromium, driven by Playwright. axe-core is vendored (``assets/axe.min.js``) and
evaluated through the DevTools protocol, so the page's CSP (own scripts only) stays on and
any CSP refusal the page itself meets is reported by the console and fails the test.
Screenshots go to ``var/screenshots/`` (not committed; CI keeps them as artefacts).
"""

from __future__ import annotations

import concurrent.futures
import re
from pathlib import Path
from typing import Any

from rustok.cli.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
from tests.browser.test_swagger_demo_flow import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _page,
    pytestmark,  # noqa: F401 - slow, and the long timeout
    server,  # noqa: F401 - the demo server fixture
)

AXE = Path(__file__).parent / "assets" / "axe.min.js"
SCREENSHOTS = Path(__file__).parents[2] / "var" / "screenshots"
BLOCKING = ("serious", "critical")


def _axe(page: Any) -> list[str]:
    """Serious and critical axe-core findings on the page (rule id and first target)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await window.axe.run(document)).violations"
        ".map(v => ({id: v.id, impact: v.impact, target: String(v.nodes[0].target)}))"
    )
    return [f"{v['id']} ({v['impact']}) at {v['target']}" for v in found
            if v["impact"] in BLOCKING]  # fmt: skip


def sign_in_as_demo_admin(page: Any, base: str) -> None:
    """The admin's sign-in form, filled as a person would, up to the dashboard."""
    page.goto(f"{base}/admin/login")
    page.get_by_label("Tenant").fill("demo")
    page.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def wait_for_htmx(page: Any) -> None:
    """htmx is a deferred script: a page's heading can show before htmx has taken the page in,
    and a change made then (a select, a keyup) triggers nothing."""
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")


def _screen(page: Any, name: str, seen: dict[str, Any]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)
    seen.setdefault("axe", {})[name] = _axe(page)


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
            page.goto(f"{base}/admin")
            assert page.url.startswith(f"{base}/admin/login")
            _screen(page, "login", seen)
            page.get_by_label("Tenant").fill("demo")
            page.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Dashboard").wait_for()
            seen["dashboard"] = page.locator("main").inner_text()
            _screen(page, "dashboard", seen)

            page.get_by_role("navigation", name="Sections").get_by_role(
                "link", name="Products"
            ).click()
            page.get_by_role("heading", name="Products").wait_for()
            seen["all_products"] = page.locator("#results").inner_text()
            _screen(page, "products", seen)
            page.get_by_label("Search").fill("Nordic")
            page.get_by_label("Search").press("Enter")
            page.wait_for_url(re.compile(r".*q=Nordic.*"))
            page.locator("#results").get_by_text("3 found").wait_for()
            seen["found"] = page.locator("#results tbody tr").all_inner_texts()

            page.get_by_role("link", name="Nordic Mug").click()
            page.get_by_role("heading", name="Nordic Mug").wait_for()
            _screen(page, "product-edit", seen)
            page.get_by_label("Title").fill("Nordic Mug XL")
            page.get_by_role("button", name="Save").click()
            page.get_by_role("heading", name="Nordic Mug XL").wait_for()
            seen["flash"] = page.get_by_role("status").first.inner_text()

            page.get_by_role("button", name="Sign out").click()
            page.get_by_text("You are signed out.").wait_for()
            page.goto(f"{base}/admin/commerce/products")
            seen["after_logout"] = page.url
            seen["elsewhere"] = elsewhere
        finally:
            browser.close()
    return seen


def test_admin_sign_in_search_edit_sign_out(server: str) -> None:  # noqa: F811 - the fixture
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(_drive, server).result(timeout=600)
    assert "Orders and revenue" in seen["dashboard"] and "Events" in seen["dashboard"]
    assert "Classic T-shirt" in seen["all_products"]
    assert len(seen["found"]) == 3 and all("Nordic" in row for row in seen["found"])
    assert seen["flash"] == "Saved."
    assert seen["after_logout"].startswith(f"{server}/admin/login")
    assert seen["axe"] == {"login": [], "dashboard": [], "products": [], "product-edit": []}
    assert [m for m in seen["console"] if "Content Security Policy" in m] == []
    assert seen["elsewhere"] == []  # htmx and the stylesheet are ours: no CDN
    for name in ("login", "dashboard", "products", "product-edit"):
        assert (SCREENSHOTS / f"admin-{name}.png").stat().st_size > 1000
