"""The admin's platform screens in a real browser (issue 18): the platform super admin
signs in, replays a failed event, looks at the dead letters, the audit log and the users
(one user's sessions), invites someone, switches to the demo tenant and back, creates an
API key, revokes a session, is refused a POST without its CSRF token, and signs
out; axe-core on every screen and a screenshot of each under ``var/screenshots/``.

The demo server and browser of ``test_admin_flow.py`` (SQLite only; the refusals of
customers and other tenants' staff on every screen are server-side tests in
``tests/admin``). The failed event is made by marking an outbox row failed in the server's
SQLite file, as the relay does after its last attempt.
"""

from __future__ import annotations

import concurrent.futures
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx

from rustok.cli.demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_PASSWORD,
    DEMO_TENANT_NAME,
    PLATFORM_ADMIN_EMAIL,
)
from tests.browser.test_admin_flow import SCREENSHOTS, _screen
from tests.browser.test_swagger_demo_flow import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SERVER_DATABASES,
    _page,
    pytestmark,  # noqa: F401 - slow, and the long timeout
    server,  # noqa: F401 - the demo server fixture
)

SCREENS = (
    "events", "event-detail", "dead-letters", "audit", "users", "user-edit", "invites",
    "tenant-switched", "api-keys",
    "api-key-created", "sessions", "webhooks", "webhook-created", "webhook-edit",
    "webhook-deliveries",
)  # fmt: skip
FAILURE = "broker unreachable: connection refused"
EVENT_TYPE = "product.created"


def _fail_an_event(database: Path) -> None:
    """Mark one delivered ``product.created`` row failed in the server's database (waiting
    for the relay to deliver the demo's events first: it would overwrite a pending one)."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        with sqlite3.connect(database, timeout=30) as conn:
            marked = conn.execute(
                "UPDATE sys_events SET status = 'failed', attempts = 10, last_error = ? "
                "WHERE id = (SELECT id FROM sys_events WHERE event_type = ? "
                "AND status = 'dispatched' ORDER BY created_at DESC LIMIT 1)",
                (FAILURE, EVENT_TYPE),
            ).rowcount
        if marked:
            return
        time.sleep(0.5)
    raise AssertionError("the relay delivered no product.created event")


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
            page.goto(f"{base}/admin/events")
            page.get_by_label("Email").fill(PLATFORM_ADMIN_EMAIL)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("heading", name="Events", exact=True).wait_for()
            _screen(page, "events", seen)

            page.goto(f"{base}/admin/events?status=failed")
            ours = page.locator("#results tbody tr", has_text=FAILURE)
            seen["failed_rows"] = ours.count()
            ours.locator("a").first.click()
            page.get_by_role("heading", name=EVENT_TYPE).wait_for()
            seen["last_error"] = page.locator("#last-error").inner_text()
            _screen(page, "event-detail", seen)
            page.get_by_role("button", name="Replay").click()
            page.get_by_text("The event is queued for delivery again.").wait_for()
            seen["replayed_buttons"] = page.get_by_role("button", name="Replay").count()

            page.goto(f"{base}/admin/events/dead-letters")
            page.get_by_role("heading", name="Dead letters", exact=True).first.wait_for()
            _screen(page, "dead-letters", seen)

            page.get_by_role("navigation", name="Sections").get_by_role(
                "link", name="Audit log"
            ).click()
            page.get_by_role("heading", name="Audit log").wait_for()
            page.get_by_label("Action").fill("auth.")
            page.get_by_label("Action").press("Enter")
            page.locator("#results").get_by_text("auth.login").first.wait_for()
            _screen(page, "audit", seen)

            nav = page.get_by_role("navigation", name="Sections")
            nav.get_by_role("link", name="Users").click()
            page.get_by_role("heading", name="Users").wait_for()
            _screen(page, "users", seen)
            page.locator("#results tbody a").first.click()
            page.get_by_label("Role").wait_for()
            _screen(page, "user-edit", seen)

            nav.get_by_role("link", name="Invitations").click()
            page.get_by_role("heading", name="Invitations", exact=True).wait_for()
            page.get_by_label("Email").fill("new.editor@example.com")
            page.get_by_label("Role").select_option("manager")
            page.get_by_role("button", name="Send the invitation").click()
            page.get_by_text("The invitation is sent.").wait_for()
            seen["invited"] = page.locator(
                "#results tbody tr", has_text="new.editor@example.com"
            ).count()
            _screen(page, "invites", seen)

            # The header's tenant switcher: act in the demo shop, see its users, come back.
            page.locator("#tenant-select").select_option(label=f"{DEMO_TENANT_NAME} (demo)")
            page.get_by_role("button", name="Switch", exact=True).click()
            page.get_by_text("You now work in the chosen tenant.").wait_for()
            _screen(page, "tenant-switched", seen)
            nav.get_by_role("link", name="Users").click()
            page.get_by_role("heading", name="Users").wait_for()
            seen["demo_users"] = page.locator("#results").inner_text()
            page.locator("#tenant-select").select_option(index=0)  # the default tenant
            page.get_by_role("button", name="Switch", exact=True).click()
            page.get_by_text("You now work in the chosen tenant.").wait_for()

            nav.get_by_role("link", name="API keys").click()
            page.get_by_role("heading", name="API keys", exact=True).wait_for()
            page.get_by_label("Name").fill("Stock sync")
            page.get_by_label("Permissions (one per line, e.g. products:list)").fill(
                "products:list"
            )
            page.get_by_role("button", name="Create", exact=True).click()
            page.get_by_role("heading", name="API key created").wait_for()
            seen["key"] = page.get_by_label("Key").input_value()
            _screen(page, "api-key-created", seen)
            page.get_by_role("link", name="Back to the API keys").click()
            page.get_by_role("heading", name="API keys", exact=True).wait_for()
            _screen(page, "api-keys", seen)

            # Webhooks: the empty state, an endpoint (its secret shown once), its form and
            # its (empty) delivery log. No ping: the demo server would send it.
            nav.get_by_role("link", name="Webhooks").click()
            page.get_by_role("heading", name="Webhooks", exact=True).wait_for()
            _screen(page, "webhooks", seen)
            page.get_by_label("URL (https://…)").fill("https://erp.example.com/hooks")
            page.get_by_label("Event types (one a line, e.g. order.* or * for all)").fill("order.*")
            page.get_by_role("button", name="Create", exact=True).click()
            page.get_by_role("heading", name="Webhook created").wait_for()
            seen["secret"] = page.get_by_label("Signing secret").input_value()
            _screen(page, "webhook-created", seen)
            page.get_by_role("link", name="Back to the webhook").click()
            page.get_by_label("Description").fill("ERP")
            page.get_by_role("button", name="Save", exact=True).click()
            page.get_by_text("Saved.").wait_for()
            seen["webhook_description"] = page.get_by_label("Description").input_value()
            _screen(page, "webhook-edit", seen)
            page.get_by_role("link", name="Delivery log").click()
            page.get_by_text("No deliveries yet.").wait_for()
            _screen(page, "webhook-deliveries", seen)

            api = httpx.post(
                f"{base}/api/auth/login", timeout=30,
                json={"email": PLATFORM_ADMIN_EMAIL, "password": DEMO_PASSWORD},
            ).json()  # fmt: skip
            page.get_by_role("navigation", name="Sections").get_by_role(
                "link", name="Your sessions"
            ).click()
            page.get_by_role("heading", name="Your sessions").wait_for()
            _screen(page, "sessions", seen)
            page.get_by_role("button", name=re.compile("^Revoke the session")).first.click()
            page.get_by_text("The session is ended.").wait_for()
            me = httpx.get(
                f"{base}/api/auth/me", timeout=30,
                headers={"Authorization": f"Bearer {api['access_token']}"},
            )  # fmt: skip
            seen["revoked_api_session"] = me.status_code

            no_token = page.request.post(
                f"{base}/admin/account/sessions/revoke-all", max_redirects=0
            )
            seen["csrf_less"] = no_token.status

            page.get_by_role("button", name="Sign out").click()
            page.get_by_text("You are signed out.").wait_for()
            page.goto(f"{base}/admin/events")
            seen["after_logout"] = page.url
            seen["elsewhere"] = elsewhere
        finally:
            browser.close()
    return seen


def test_replay_a_failed_event_revoke_a_session_sign_out(
    server: str,  # noqa: F811 - the fixture
) -> None:
    # This module's server's database: another module's demo server may run in this process
    # (marking a row there let the test go on before its own server had delivered one).
    _fail_an_event(SERVER_DATABASES[server])
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(_drive, server).result(timeout=600)
    assert seen["failed_rows"] == 1
    assert seen["last_error"] == FAILURE
    assert seen["replayed_buttons"] == 0  # queued again: nothing left to replay
    assert seen["invited"] == 1
    assert DEMO_ADMIN_EMAIL in seen["demo_users"]
    assert PLATFORM_ADMIN_EMAIL not in seen["demo_users"]
    assert seen["key"].startswith("rk_")
    assert seen["secret"].startswith("whsec_") and seen["webhook_description"] == "ERP"
    assert seen["revoked_api_session"] == 401
    assert seen["csrf_less"] == 403
    assert seen["after_logout"].startswith(f"{server}/admin/login")
    assert seen["axe"] == {name: [] for name in SCREENS}
    assert [m for m in seen["console"] if "Content Security Policy" in m] == []
    assert seen["elsewhere"] == []
    for name in SCREENS:
        assert (SCREENSHOTS / f"admin-{name}.png").stat().st_size > 1000
