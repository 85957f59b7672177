"""``/admin/users``: the tenant's users, changing a role and status, disabling an account
through ``UserAdminService`` (audited; the disabled user's sessions end); roles above the
acting admin's, stale forms and managers are refused."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import count_queries, make_settings

USERS = "/admin/users"
ROW_RE = re.compile(r'<a href="/admin/users/([0-9a-f-]{36})">([^<]+)</a>')
# The session check, the count and the page: measured 3 on SQLite and PostgreSQL.
LIST_BUDGET = 3


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _form(client: httpx.AsyncClient, user_id: str) -> dict[str, str]:
    page = await client.get(f"{USERS}/{user_id}")
    assert page.status_code == 200, page.text
    version = re.search(r'name="version" value="([^"]+)"', page.text)
    assert version is not None
    return {"_csrf": csrf_of(page.text), "version": version.group(1)}


async def _id_of(client: httpx.AsyncClient, email: str) -> str:
    rows = dict((e, i) for i, e in ROW_RE.findall((await client.get(USERS)).text))
    return str(rows[email])


async def test_change_role_then_disable(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "clerk@example.com", "customer")
    clerk_api = bearer(await sign_in(client, "clerk@example.com"))
    await staff(client, app, "admin")
    listed = await client.get(USERS)
    assert listed.status_code == 200 and "clerk@example.com" in listed.text
    clerk = await _id_of(client, "clerk@example.com")
    form = await _form(client, clerk)
    saved = await client.post(
        f"{USERS}/{clerk}", data={**form, "name": "Clerk", "role": "manager", "status": "active"}
    )
    assert saved.status_code == 303
    me = (await client.get("/api/auth/me", headers=clerk_api)).json()
    assert me["role"] == "manager" and me["name"] == "Clerk"
    page = await client.get(f"{USERS}/{clerk}")
    disabled = await client.post(f"{USERS}/{clerk}/disable", data={"_csrf": csrf_of(page.text)})
    assert disabled.status_code == 303
    assert "The user is disabled." in (await client.get(disabled.headers["location"])).text
    assert (await client.get("/api/auth/me", headers=clerk_api)).status_code == 401


async def test_refusals_are_said_on_the_form(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "clerk@example.com", "customer")
    await staff(client, app, "admin")
    clerk = await _id_of(client, "clerk@example.com")
    form = await _form(client, clerk)
    above = await client.post(
        f"{USERS}/{clerk}", data={**form, "role": "super_admin", "status": "active"}
    )
    assert above.status_code == 403 and "cannot grant the super_admin role" in above.text
    bad = await client.post(f"{USERS}/{clerk}", data={**form, "role": "customer", "status": "x"})
    assert bad.status_code == 400 and 'id="status-error"' in bad.text
    other = await _form(client, clerk)
    await client.post(f"{USERS}/{clerk}", data={**other, "name": "First", "status": "active"})
    stale = await client.post(f"{USERS}/{clerk}", data={**form, "name": "Second"})
    assert stale.status_code == 409 and "someone changed this record" in stale.text
    assert (await client.get(f"{USERS}/00000000-0000-4000-8000-000000000001")).status_code == 404


async def test_a_list_of_50_rows_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    for n in range(50):
        await make_user(app.platform, f"user{n}@example.com", "customer")
    await staff(client, app, "admin")
    assert (await client.get(USERS)).status_code == 200
    with count_queries(app.platform.db) as counter:
        listed = await client.get(USERS)
    assert len(ROW_RE.findall(listed.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements


async def test_managers_are_refused(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app, "manager")
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(USERS)).status_code == 403
    probe = "00000000-0000-4000-8000-000000000001"
    assert (await client.post(f"{USERS}/{probe}/disable", data={"_csrf": token})).status_code == 403
