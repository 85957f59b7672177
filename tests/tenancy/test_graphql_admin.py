"""GraphQL twins of platform administration (API-2): tenants, module toggles and the outbox's
event replay — default-tenant super admins only, same error codes as REST."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import update

from rustok.api.app import RustokApp
from rustok.core.module import ModuleSpec
from rustok.outbox.models import OutboxEvent
from tests.auth.helpers import bearer, make_user, sign_in
from tests.modules.helpers import error_code, gql
from tests.tenancy.test_module_toggles import ADDON, BASE

CREATE = """mutation($i: TenantCreateInput!) {
  createTenant(input: $i) { id slug domain currencyCode locales { locale fallback enabled } } }"""
UPDATE = """mutation($id: ID!, $i: TenantUpdateInput!) {
  updateTenant(id: $id, input: $i) { name domain isActive } }"""


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [ADDON, BASE]


async def _root(client: httpx.AsyncClient, app: RustokApp) -> dict[str, str]:
    await make_user(app.platform, "root@example.com", "super_admin")
    return bearer(await sign_in(client, "root@example.com"))


async def test_tenants(client: httpx.AsyncClient, app: RustokApp) -> None:
    root = await _root(client, app)
    made = await gql(client, CREATE, root, i={
        "slug": "Shop-One", "name": "Shop One", "domain": "shop.one.test",
        "defaultLocale": "de", "currencyCode": "EUR",
        "locales": [{"locale": "en"}, {"locale": "de-at", "fallback": "de"}],
    })  # fmt: skip
    tenant = made["data"]["createTenant"]
    assert (tenant["slug"], tenant["domain"], tenant["currencyCode"]) == (
        "shop-one", "shop.one.test", "EUR",
    )  # fmt: skip
    assert {"locale": "de-at", "fallback": "de", "enabled": True} in tenant["locales"]
    for body, expected in (
        ({"slug": "default", "name": "X"}, "TENANT_EXISTS"),
        ({"slug": "ok", "name": "X", "currencyCode": "usd"}, "VALIDATION_ERROR"),
    ):
        rest_body = {"slug": body["slug"], "name": "X", "currency_code": body.get("currencyCode")}
        rest = await client.post(
            "/api/admin/tenants", headers=root,
            json={k: v for k, v in rest_body.items() if v is not None},
        )  # fmt: skip
        assert error_code(await gql(client, CREATE, root, i=body)) == rest.json()["code"]
        assert rest.json()["code"] == expected
    listed = await gql(
        client, "{ tenants(perPage: 1, page: 2) { totalCount items { slug } } }", root
    )
    assert listed["data"]["tenants"] == {"totalCount": 2, "items": [{"slug": "shop-one"}]}
    patched = await gql(
        client,
        UPDATE,
        root,
        id=tenant["id"],
        i={"isActive": False, "domain": None, "name": "Shop 1"},
    )
    assert patched["data"]["updateTenant"] == {"name": "Shop 1", "domain": None, "isActive": False}
    one = await gql(client, "query($id: ID!) { tenant(id: $id) { name } }", root, id=tenant["id"])
    assert one["data"] == {"tenant": {"name": "Shop 1"}}
    default = "00000000-0000-0000-0000-000000000001"
    refused = await gql(client, UPDATE, root, id=default, i={"isActive": False})
    rest = await client.patch(
        f"/api/admin/tenants/{default}", headers=root, json={"is_active": False}
    )
    assert error_code(refused) == rest.json()["code"]
    missing = await gql(
        client, '{ tenant(id: "00000000-0000-4000-8000-000000000099") { id } }', root
    )
    assert error_code(missing) == "TENANT_NOT_FOUND"
    # A super admin of another tenant administers no platform.
    await gql(client, CREATE, root, i={"slug": "acme", "name": "Acme"})
    await make_user(app.platform, "root@acme.example", "super_admin", tenant_slug="acme")
    acme_root = bearer(await sign_in(client, "root@acme.example", tenant="acme"), "acme")
    assert error_code(await gql(client, "{ tenants { totalCount } }", acme_root)) == "FORBIDDEN"
    await make_user(app.platform, "admin@example.com", "admin")
    admin = bearer(await sign_in(client, "admin@example.com"))
    assert error_code(await gql(client, "{ tenants { totalCount } }", admin)) == "FORBIDDEN"


async def test_module_toggles(client: httpx.AsyncClient, app: RustokApp) -> None:
    root = await _root(client, app)
    listed = await gql(client, "{ tenantModules { slug enabled dependencies } }", root)
    assert {m["slug"]: m["enabled"] for m in listed["data"]["tenantModules"]} == {
        "base_mod": True, "addon_mod": True,
    }  # fmt: skip
    toggle = "mutation($s: String!, $e: Boolean!) { setModuleEnabled(slug: $s, enabled: $e) { slug enabled } }"
    conflict = await gql(client, toggle, root, s="base_mod", e=False)
    assert error_code(conflict) == "MODULE_DEPENDENCY_CONFLICT"
    assert "addon_mod" in conflict["errors"][0]["message"]
    off = await gql(client, toggle, root, s="addon_mod", e=False)
    assert off["data"] == {"setModuleEnabled": {"slug": "addon_mod", "enabled": False}}
    assert (await client.get("/api/addon-mod/ping")).status_code == 404  # REST sees it at once
    unknown = await gql(client, toggle, root, s="nope", e=True)
    rest = await client.put("/api/modules/nope", headers=root, json={"enabled": True})
    assert error_code(unknown) == rest.json()["code"]
    assert rest.status_code == 404
    customer_email = "shopper@example.com"
    await make_user(app.platform, customer_email, "customer")
    shopper = bearer(await sign_in(client, customer_email))
    assert error_code(await gql(client, toggle, shopper, s="addon_mod", e=True)) == "FORBIDDEN"


async def test_event_replay(client: httpx.AsyncClient, app: RustokApp) -> None:
    root = await _root(client, app)
    await gql(client, CREATE, root, i={"slug": "acme", "name": "Acme"})
    events = "query($s: String) { outboxEvents(status: $s) { totalCount items { id eventType status lastError } } }"
    listed = await gql(client, events, root)
    row = next(
        e for e in listed["data"]["outboxEvents"]["items"] if e["eventType"] == "tenant.created"
    )
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id == uuid.UUID(row["id"]))
            .values(status="failed", attempts=10, last_error="broker said no")
        )  # fmt: skip
        await session.commit()
    failed = await gql(client, events, root, s="failed")
    assert failed["data"]["outboxEvents"]["items"] == [
        {
            "id": row["id"],
            "eventType": "tenant.created",
            "status": "failed",
            "lastError": "broker said no",
        }
    ]
    replay = "mutation($id: ID!) { replayEvent(id: $id) { status attempts replays } }"
    replayed = (await gql(client, replay, root, id=row["id"]))["data"]["replayEvent"]
    assert replayed["status"] in ("pending", "dispatched")
    assert (replayed["attempts"], replayed["replays"]) == (0, 1)
    one = await gql(
        client, "query($id: ID!) { outboxEvent(id: $id) { replays } }", root, id=row["id"]
    )
    assert one["data"] == {"outboxEvent": {"replays": 1}}
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == uuid.UUID(row["id"]))
            .values(status="pending")
        )
        await session.commit()
    conflict = await gql(client, replay, root, id=row["id"])
    rest = await client.post(f"/api/admin/events/{row['id']}/replay", headers=root)
    assert error_code(conflict) == rest.json()["code"] == "NOTHING_TO_REPLAY"
    unknown = await gql(client, replay, root, id="00000000-0000-4000-8000-000000000001")
    assert error_code(unknown) == "EVENT_NOT_FOUND"
    assert error_code(await gql(client, events, root, s="bogus")) == "VALIDATION_ERROR"
