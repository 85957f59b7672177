"""``audit:list``: tenant administrators read their own tenant's audit log — never another
tenant's entries — while the events screen (every tenant's outbox rows) stays with
``logs:list``, the default tenant's super admins. Tenants created before the permission
existed get it, granted to their administrators, from ``rustok migrate``."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, insert, select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.ids import new_id
from rustok.core.settings import Settings
from rustok.rbac.models import Permission, Role, RolePermission
from rustok.tenancy.schemas import TenantCreate
from tests.admin.helpers import admin_sign_in
from tests.admin.platform_helpers import staff
from tests.auth.helpers import make_user
from tests.conftest import make_settings

AUDIT = "/admin/audit"
ROW_RE = re.compile(r'<td><a href="[^"]*"><code>([a-z_.]+)</code></a></td>')


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _entry(app: RustokApp, action: str, tenant_id: uuid.UUID) -> None:
    row = {"id": new_id(), "tenant_id": tenant_id, "action": action, "actor_id": None,
           "details": {}, "created_at": dt.datetime(2024, 3, 1, tzinfo=dt.UTC)}  # fmt: skip
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(insert(AuditEntry), [row])
        await session.commit()


async def test_tenant_admins_read_only_their_own_tenants_log(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    acme = await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await _entry(app, "home.secret", DEFAULT_TENANT_ID)
    await _entry(app, "acme.thing", acme.id)
    await make_user(app.platform, "boss@acme.example", "admin", tenant_slug="acme")
    assert (await admin_sign_in(client, "boss@acme.example", tenant="acme")).status_code == 303
    theirs = await client.get(AUDIT)
    assert theirs.status_code == 200
    actions = ROW_RE.findall(theirs.text)
    assert "acme.thing" in actions and "auth.login" in actions
    assert "home.secret" not in theirs.text
    nav = re.findall(r'<nav class="side".*?</nav>', theirs.text, re.S)[0]
    assert 'href="/admin/audit"' in nav and 'href="/admin/events"' not in nav
    # Every filter stays inside the tenant.
    assert ROW_RE.findall((await client.get(f"{AUDIT}?action=home.secret")).text) == []
    assert ROW_RE.findall((await client.get(f"{AUDIT}?action=home.")).text) == []
    await staff(client, app, "admin")  # the default tenant's administrator
    home = await client.get(AUDIT)
    assert home.status_code == 200
    assert "home.secret" in ROW_RE.findall(home.text) and "acme.thing" not in home.text
    assert (await client.get("/admin/events")).status_code == 403  # still logs:list
    assert (await client.get("/admin/events/dead-letters")).status_code == 403


async def test_customers_are_refused(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "shopper@example.com", "customer")
    assert (await admin_sign_in(client, "shopper@example.com")).status_code == 303
    assert (await client.get(AUDIT)).status_code == 403


async def test_migrate_grants_audit_list_to_existing_tenants_admins(app: RustokApp) -> None:
    """A tenant from before ``audit:*`` existed: the permission rows are added with the
    catalogue's default grants (``TenantService.sync_permissions``, run by migrate)."""
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(delete(Permission).where(Permission.resource == "audit"))
        await session.commit()
    added = await app.tenancy.tenants().sync_permissions()
    assert added.permissions >= 8  # the eight actions on audit, per tenant
    async with app.platform.db.read_session(all_tenants=True) as session:
        granted = set(
            (
                await session.execute(
                    select(Role.slug, Permission.action)
                    .join(RolePermission, RolePermission.role_id == Role.id)
                    .join(Permission, Permission.id == RolePermission.permission_id)
                    .where(Permission.resource == "audit")
                )
            ).tuples()
        )
    assert ("admin", "list") in granted and ("super_admin", "manage") in granted
    assert not any(role in ("manager", "customer") for role, _ in granted)
