"""``/admin/api-keys``: the tenant's keys, creating one (shown once) and revoking it through
``ApiKeyService``, with ``api_keys:*`` as the REST routes; a key wider than its creator and
a bad form are said on the form."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.conftest import count_queries, make_settings

KEYS = "/admin/api-keys"
KEY_RE = re.compile(r'id="new-key" readonly size="70" value="([^"]+)"')
REVOKE_RE = re.compile(r'action="/admin/api-keys/([0-9a-f-]{36})/revoke"')
# The session check, the count and the page: measured 3 on SQLite and PostgreSQL.
LIST_BUDGET = 3


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _create(client: httpx.AsyncClient, name: str, permissions: str) -> httpx.Response:
    form = await client.get(KEYS)
    return await client.post(
        KEYS, data={"_csrf": csrf_of(form.text), "name": name, "permissions": permissions}
    )


async def test_create_show_once_use_and_revoke(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app, "admin")
    empty = await client.get(KEYS)
    assert empty.status_code == 200 and "No API keys yet." in empty.text
    created = await _create(client, "Sync", "products:list\nproducts:read")
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    match = KEY_RE.search(created.text)
    assert match is not None
    key = match.group(1)
    used = await client.get("/api/commerce/products", headers={"X-Api-Key": key})
    assert used.status_code == 200
    listed = await client.get(KEYS)
    assert "Sync" in listed.text and "products:list, products:read" in listed.text
    assert key not in listed.text  # shown once only
    [key_id] = REVOKE_RE.findall(listed.text)
    revoked = await client.post(f"{KEYS}/{key_id}/revoke", data={"_csrf": csrf_of(listed.text)})
    assert revoked.status_code == 303
    after = await client.get(KEYS)
    assert "The key is revoked." in after.text and REVOKE_RE.findall(after.text) == []
    refused = await client.get("/api/commerce/products", headers={"X-Api-Key": key})
    assert refused.status_code == 401


async def test_bad_forms_are_said_on_the_form(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app, "admin")
    no_name = await _create(client, "", "products:list")
    assert no_name.status_code == 400 and 'id="name-error"' in no_name.text
    none = await _create(client, "Sync", "")
    assert none.status_code == 400 and 'id="permissions-error"' in none.text
    wide = await _create(client, "Root", "tenants:manage")
    assert wide.status_code == 403 and 'id="permissions-error"' in wide.text
    assert "No API keys yet." in wide.text


async def test_a_list_of_50_rows_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    for n in range(50):
        assert (await _create(client, f"Key {n}", "products:list")).status_code == 200
    assert (await client.get(KEYS)).status_code == 200
    with count_queries(app.platform.db) as counter:
        listed = await client.get(KEYS)
    assert len(REVOKE_RE.findall(listed.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements


async def test_managers_are_refused(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app, "manager")
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(KEYS)).status_code == 403
    posted = await client.post(KEYS, data={"_csrf": token, "name": "x", "permissions": "a:b"})
    assert posted.status_code == 403
