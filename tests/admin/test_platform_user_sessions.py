"""Another user's sessions on ``/admin/users/{id}`` (``users:manage``; no REST route lists
them): API sign-ins and admin sessions alike, ending one or all through
``UserAdminService`` — at once: the revoked admin session's next request is sent to the
sign-in form. Users who outrank the admin, other users' session ids, CSRF-less posts and
staff without ``users:manage`` are refused."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.core.settings import Settings
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.admin.platform_helpers import staff
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import make_settings

USERS = "/admin/users"
ROW_RE = re.compile(r'<a href="/admin/users/([0-9a-f-]{36})">([^<]+)</a>')
REVOKE_RE = re.compile(r'action="/admin/users/[0-9a-f-]{36}/sessions/([0-9a-f-]{36})/revoke"')


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _id_of(client: httpx.AsyncClient, email: str) -> str:
    rows = {e: i for i, e in ROW_RE.findall((await client.get(USERS)).text)}
    return str(rows[email])


async def _browser(app: RustokApp, email: str) -> httpx.AsyncClient:
    """A second browser, signed in to the admin as ``email``."""
    other = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    assert (await admin_sign_in(other, email)).status_code == 303
    assert (await other.get("/admin")).status_code == 200
    return other


async def test_end_one_session_then_all_of_a_users(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "clerk@example.com", "manager")
    api = bearer(await sign_in(client, "clerk@example.com"))
    clerk_browser = await _browser(app, "clerk@example.com")
    try:
        await staff(client, app, "admin")
        clerk = await _id_of(client, "clerk@example.com")
        detail = await client.get(f"{USERS}/{clerk}")
        assert detail.status_code == 200 and "Active sessions" in detail.text
        sessions = REVOKE_RE.findall(detail.text)
        assert len(sessions) == 2  # the API sign-in and the admin session
        admin_session = sessions[0]  # newest first: the browser signed in last
        ended = await client.post(
            f"{USERS}/{clerk}/sessions/{admin_session}/revoke",
            data={"_csrf": csrf_of(detail.text)},
        )
        assert ended.status_code == 303 and ended.headers["location"] == f"{USERS}/{clerk}"
        next_page = await clerk_browser.get("/admin")  # at once: no cache to outlive
        assert next_page.status_code == 303
        assert next_page.headers["location"].startswith("/admin/login")
        assert (await client.get("/api/auth/me", headers=api)).status_code == 200
        after = await client.get(f"{USERS}/{clerk}")
        assert "The session is ended." in after.text and len(REVOKE_RE.findall(after.text)) == 1
        everything = await client.post(
            f"{USERS}/{clerk}/sessions/revoke-all", data={"_csrf": csrf_of(after.text)}
        )
        assert everything.status_code == 303
        assert (await client.get("/api/auth/me", headers=api)).status_code == 401
        alone = await client.get(f"{USERS}/{clerk}")
        assert "This user is signed in nowhere." in alone.text
    finally:
        await clerk_browser.aclose()
    async with app.platform.db.read_session(all_tenants=True) as session:
        audited = list(
            await session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "user.sessions_revoked")
            )
        )
    assert sorted(d["count"] for d in audited) == [1, 1]


async def test_refusals(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "root@example.com", "super_admin")
    root_api = bearer(await sign_in(client, "root@example.com"))
    await make_user(app.platform, "clerk@example.com", "customer")
    clerk_api = await sign_in(client, "clerk@example.com")
    await staff(client, app, "admin")
    root = await _id_of(client, "root@example.com")
    clerk = await _id_of(client, "clerk@example.com")
    page = await client.get(f"{USERS}/{clerk}")
    token = csrf_of(page.text)
    outranks = await client.post(f"{USERS}/{root}/sessions/revoke-all", data={"_csrf": token})
    assert outranks.status_code == 403
    assert (await client.get("/api/auth/me", headers=root_api)).status_code == 200
    roots_session = (await client.get("/api/auth/sessions", headers=root_api)).json()[0]["id"]
    not_theirs = await client.post(
        f"{USERS}/{clerk}/sessions/{roots_session}/revoke", data={"_csrf": token}
    )
    assert not_theirs.status_code == 404
    unknown = await client.post(
        f"{USERS}/{uuid.uuid4()}/sessions/revoke-all", data={"_csrf": token}
    )
    assert unknown.status_code == 404
    no_csrf = await client.post(f"{USERS}/{clerk}/sessions/revoke-all")
    assert no_csrf.status_code == 403
    assert (await client.get("/api/auth/me", headers=bearer(clerk_api))).status_code == 200
    await staff(client, app, "manager")  # no users:* at all
    assert (await client.get(f"{USERS}/{clerk}")).status_code == 403
    dashboard = await client.get("/admin")
    refused = await client.post(
        f"{USERS}/{clerk}/sessions/revoke-all", data={"_csrf": csrf_of(dashboard.text)}
    )
    assert refused.status_code == 403
    client.cookies.clear()
    assert (await admin_sign_in(client, "clerk@example.com")).status_code == 303
    assert (await client.get(f"{USERS}/{clerk}")).status_code == 403  # a customer
    assert (await client.get("/api/auth/me", headers=bearer(clerk_api))).status_code == 200
