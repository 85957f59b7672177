"""The admin REST contract of webhooks (API.md "Integrations"): status codes, the secret
shown only on create and rotate, validation errors, the delivery log's filters, 409 for a
redelivery to a switched-off endpoint; and the metrics the sender keeps."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.events import CATALOGUE
from rustok.core.resilience import BreakerConfig
from rustok.modules.webhooks.breakers import EndpointBreakers
from rustok.modules.webhooks.metrics import MAX_ENDPOINT_SERIES
from rustok.outbox.models import OutboxEvent
from tests.auth.helpers import make_user
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import outbox, signed_in
from tests.modules.webhooks.helpers import create_webhook, deliveries, place_order
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import wait_until

BAD_BODIES = [
    ({"url": "https://x.example.com/", "event_types": []}, "event_types"),
    ({"url": "https://x.example.com/", "event_types": ["nope.thing"]}, "event_types[0]"),
    ({"url": "https://x.example.com/", "event_types": ["Order.*"]}, "event_types[0]"),
    ({"url": "https://x.example.com/", "event_types": ["order.**"]}, "event_types[0]"),
    ({"url": "https://x.example.com/", "event_types": ["*"], "headers": {"Host": "a"}}, "headers.Host"),
    ({"url": "https://x.example.com/", "event_types": ["*"], "headers": {"webhook-id": "a"}}, "headers.webhook-id"),
    ({"url": "https://x.example.com/", "event_types": ["*"], "headers": {"X-A": "a\\nb"}}, "headers.X-A"),
    ({"url": "https://x.example.com/", "event_types": ["*"], "headers": {"bad name": "a"}}, "headers.bad name"),
    ({"url": "https://u:p@x.example.com/", "event_types": ["*"]}, "url"),
    ({"url": "https://x.example.com/", "event_types": ["*"], "secret": "mine"}, "secret"),
]  # fmt: skip


async def test_crud_and_secret_shown_only_twice(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    hook = await create_webhook(
        client, admin, "https://hooks.example.com/in", event_types=["order.*", "order.*"],
        description="ERP", headers={"X-Shop": "s1"}, active=False,
    )  # fmt: skip
    assert hook["event_types"] == ["order.*"] and hook["headers"] == {"X-Shop": "s1"}
    assert hook["active"] is False and hook["description"] == "ERP"
    read = (await client.get(f"/api/admin/webhooks/{hook['id']}", headers=admin)).json()
    assert "secret" not in read and read["url"] == "https://hooks.example.com/in"
    listing = (await client.get("/api/admin/webhooks", headers=admin)).json()
    assert listing["total"] == 1 and "secret" not in listing["items"][0]
    patched = await client.patch(
        f"/api/admin/webhooks/{hook['id']}",
        json={"description": None, "event_types": ["*"]},
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["description"] is None and patched.json()["event_types"] == ["*"]
    assert patched.json()["headers"] == {"X-Shop": "s1"}  # left out: unchanged
    rotated = await client.post(f"/api/admin/webhooks/{hook['id']}/rotate-secret", headers=admin)
    assert rotated.status_code == 200
    deleted = await client.delete(f"/api/admin/webhooks/{hook['id']}", headers=admin)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/admin/webhooks/{hook['id']}", headers=admin)
    assert gone.status_code == 404 and gone.json()["code"] == "WEBHOOK_NOT_FOUND"
    # Each change raised its event, with the endpoint's id and never a secret.
    events = await outbox(app, "webhook.")
    assert [(e.event_type, e.payload) for e in events] == [
        (kind, {"webhook_id": hook["id"]})
        for kind in ("webhook.created", "webhook.updated", "webhook.updated", "webhook.deleted")
    ]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
async def test_bad_bodies_name_the_field(
    client: httpx.AsyncClient, app: RustokApp, body: dict[str, Any], field: str
) -> None:
    admin = await signed_in(client, app, "admin")
    headers = {k: v.replace("\\n", "\n") for k, v in body.get("headers", {}).items()}
    body = {**body, "headers": headers}
    response = await client.post("/api/admin/webhooks", json=body, headers=admin)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["code"] == "VALIDATION_ERROR"
    assert field in problem["errors"] or any(field in k for k in problem["errors"]), problem


async def test_internal_event_types_are_refused(client: httpx.AsyncClient, app: RustokApp) -> None:
    from rustok.core.events import CATALOGUE

    admin = await signed_in(client, app, "admin")
    for internal in CATALOGUE.internal_types():
        response = await client.post(
            "/api/admin/webhooks", json={"url": "https://x.example.com/", "event_types": [internal]},
            headers=admin,
        )  # fmt: skip
        assert response.status_code == 400 and "internal" in response.text


async def test_an_endpoint_for_everything_gets_no_internal_event(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    async with receiving() as receiver:
        await create_webhook(client, admin, receiver.url)  # event_types ["*"]
        await make_user(app.platform, "reset-me@example.com", "customer")
        reset = await client.post(
            "/api/auth/password-reset/request", json={"email": "reset-me@example.com"}
        )
        assert reset.status_code == 202
        await place_order(client, admin)
        await outbox_settled(app.platform)
    async with app.platform.db.read_session(all_tenants=True) as session:
        published = set(await session.scalars(select(OutboxEvent.event_type)))
    assert "mail.queued" in published  # the internal event was there to be delivered
    delivered = {d.event_type for d in await deliveries(app.platform)}
    assert "order.placed" in delivered
    assert not [t for t in delivered if CATALOGUE.is_internal(t)], delivered


async def test_log_filters_redeliver_and_ping(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    async with receiving(status=500) as receiver:
        hook = await create_webhook(client, admin, receiver.url, event_types=["order.*"])
        ping = await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
        assert ping.status_code == 202 and ping.json()["event_type"] == "webhook.ping"
        assert await outbox(app, "webhook.ping") == []  # a delivery, not an outbox event

        async def attempted() -> bool:
            page = await client.get(f"/api/admin/webhooks/{hook['id']}/deliveries", headers=admin)
            return bool(page.json()["items"][0]["attempts"])

        await wait_until(attempted, what="the first attempt")
    base = f"/api/admin/webhooks/{hook['id']}/deliveries"
    page = (await client.get(base, headers=admin)).json()
    [item] = page["items"]
    assert item["status"] == "pending" and item["attempts"][0]["status_code"] == 500
    for query, total in (
        ("?status=pending", 1), ("?status=failed", 0), ("?event_type=webhook.ping", 1),
        ("?event_type=order.placed", 0), ("?since=2000-01-01T00:00:00Z", 1),
        ("?until=2000-01-01T00:00:00Z", 0),
    ):  # fmt: skip
        assert (await client.get(base + query, headers=admin)).json()["total"] == total, query
    naive = await client.get(base + "?since=2000-01-01T00:00:00", headers=admin)
    assert naive.status_code == 400 and "since" in naive.json()["errors"]
    # Times that exist in their own zone but not in UTC (they were a 500).
    for query, field in (("?since=0001-01-01T00:00:00%2B14:00", "since"),
                         ("?until=9999-12-31T23:59:59-14:00", "until")):  # fmt: skip
        edge = await client.get(base + query, headers=admin)
        assert edge.status_code == 400, edge.text
        assert edge.json()["errors"] == {field: ["a time out of range"]}
    for query in ("?since=0001-01-01T00:00:00Z", "?until=9999-12-31T23:59:59Z"):
        assert (await client.get(base + query, headers=admin)).json()["total"] == 1, query
    bad = await client.get(base + "?status=lost", headers=admin)
    assert bad.status_code == 400
    detail = (
        await client.get(f"/api/admin/webhooks/deliveries/{item['id']}", headers=admin)
    ).json()
    assert '"event_type":"webhook.ping"' in detail["body"]
    off = await client.patch(
        f"/api/admin/webhooks/{hook['id']}", json={"active": False}, headers=admin
    )
    assert off.status_code == 200
    again = await client.post(
        f"/api/admin/webhooks/deliveries/{item['id']}/redeliver", headers=admin
    )
    assert again.status_code == 202  # pings go to switched-off endpoints too
    event_delivery = await _order_delivery(app, hook["id"])
    refused = await client.post(
        f"/api/admin/webhooks/deliveries/{event_delivery}/redeliver", headers=admin
    )
    assert refused.status_code == 409 and refused.json()["code"] == "WEBHOOK_INACTIVE"
    unknown = await client.post(
        f"/api/admin/webhooks/deliveries/{uuid.uuid4()}/redeliver", headers=admin
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "DELIVERY_NOT_FOUND"
    missing = await client.post(f"/api/admin/webhooks/{uuid.uuid4()}/ping", headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "WEBHOOK_NOT_FOUND"


async def _order_delivery(app: RustokApp, webhook_id: str) -> str:
    from rustok.core.db import utcnow
    from rustok.modules.webhooks.models import WebhookDelivery
    from rustok.tenancy.models import DEFAULT_TENANT_ID

    async with app.platform.db.write_session(all_tenants=True) as session:
        row = WebhookDelivery(
            tenant_id=DEFAULT_TENANT_ID, endpoint_id=uuid.UUID(webhook_id), event_id=uuid.uuid4(),
            event_type="order.placed", body="{}", status="failed", attempts=9,
            next_attempt_at=utcnow(), created_at=utcnow(),
        )  # fmt: skip
        session.add(row)
        await session.commit()
        return str(row.id)


async def test_metrics_of_deliveries(client: httpx.AsyncClient, app: RustokApp) -> None:
    def value(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before = value("rustok_webhook_deliveries_total", outcome="succeeded")
    admin = await signed_in(client, app, "admin")
    async with receiving() as receiver:
        hook = await create_webhook(client, admin, receiver.url)
        await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)

        async def counted() -> bool:
            return value("rustok_webhook_deliveries_total", outcome="succeeded") > before

        await wait_until(counted, what="the counter")
    text = (await client.get("/metrics")).text
    for name in (
        "rustok_webhook_deliveries_total", "rustok_webhook_attempt_duration_seconds_bucket",
        "rustok_webhook_pending", "rustok_webhook_oldest_pending_seconds",
    ):  # fmt: skip
        assert name in text, name


def test_breaker_series_are_bounded() -> None:
    now = [0.0]
    breakers = EndpointBreakers(BreakerConfig(failure_threshold=1), clock=lambda: now[0])
    ids = [uuid.uuid4() for _ in range(MAX_ENDPOINT_SERIES + 5)]
    for endpoint_id in ids:
        breakers.of(endpoint_id)._on_failure(breakers.of(endpoint_id).state)
    breakers.record_metrics()
    gauge = "rustok_webhook_endpoint_breaker_state"
    shown = [i for i in ids if REGISTRY.get_sample_value(gauge, {"endpoint_id": str(i)}) == 2]
    assert len(shown) == MAX_ENDPOINT_SERIES
    assert REGISTRY.get_sample_value("rustok_webhook_breakers", {"state": "open"}) == len(ids)
    assert set(breakers.open_ids()) == set(ids)
    for endpoint_id in ids:
        breakers.of(endpoint_id).reset()
    breakers.record_metrics()
    assert all(REGISTRY.get_sample_value(gauge, {"endpoint_id": str(i)}) is None for i in ids)
    assert REGISTRY.get_sample_value("rustok_webhook_breakers", {"state": "closed"}) == len(ids)
