"""``/api/admin/events``: the outbox for super admins of the default tenant (API.md)."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import update

from rustok.api.app import RustokApp
from rustok.outbox.models import OutboxEvent
from rustok.tenancy.schemas import TenantCreate
from tests.auth.helpers import bearer, make_user, sign_in


async def test_list_filter_and_replay(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "root@example.com", "super_admin")
    root = bearer(await sign_in(client, "root@example.com"))
    acme = await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    listed = (await client.get("/api/admin/events", headers=root)).json()
    assert listed["page"] == 1 and listed["per_page"] == 20 and listed["total"] >= 3
    row = next(
        i
        for i in listed["items"]
        if i["event_type"] == "tenant.created" and i["tenant_id"] == str(acme.id)
    )
    assert {"id", "event_type", "schema_version", "tenant_id", "status", "attempts", "last_error",
            "payload", "created_at", "dispatched_at"} <= set(row)  # fmt: skip
    assert row["payload"]["tenant_id"] == str(acme.id)

    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id == uuid.UUID(row["id"]))
            .values(status="failed", attempts=10, last_error="broker said no")
        )  # fmt: skip
        await session.commit()
    failed = (await client.get("/api/admin/events?status=failed", headers=root)).json()
    assert [i["id"] for i in failed["items"]] == [row["id"]]
    assert failed["items"][0]["last_error"] == "broker said no"

    replayed = await client.post(f"/api/admin/events/{row['id']}/replay", headers=root)
    assert replayed.status_code == 200
    assert replayed.json()["status"] in ("pending", "dispatched")
    assert replayed.json()["attempts"] == 0 and replayed.json()["replays"] == 1

    assert (await client.get("/api/admin/events?status=bogus", headers=root)).status_code == 400
    missing = await client.post(
        "/api/admin/events/00000000-0000-4000-8000-000000000001/replay", headers=root
    )
    assert missing.status_code == 404 and missing.json()["code"] == "EVENT_NOT_FOUND"


async def test_replaying_a_delivered_event_is_a_conflict(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "root@example.com", "super_admin")
    root = bearer(await sign_in(client, "root@example.com"))
    listed = (await client.get("/api/admin/events", headers=root)).json()
    event_id = listed["items"][0]["id"]
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == uuid.UUID(event_id))
            .values(status="pending")
        )
        await session.commit()
    conflict = await client.post(f"/api/admin/events/{event_id}/replay", headers=root)
    assert conflict.status_code == 409 and conflict.json()["code"] == "NOTHING_TO_REPLAY"


async def test_only_platform_super_admins(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    admin = bearer(await sign_in(client, "admin@example.com"))
    assert (await client.get("/api/admin/events", headers=admin)).status_code == 403
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "root@acme.example", "super_admin", tenant_slug="acme")
    acme_root = bearer(await sign_in(client, "root@acme.example", tenant="acme"), "acme")
    assert (await client.get("/api/admin/events", headers=acme_root)).status_code == 403
    assert (await client.get("/api/admin/events")).status_code == 401
