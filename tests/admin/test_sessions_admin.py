"""``/admin/account/sessions``: the signed-in user's sessions, revoking one and every
other, through ``AuthService`` (audited); someone else's session is not found."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.core.settings import Settings
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import make_settings

SESSIONS = "/admin/account/sessions"
REVOKE_RE = re.compile(r'action="/admin/account/sessions/([0-9a-f-]{36})/revoke"')


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _actions(app: RustokApp) -> list[str]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        return list(await session.scalars(select(AuditEntry.action)))


async def test_revoke_one_then_every_other_session(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    email = await staff(client, app, "manager")
    api_one = bearer(await sign_in(client, email))
    api_two = bearer(await sign_in(client, email))
    listed = await client.get(SESSIONS)
    assert listed.status_code == 200 and "this browser" in listed.text
    others = REVOKE_RE.findall(listed.text)
    assert len(others) == 2  # the two API sessions; this one has no button
    revoked = await client.post(
        f"{SESSIONS}/{others[0]}/revoke", data={"_csrf": csrf_of(listed.text)}
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == SESSIONS
    after = await client.get(SESSIONS)
    assert "The session is ended." in after.text and REVOKE_RE.findall(after.text) == [others[1]]
    assert "auth.session_revoked" in await _actions(app)
    statuses = [
        (await client.get("/api/auth/me", headers=h)).status_code for h in (api_one, api_two)
    ]
    assert sorted(statuses) == [200, 401]
    everywhere = await client.post(f"{SESSIONS}/revoke-all", data={"_csrf": csrf_of(after.text)})
    assert everywhere.status_code == 303
    alone = await client.get(SESSIONS)
    assert alone.status_code == 200 and "You are signed in only here." in alone.text
    for headers in (api_one, api_two):
        assert (await client.get("/api/auth/me", headers=headers)).status_code == 401


async def test_another_users_session_is_not_found(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "other@example.com", "manager")
    theirs = bearer(await sign_in(client, "other@example.com"))
    await staff(client, app, "manager")
    me = (await client.get("/api/auth/sessions", headers=theirs)).json()
    page = await client.get(SESSIONS)
    refused = await client.post(
        f"{SESSIONS}/{me[0]['id']}/revoke", data={"_csrf": csrf_of(page.text)}
    )
    assert refused.status_code == 404
    assert (await client.get("/api/auth/me", headers=theirs)).status_code == 200
    no_csrf = await client.post(f"{SESSIONS}/revoke-all")
    assert no_csrf.status_code == 403
