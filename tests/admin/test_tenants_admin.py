"""``/admin/tenants`` (super admins of the default tenant) and ``/admin/modules`` (this
tenant's modules, switched through ``ModuleService`` as ``PUT /api/modules/{slug}``)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.tenancy.schemas import TenantCreate
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.admin.platform_helpers import staff
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings

TENANTS = "/admin/tenants"
MODULES = "/admin/modules"
# The session check, the count, the page and the page's locales: measured on SQLite and
# PostgreSQL; it does not grow with the rows.
LIST_BUDGET = 4


def _state(html: str, slug: str) -> str:
    match = re.search(rf'id="module-{slug}">.*?<span class="badge">(on|off)</span>', html, re.S)
    assert match is not None
    return match.group(1)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def test_super_admins_list_tenants(client: httpx.AsyncClient, app: RustokApp) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme Shop"))
    await staff(client, app)
    listed = await client.get(TENANTS)
    assert listed.status_code == 200
    assert "Acme Shop" in listed.text and "<code>acme</code>" in listed.text
    assert "2 found" in listed.text
    assert (await client.get(f"{TENANTS}?sort=-created")).status_code == 400
    with count_queries(app.platform.db) as counter:
        assert (await client.get(TENANTS)).status_code == 200
    assert counter.count <= LIST_BUDGET, counter.statements


async def test_a_module_is_switched_off_and_on(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app)
    listed = await client.get(MODULES)
    assert listed.status_code == 200 and 'id="module-blog"' in listed.text
    token = csrf_of(listed.text)
    off = await client.post(f"{MODULES}/blog", data={"_csrf": token, "enabled": "false"})
    assert off.status_code == 303
    after = (await client.get(MODULES)).text
    assert "The module is off." in after and _state(after, "blog") == "off"
    on = await client.post(f"{MODULES}/blog", data={"_csrf": token, "enabled": "true"})
    assert on.status_code == 303 and _state((await client.get(MODULES)).text, "blog") == "on"
    bad = await client.post(f"{MODULES}/blog", data={"_csrf": token, "enabled": "maybe"})
    assert bad.status_code == 400
    missing = await client.post(f"{MODULES}/nope", data={"_csrf": token, "enabled": "true"})
    assert missing.status_code == 404


async def test_admins_see_modules_but_switch_none(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    listed = await client.get(MODULES)
    assert listed.status_code == 200 and 'action="/admin/modules/blog"' not in listed.text
    token = csrf_of(listed.text)
    refused = await client.post(f"{MODULES}/blog", data={"_csrf": token, "enabled": "false"})
    assert refused.status_code == 403
    assert (await client.get(TENANTS)).status_code == 403
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "root@acme.example", "super_admin", tenant_slug="acme")
    client.cookies.clear()
    assert (await admin_sign_in(client, "root@acme.example", tenant="acme")).status_code == 303
    assert (await client.get(TENANTS)).status_code == 403  # another tenant's super admin
