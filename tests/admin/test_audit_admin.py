"""``/admin/audit``: the tenant's audit log with actor, action and date filters, 50 a page,
for holders of ``audit:list``; other tenants' entries never show."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.ids import new_id
from rustok.core.settings import Settings
from rustok.tenancy.schemas import TenantCreate
from tests.admin.helpers import admin_sign_in
from tests.admin.platform_helpers import staff
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings

AUDIT = "/admin/audit"
ROW_RE = re.compile(r'<td><a href="[^"]*"><code>([a-z_.]+)</code></a></td>')
# The session check, the count and the page: measured 3 on SQLite and PostgreSQL.
LIST_BUDGET = 3
ACTOR = uuid.UUID("00000000-0000-4000-8000-00000000a11c")


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _entries(
    app: RustokApp, count: int, action: str, at: dt.datetime, tenant_id: uuid.UUID
) -> None:
    rows = [
        {"id": new_id(), "tenant_id": tenant_id, "action": action, "actor_id": ACTOR,
         "resource": "things", "resource_id": str(n), "details": {"n": n}, "created_at": at}
        for n in range(count)
    ]  # fmt: skip
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(insert(AuditEntry), rows)
        await session.commit()


async def test_the_log_filters_by_actor_action_and_date(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    old = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    await _entries(app, 2, "thing.updated", old, DEFAULT_TENANT_ID)
    acme = await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await _entries(app, 1, "acme.secret", old, acme.id)
    await staff(client, app)  # writes auth.login now
    listed = await client.get(AUDIT)
    assert listed.status_code == 200
    actions = ROW_RE.findall(listed.text)
    assert actions[0] == "auth.login" and actions.count("thing.updated") == 2
    assert "acme.secret" not in listed.text  # another tenant's entry
    by_actor = await client.get(f"{AUDIT}?actor={ACTOR}")
    assert ROW_RE.findall(by_actor.text) == ["thing.updated", "thing.updated"]
    assert "2 found" in by_actor.text
    by_prefix = ROW_RE.findall((await client.get(f"{AUDIT}?action=auth.")).text)
    assert by_prefix and set(by_prefix) == {"auth.login"}
    exact = ROW_RE.findall((await client.get(f"{AUDIT}?action=thing.updated")).text)
    assert exact == ["thing.updated", "thing.updated"]
    day = ROW_RE.findall((await client.get(f"{AUDIT}?from=2024-03-01&to=2024-03-01")).text)
    assert day == ["thing.updated", "thing.updated"]
    before = await client.get(f"{AUDIT}?to=2024-02-29")
    assert "Nothing matches these filters." in before.text
    for bad in ("actor=bob", "action=DROP%20TABLE", "from=2024-13-01",
                "from=2024-03-02&to=2024-03-01", "sort=created", "actor=1&actor=2"):  # fmt: skip
        refused = await client.get(f"{AUDIT}?{bad}")
        assert refused.status_code == 400 and "<html" in refused.text, bad


async def test_pages_keep_the_filters(client: httpx.AsyncClient, app: RustokApp) -> None:
    await _entries(app, 55, "thing.updated", dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
                   DEFAULT_TENANT_ID)  # fmt: skip
    await staff(client, app)
    first = await client.get(f"{AUDIT}?action=thing.updated")
    assert "55 found" in first.text and "Page 1 of 2" in first.text
    assert 'href="/admin/audit?action=thing.updated&amp;page=2"' in first.text
    second = await client.get(f"{AUDIT}?action=thing.updated&page=2")
    assert len(ROW_RE.findall(second.text)) == 5


async def test_a_list_of_50_rows_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _entries(app, 60, "thing.updated", dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
                   DEFAULT_TENANT_ID)  # fmt: skip
    await staff(client, app)
    assert (await client.get(AUDIT)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        listed = await client.get(AUDIT)
    assert len(ROW_RE.findall(listed.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements


async def test_staff_without_audit_list_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    assert (await client.get(AUDIT)).status_code == 403
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "root@acme.example", "super_admin", tenant_slug="acme")
    client.cookies.clear()
    assert (await admin_sign_in(client, "root@acme.example", tenant="acme")).status_code == 303
    own = await client.get(AUDIT)  # a tenant's super admin reads its own log only
    assert own.status_code == 200 and "thing.updated" not in own.text
