"""``/admin/invites``: pending invitations, inviting by e-mail with a role and withdrawing an
invitation through ``AuthFlows`` (the mail queued, audited); a withdrawn invitation's link
no longer works; roles above the inviter's, managers, customers and CSRF-less posts are
refused; the list of 50 costs a bounded number of statements."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.core.settings import Settings
from rustok.mail.models import MailMessage
from rustok.mail.sealing import SecretSealer
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.admin.platform_helpers import staff
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings

INVITES = "/admin/invites"
ROW_RE = re.compile(r'action="/admin/invites/([0-9a-f-]{36})/revoke"')
# The session check, the count and the page: measured 3 on SQLite and PostgreSQL.
LIST_BUDGET = 3


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _token_mailed_to(app: RustokApp, email: str) -> str:
    """The invitation link's token, as the queued mail carries it (sealed)."""
    async with app.platform.db.read_session(all_tenants=True) as session:
        mail = (
            await session.scalars(select(MailMessage).where(MailMessage.recipient == email))
        ).one()
    settings = app.platform.settings
    assert settings.secret_key is not None and mail.secret is not None
    return SecretSealer(settings.secret_key, settings.previous_secret_keys).open(
        mail.secret, mail.id
    )


async def _actions(app: RustokApp) -> list[str]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        return list(await session.scalars(select(AuditEntry.action)))


async def test_invite_list_and_withdraw(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app, "admin")
    empty = await client.get(INVITES)
    assert empty.status_code == 200 and "No pending invitations." in empty.text
    sent = await client.post(
        INVITES,
        data={"_csrf": csrf_of(empty.text), "email": "New.Hire@example.com", "role": "manager"},
    )
    assert sent.status_code == 303 and sent.headers["location"] == INVITES
    listed = await client.get(INVITES)
    assert "The invitation is sent." in listed.text and "new.hire@example.com" in listed.text
    assert "<td>manager</td>" in listed.text
    (invite_id,) = ROW_RE.findall(listed.text)
    token = await _token_mailed_to(app, "new.hire@example.com")
    withdrawn = await client.post(
        f"{INVITES}/{invite_id}/revoke", data={"_csrf": csrf_of(listed.text)}
    )
    assert withdrawn.status_code == 303
    after = await client.get(INVITES)
    assert "The invitation is withdrawn." in after.text and ROW_RE.findall(after.text) == []
    accepted = await client.post(
        "/api/auth/invites/accept", json={"token": token, "password": "hired password"}
    )
    assert accepted.status_code == 400, accepted.text  # the link is dead
    again = await client.post(f"{INVITES}/{invite_id}/revoke", data={"_csrf": csrf_of(after.text)})
    assert again.status_code == 404
    actions = await _actions(app)
    assert "auth.invited" in actions and "auth.invite_revoked" in actions


async def test_an_accepted_invitation_leaves_the_list(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    form = await client.get(INVITES)
    await client.post(
        INVITES, data={"_csrf": csrf_of(form.text), "email": "a@example.com", "role": "customer"}
    )
    token = await _token_mailed_to(app, "a@example.com")
    accepted = await client.post(
        "/api/auth/invites/accept", json={"token": token, "password": "hired password"}
    )
    assert accepted.status_code == 201
    assert ROW_RE.findall((await client.get(INVITES)).text) == []


async def test_bad_invitations_are_said_on_the_form(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    form = await client.get(INVITES)
    token = csrf_of(form.text)
    above = await client.post(
        INVITES, data={"_csrf": token, "email": "x@example.com", "role": "super_admin"}
    )
    assert above.status_code == 403 and 'id="role-error"' in above.text, above.text[-3000:]
    bad_email = await client.post(
        INVITES, data={"_csrf": token, "email": "not an address", "role": "customer"}
    )
    assert bad_email.status_code == 400 and 'id="email-error"' in bad_email.text
    taken = await client.post(
        INVITES, data={"_csrf": token, "email": "admin@example.com", "role": "customer"}
    )
    assert taken.status_code == 409 and 'id="email-error"' in taken.text
    no_csrf = await client.post(INVITES, data={"email": "y@example.com", "role": "customer"})
    assert no_csrf.status_code == 403
    assert ROW_RE.findall((await client.get(INVITES)).text) == []
    assert (await client.get(f"{INVITES}?sort=created")).status_code == 400


async def test_managers_and_customers_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "customer@example.com", "customer")
    for role in ("manager", "customer"):
        if role == "manager":
            await staff(client, app, role)
        else:
            client.cookies.clear()
            assert (await admin_sign_in(client, "customer@example.com")).status_code == 303
        assert (await client.get(INVITES)).status_code == 403, role
        dashboard = await client.get("/admin")  # a manager's page carries their CSRF token
        token = csrf_of(dashboard.text) if role == "manager" else ""
        refused = await client.post(
            INVITES, data={"_csrf": token, "email": "z@example.com", "role": "customer"}
        )
        assert refused.status_code == 403, role


async def test_a_list_of_50_invitations_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    principal_page = await client.get(INVITES)
    token = csrf_of(principal_page.text)
    for n in range(52):
        sent = await client.post(
            INVITES, data={"_csrf": token, "email": f"p{n}@example.com", "role": "customer"}
        )
        assert sent.status_code == 303
    assert (await client.get(INVITES)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        listed = await client.get(INVITES)
    assert len(ROW_RE.findall(listed.text)) == 50 and "52 found" in listed.text
    assert counter.count <= LIST_BUDGET, counter.statements
    second = await client.get(f"{INVITES}?page=2")
    assert len(ROW_RE.findall(second.text)) == 2
