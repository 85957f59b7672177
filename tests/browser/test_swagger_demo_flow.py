"""Swagger UI at ``/docs`` drives the demo flow in a real browser (API-1); GraphiQL runs from
local assets with the tenant and token set above it (API-2).

A real ``rustok serve`` on a migrated, demo-seeded SQLite database; Debian's Chromium,
driven by Playwright. Every step uses Swagger UI as a person would: the tenant box, *Try it
out* and *Execute* on the login operation (its example body is the demo administrator),
*Authorize* with the token shown, then list products, read one, create a cart, add an item
and check out, each answer read from the page.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_SECRET
from tests.services import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
STEP_TIMEOUT_MS = 60_000

# A real server (migrate, demo, serve, the document built) and a browser: minutes on a busy
# machine, beyond the suite's 300 s hang guard; every browser step has its own timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _rustok(*args: str, env: dict[str, str], cwd: Path) -> None:
    exe = Path(sys.executable).parent / "rustok"
    done = subprocess.run(
        [str(exe), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


# Each demo server's database by its base URL (tests that edit the server's rows need it).
SERVER_DATABASES: dict[str, Path] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo server on a free port; its base URL."""
    tmp_path = tmp_path_factory.mktemp("demo-server")
    # Never skipped, never downloaded: Debian's package is the browser (.ci/run installs it).
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/demo.db",
        RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_LOG_LEVEL="warning", RUSTOK_MEDIA_ROOT=str(tmp_path / "media"),
    )  # fmt: skip
    _rustok("migrate", env=env, cwd=tmp_path)
    _rustok("demo", env=env, cwd=tmp_path)
    exe = Path(sys.executable).parent / "rustok"
    process = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    SERVER_DATABASES[base] = tmp_path / "demo.db"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        # The document is built on its first request (seconds of CPU, more on a busy machine):
        # built here, the browser's steps keep their own timeouts.
        assert httpx.get(f"{base}/api/openapi.json", timeout=300).status_code == 200
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _page(browser: Any, base: str) -> tuple[Any, list[str]]:
    """A page that may reach this server only; the other URLs it asked for (a CDN)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(STEP_TIMEOUT_MS)
    elsewhere: list[str] = []

    def route(handler: Any) -> None:
        if handler.request.url.startswith(base):
            handler.continue_()
        else:
            elsewhere.append(handler.request.url)
            handler.abort()

    page.route("**/*", route)
    return page, elsewhere


class SwaggerPage:
    """Swagger UI's controls, found as a person finds them (by operation, then button)."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def operation(self, tag: str, operation_id: str) -> Any:
        block = self.page.locator(f"#operations-{tag}-{operation_id}")
        if not block.locator(".opblock-body").count():
            block.locator(".opblock-summary-control").click()
        block.get_by_role("button", name="Try it out").click()
        return block

    def parameter(self, block: Any, name: str, value: str) -> None:
        block.locator(f'tr[data-param-name="{name}"] input').fill(value)

    def body(self, block: Any, value: dict[str, Any] | None = None) -> dict[str, Any]:
        """The request body shown (the operation's example), replaced by ``value`` if given."""
        area = block.locator("textarea.body-param__text")
        if value is not None:
            area.fill(json.dumps(value))
        shown: dict[str, Any] = json.loads(area.input_value())
        return shown

    def execute(self, block: Any, status: int) -> Any:
        block.get_by_role("button", name="Execute").click()
        live = block.locator(".live-responses-table .response")
        live.first.wait_for(timeout=STEP_TIMEOUT_MS)
        code = live.locator(".response-col_status").first.inner_text().strip()
        text = live.locator(".response-col_description pre.microlight").first.inner_text()
        assert code == str(status), text[:2000]
        return json.loads(text)

    def authorize(self, token: str) -> None:
        self.page.locator(".auth-wrapper .authorize").click()
        dialog = self.page.locator(".dialog-ux .modal-ux")
        bearer = dialog.locator(".auth-container").filter(has_text="(http, Bearer)")
        bearer.locator("#auth-bearer-value").fill(token)
        bearer.locator("button.authorize", has_text="Authorize").click()
        bearer.locator("button", has_text="Logout").wait_for()  # the token is applied
        bearer.locator("button.btn-done", has_text="Close").click()


def _drive(base: str, screenshot: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    seen: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page, elsewhere = _page(browser, base)
            page.goto(f"{base}/docs")
            page.locator("#operations-auth-auth_login").wait_for()
            page.locator("#tenant-id").fill("demo")
            swagger = SwaggerPage(page)

            login = swagger.operation("auth", "auth_login")
            assert swagger.body(login)["email"] == "admin@demo.rustok.local"
            tokens = swagger.execute(login, 200)
            seen["user"] = tokens["user"]
            swagger.authorize(tokens["access_token"])

            listing = swagger.operation("storefront", "store_products")
            products = swagger.execute(listing, 200)["items"]
            seen["products"] = products
            product = swagger.operation("storefront", "store_product")
            swagger.parameter(product, "handle", products[0]["handle"])
            detail = swagger.execute(product, 200)
            variant = next(v for v in detail["variants"] if v["available"])

            created = swagger.operation("storefront", "store_create_cart")
            cart = swagger.execute(created, 201)
            seen["cart"] = cart
            add = swagger.operation("storefront", "store_add_item")
            swagger.parameter(add, "cart_id", cart["id"])
            swagger.body(add, {"variant_id": variant["id"], "quantity": 2})
            seen["filled"] = swagger.execute(add, 201)

            checkout = swagger.operation("storefront", "store_checkout_cart")
            swagger.parameter(checkout, "cart_id", cart["id"])
            assert swagger.body(checkout)["shipping_address"]["country_code"] == "US"
            seen["order"] = swagger.execute(checkout, 201)
            page.screenshot(path=str(screenshot), full_page=False)
            seen["elsewhere"] = elsewhere
        finally:
            browser.close()
    return seen


def test_swagger_ui_drives_the_demo_flow(server: str, tmp_path: Path) -> None:
    # Playwright's sync API wants a thread without a running event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(_drive, server, tmp_path / "swagger.png").result(timeout=600)
    assert seen["user"]["email"] == "admin@demo.rustok.local"
    assert seen["user"]["role"] == "admin"
    assert len(seen["products"]) >= 10
    assert seen["cart"]["customer_id"] == seen["user"]["id"]  # the token was sent
    assert [i["quantity"] for i in seen["filled"]["items"]] == [2]
    order = seen["order"]
    assert order["status"] == "pending"
    assert order["email"] == "customer@example.com"
    assert [line["quantity"] for line in order["lines"]] == [2]
    assert order["subtotal"] == seen["filled"]["subtotal"] > 0
    assert order["customer_id"] == seen["user"]["id"]
    assert seen["elsewhere"] == []  # Swagger UI loaded nothing from outside


GRAPHQL_QUERY = "{ currentTenant { slug } me { email role } }"


def _graphiql(base: str, token: str, screenshot: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page, elsewhere = _page(browser, base)
            page.goto(f"{base}/api/graphql")
            editor = page.locator(".graphiql-query-editor .CodeMirror")
            editor.wait_for()
            page.locator("#tenant-id").fill("demo")
            page.locator("#token").fill(token)
            page.evaluate(
                "query => document.querySelector('.graphiql-query-editor .CodeMirror')"
                ".CodeMirror.setValue(query)",
                GRAPHQL_QUERY,
            )
            page.locator(".graphiql-execute-button").click()
            result = page.locator(".result-window")
            result.get_by_text("admin@demo.rustok.local").wait_for()
            text = page.evaluate(
                "() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
            )
            page.screenshot(path=str(screenshot))
            return {"result": json.loads(text), "elsewhere": elsewhere}
        finally:
            browser.close()


def test_graphiql_runs_from_local_assets_with_the_tenant_and_token(
    server: str, tmp_path: Path
) -> None:
    login = httpx.post(
        f"{server}/api/auth/login", headers={"X-Tenant-ID": "demo"}, timeout=30,
        json={"email": "admin@demo.rustok.local", "password": "rustok-demo-admin"},
    )  # fmt: skip
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(_graphiql, server, token, tmp_path / "graphiql.png").result(600)
    assert seen["result"] == {
        "data": {
            "currentTenant": {"slug": "demo"},
            "me": {"email": "admin@demo.rustok.local", "role": "admin"},
        }
    }
    assert seen["elsewhere"] == []
