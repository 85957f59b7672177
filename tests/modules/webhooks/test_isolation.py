"""Tenant isolation (T-1, W-1): a tenant's endpoints receive only its own events, and
every webhook route answers 404 for another tenant's endpoint or delivery; roles are
checked on REST and GraphQL alike."""

from __future__ import annotations

import json
import re
import uuid

import httpx

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService
from tests.modules.commerce.helpers import signed_in, tenant_context
from tests.modules.helpers import error_code, gql
from tests.modules.webhooks.helpers import create_webhook, deliveries
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import Ticked, wait_until
from tests.security.test_route_permissions import http_routes

PARAM = re.compile(r"\{(\w+):uuid\}")


def _concrete(path: str, ids: dict[str, str]) -> str:
    return PARAM.sub(lambda m: ids[m.group(1)], path)


async def _tick(app: RustokApp, slug: str, n: int) -> uuid.UUID:
    with use_context(await tenant_context(app, slug)):
        async with app.platform.uow() as uow:
            event = uow.publish(Ticked(thing_id=uuid.uuid4(), n=n))
            await uow.commit()
    return event.id


async def test_endpoints_get_only_their_tenants_events(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    other = await TenantService(app.platform).create(TenantCreate(slug="other", name="Other"))
    admin_a = await signed_in(client, app, "admin")
    admin_b = await signed_in(client, app, "admin", tenant="other")
    async with receiving() as a, receiving() as b:
        await create_webhook(client, admin_a, a.url, event_types=["test.ticked"])
        await create_webhook(client, admin_b, b.url, event_types=["test.ticked"])
        ids_a = [await _tick(app, "default", n) for n in range(3)]
        ids_b = [await _tick(app, "other", n) for n in range(4)]

        async def all_arrived() -> bool:
            return len(a.received) >= 3 and len(b.received) >= 4

        await wait_until(all_arrived, what="every tenant's events")
    assert sorted(a.ids()) == sorted(map(str, ids_a))
    assert sorted(b.ids()) == sorted(map(str, ids_b))
    assert {json.loads(r.body)["tenant_id"] for r in b.received} == {str(other.id)}
    assert len(await deliveries(app.platform)) == 7


async def test_another_tenants_ids_are_not_found(client: httpx.AsyncClient, app: RustokApp) -> None:
    await TenantService(app.platform).create(TenantCreate(slug="other", name="Other"))
    admin_a = await signed_in(client, app, "admin")
    admin_b = await signed_in(client, app, "admin", tenant="other")
    theirs = await create_webhook(client, admin_b, "https://hooks.example.com/b")
    ping = await client.post(f"/api/admin/webhooks/{theirs['id']}/ping", headers=admin_b)
    assert ping.status_code == 202
    ids = {"webhook_id": theirs["id"], "delivery_id": ping.json()["id"]}
    checked = 0
    for method, path, _ in http_routes(app):
        if not path.startswith("/api/admin/webhooks") or not PARAM.search(path):
            continue
        concrete = _concrete(path, ids)
        body = {"active": True} if method == "PATCH" else None
        response = await client.request(method, concrete, json=body, headers=admin_a)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] in ("WEBHOOK_NOT_FOUND", "DELIVERY_NOT_FOUND")
        # ... while the owner reaches them (the ids are real).
        own = await client.request(method, concrete, json=body, headers=admin_b)
        assert own.status_code in (200, 202, 204), (method, path, own.text)
        if method == "DELETE":
            theirs = await create_webhook(client, admin_b, "https://hooks.example.com/b")
            ping = await client.post(f"/api/admin/webhooks/{theirs['id']}/ping", headers=admin_b)
            ids = {"webhook_id": theirs["id"], "delivery_id": ping.json()["id"]}
        checked += 1
    assert checked == 8
    listing = await client.get("/api/admin/webhooks", headers=admin_a)
    assert listing.json()["total"] == 0


# Every GraphQL operation of webhooks that takes an id, with the code another tenant gets.
GRAPHQL_BY_ID = [
    ("query($id: ID!) { webhook(id: $id) { id } }", "webhook_id", "WEBHOOK_NOT_FOUND"),
    ("query($id: ID!) { webhookDeliveries(webhookId: $id) { total } }", "webhook_id",
     "WEBHOOK_NOT_FOUND"),
    ("query($id: ID!) { webhookDelivery(id: $id) { id } }", "delivery_id", "DELIVERY_NOT_FOUND"),
    ("mutation($id: ID!) { updateWebhook(id: $id, input: {active: false}) { id } }",
     "webhook_id", "WEBHOOK_NOT_FOUND"),
    ("mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }", "webhook_id",
     "WEBHOOK_NOT_FOUND"),
    ("mutation($id: ID!) { pingWebhook(id: $id) { id } }", "webhook_id", "WEBHOOK_NOT_FOUND"),
    ("mutation($id: ID!) { redeliverWebhookDelivery(id: $id) { id } }", "delivery_id",
     "DELIVERY_NOT_FOUND"),
    ("mutation($id: ID!) { deleteWebhook(id: $id) }", "webhook_id", "WEBHOOK_NOT_FOUND"),
]  # fmt: skip


async def test_another_tenants_ids_are_not_found_on_graphql(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await TenantService(app.platform).create(TenantCreate(slug="other", name="Other"))
    admin_a = await signed_in(client, app, "admin")
    admin_b = await signed_in(client, app, "admin", tenant="other")
    theirs = await create_webhook(client, admin_b, "https://hooks.example.com/b")
    ping = await client.post(f"/api/admin/webhooks/{theirs['id']}/ping", headers=admin_b)
    assert ping.status_code == 202
    ids = {"webhook_id": theirs["id"], "delivery_id": ping.json()["id"]}
    field = re.compile(r"\{ (\w+)\(")
    names = []
    for query, kind, code in GRAPHQL_BY_ID:
        name = field.search(query)
        assert name is not None
        names.append(name.group(1))
        refused = await gql(client, query, admin_a, id=ids[kind])
        assert error_code(refused) == code, (query, refused)
        assert refused["data"] is None or refused["data"].get(name.group(1)) is None
        # ... while the owner reaches them (the ids are real).
        own = await gql(client, query, admin_b, id=ids[kind])
        assert "errors" not in own, (query, own)
        assert own["data"][name.group(1)] is not None
    assert set(names) == {
        "webhook", "webhookDeliveries", "webhookDelivery", "updateWebhook",
        "rotateWebhookSecret", "pingWebhook", "redeliverWebhookDelivery", "deleteWebhook",
    }  # fmt: skip
    gone = await client.get(f"/api/admin/webhooks/{theirs['id']}", headers=admin_b)
    assert gone.status_code == 404  # deleted by its owner, last


async def test_roles_on_rest_and_graphql(client: httpx.AsyncClient, app: RustokApp) -> None:
    manager = await signed_in(client, app, "manager")
    customer = await signed_in(client, app, "customer")
    admin = await signed_in(client, app, "admin")
    body = {"url": "https://hooks.example.com/x", "event_types": ["order.*"]}
    for headers, status in ((manager, 403), (customer, 403), ({}, 401), (admin, 201)):
        response = await client.post("/api/admin/webhooks", json=body, headers=headers)
        assert response.status_code == status, response.text
    mutation = """mutation($input: WebhookCreateInput!) {
        createWebhook(input: $input) { secret webhook { id url eventTypes headers { name value } } }
    }"""
    variables = {
        **body,
        "eventTypes": body["event_types"],
        "headers": [{"name": "X-Shop", "value": "1"}],
    }
    variables.pop("event_types")
    assert error_code(await gql(client, mutation, manager, input=variables)) == "FORBIDDEN"
    created = await gql(client, mutation, admin, input=variables)
    assert "errors" not in created, created
    made = created["data"]["createWebhook"]
    assert made["secret"].startswith("whsec_")
    assert made["webhook"]["headers"] == [{"name": "X-Shop", "value": "1"}]
    refused = await gql(
        client, mutation, admin, input={**variables, "url": "ftp://hooks.example.com/"}
    )
    assert error_code(refused) == "URL_NOT_ALLOWED"
    bad_header = await gql(
        client, mutation, admin, input={**variables, "headers": [{"name": "Host", "value": "x"}]}
    )
    assert error_code(bad_header) == "VALIDATION_ERROR"
    update = """mutation($id: ID!, $input: WebhookUpdateInput!) {
        updateWebhook(id: $id, input: $input) { active description eventTypes } }"""
    changed = await gql(
        client, update, admin, id=made["webhook"]["id"],
        input={"active": False, "description": "ERP"},
    )  # fmt: skip
    assert changed["data"]["updateWebhook"] == {
        "active": False, "description": "ERP", "eventTypes": ["order.*"]
    }  # fmt: skip
