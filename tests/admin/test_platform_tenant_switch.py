"""The shell's tenant switcher: a super admin of the default tenant makes their admin session
act in another tenant (``POST /admin/tenant``, the choice kept on the session row); the
session's own pages stay home. Nobody else sees the select, and a forged or CSRF-less
switch is refused."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.auth.models import UserSession
from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.settings import Settings
from rustok.tenancy.schemas import TenantCreate, TenantUpdate
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.admin.platform_helpers import staff
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings

SWITCH = "/admin/tenant"
SELECT_RE = re.compile(r'<select id="tenant-select" name="tenant">(.*?)</select>', re.S)
# The audit list's own budget (tests/admin/test_audit_admin.py): the switcher adds nothing.
AUDIT_BUDGET = 3
OPTION_RE = re.compile(r'<option value="([0-9a-f-]{36})"( selected)?>([^<]+)</option>')


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


def _options(html: str) -> dict[str, tuple[str, bool]]:
    """The switcher's tenants: label → (id, selected)."""
    match = SELECT_RE.search(html)
    assert match is not None, "no tenant switcher"
    return {label: (tid, bool(sel)) for tid, sel, label in OPTION_RE.findall(match.group(1))}


async def _acting_tenant(app: RustokApp) -> uuid.UUID | None:
    async with app.platform.db.read_session(all_tenants=True) as session:
        return await session.scalar(
            select(UserSession.acting_tenant_id).where(UserSession.revoked_at.is_(None))
        )


async def test_a_super_admin_switches_the_tenant_of_their_session(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    acme = await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "clerk@acme.example", "manager", tenant_slug="acme")
    await make_user(app.platform, "local@example.com", "manager")
    await staff(client, app)  # super_admin@example.com
    dashboard = await client.get("/admin")
    options = _options(dashboard.text)
    assert options["Acme (acme)"] == (str(acme.id), False)
    default_label = next(label for label, (tid, _) in options.items()
                         if tid == str(DEFAULT_TENANT_ID))  # fmt: skip
    assert options[default_label][1] is True
    switched = await client.post(
        SWITCH, data={"_csrf": csrf_of(dashboard.text), "tenant": str(acme.id)}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/admin"
    assert await _acting_tenant(app) == acme.id  # on the session row, not in a cookie
    async with app.platform.db.read_session(all_tenants=True) as session:
        audited = (
            await session.execute(
                select(AuditEntry.tenant_id, AuditEntry.details).where(
                    AuditEntry.action == "admin.tenant_switched"
                )
            )
        ).one()
    assert audited == (DEFAULT_TENANT_ID, {"acting_tenant": str(acme.id)})
    assert "rustok_admin_tenant=acme" not in switched.headers.get("set-cookie", "")
    home = await client.get("/admin")
    assert "You now work in the chosen tenant." in home.text
    assert _options(home.text)["Acme (acme)"] == (str(acme.id), True)
    users = await client.get("/admin/users")
    assert users.status_code == 200
    assert "clerk@acme.example" in users.text and "local@example.com" not in users.text
    assert (await client.get("/admin/tenants")).status_code == 403  # default tenant's screen
    keys = await client.get("/admin/api-keys")  # a key acts for its creator: not a user here
    no_key = await client.post(
        "/admin/api-keys",
        data={"_csrf": csrf_of(keys.text), "name": "Sync", "permissions": "products:list"},
    )
    assert no_key.status_code == 400 and "switch back to your own tenant" in no_key.text
    own = await client.get("/admin/account/sessions")  # the session's own tenant
    assert own.status_code == 200 and "this browser" in own.text
    assert _options(own.text)["Acme (acme)"] == (str(acme.id), True)  # still acting there
    back = await client.post(
        SWITCH, data={"_csrf": csrf_of(home.text), "tenant": str(DEFAULT_TENANT_ID)}
    )
    assert back.status_code == 303 and await _acting_tenant(app) is None
    assert "local@example.com" in (await client.get("/admin/users")).text
    again = await client.post(SWITCH, data={"_csrf": csrf_of(home.text), "tenant": str(acme.id)})
    assert again.status_code == 303
    await app.tenancy.tenants().update(acme.id, TenantUpdate(is_active=False))
    gone = await client.get("/admin/users")  # a disabled tenant: back home
    assert gone.status_code == 200 and "local@example.com" in gone.text
    out = await client.post("/admin/logout", data={"_csrf": csrf_of(gone.text)})
    assert out.status_code == 303
    ended = await client.get("/admin")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/admin/login")


async def test_bad_switches_are_refused(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app)
    page = await client.get("/admin")
    token = csrf_of(page.text)
    assert (await client.post(SWITCH, data={"_csrf": token, "tenant": "acme"})).status_code == 400
    unknown = await client.post(SWITCH, data={"_csrf": token, "tenant": str(uuid.uuid4())})
    assert unknown.status_code == 404
    no_csrf = await client.post(SWITCH, data={"tenant": str(DEFAULT_TENANT_ID)})
    assert no_csrf.status_code == 403
    assert await _acting_tenant(app) is None


async def test_nobody_else_sees_or_uses_the_switcher(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    acme = await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    for role in ("admin", "manager"):
        await staff(client, app, role)
        page = await client.get("/admin")
        assert page.status_code == 200 and 'id="tenant-select"' not in page.text, role
        forged = await client.post(SWITCH, data={"_csrf": csrf_of(page.text),
                                                 "tenant": str(acme.id)})  # fmt: skip
        assert forged.status_code == 403, role
    # A tenant's own super admin holds tenants:manage there, but switches nothing.
    await make_user(app.platform, "root@acme.example", "super_admin", tenant_slug="acme")
    client.cookies.clear()
    assert (await admin_sign_in(client, "root@acme.example", tenant="acme")).status_code == 303
    page = await client.get("/admin")
    assert page.status_code == 200 and 'id="tenant-select"' not in page.text
    forged = await client.post(
        SWITCH, data={"_csrf": csrf_of(page.text), "tenant": str(DEFAULT_TENANT_ID)}
    )
    assert forged.status_code == 403
    await make_user(app.platform, "shopper@example.com", "customer")
    client.cookies.clear()
    assert (await admin_sign_in(client, "shopper@example.com")).status_code == 303
    refused = await client.post(SWITCH, data={"_csrf": "", "tenant": str(acme.id)})
    assert refused.status_code == 403
    assert await _acting_tenant(app) is None


async def test_the_switcher_lists_a_new_tenant_at_once_and_costs_no_statement(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app)
    assert "Beta (beta)" not in _options((await client.get("/admin/audit")).text)
    with count_queries(app.platform.db) as counter:
        cached = await client.get("/admin/audit")
    assert cached.status_code == 200 and counter.count <= AUDIT_BUDGET, counter.statements
    beta = await app.tenancy.tenants().create(TenantCreate(slug="beta", name="Beta"))
    assert _options((await client.get("/admin/audit")).text)["Beta (beta)"] == (str(beta.id), False)
