"""Signed-in staff for the platform screens, and outbox rows in known states."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import insert, update

from rustok.api.app import RustokApp
from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.db import utcnow
from rustok.core.ids import new_id
from rustok.outbox.models import DeadLetter, OutboxEvent
from tests.admin.helpers import admin_sign_in
from tests.auth.helpers import make_user


async def staff(client: httpx.AsyncClient, app: RustokApp, role: str = "super_admin") -> str:
    """A user of ``role`` in the default tenant, signed in to the admin; their email."""
    email = f"{role}@example.com"
    await make_user(app.platform, email, role)
    client.cookies.clear()
    assert (await admin_sign_in(client, email)).status_code == 303
    return email


async def add_events(app: RustokApp, count: int, **values: Any) -> list[uuid.UUID]:
    """``count`` outbox rows of the public type ``tenant.created`` (test data)."""
    ids = [new_id() for _ in range(count)]
    now = utcnow()
    rows = [
        {"id": i, "tenant_id": DEFAULT_TENANT_ID, "event_type": "tenant.created",
         "schema_version": 1, "payload": {"tenant_id": str(DEFAULT_TENANT_ID), "n": n},
         "occurred_at": now, "created_at": now, "status": "dispatched", "attempts": 1,
         "replays": 0, **values}
        for n, i in enumerate(ids)
    ]  # fmt: skip
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(insert(OutboxEvent), rows)
        await session.commit()
    return ids


async def fail_event(app: RustokApp, event_id: uuid.UUID, error: str) -> None:
    """The relay gave up on this row (as after its last attempt)."""
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id == event_id)
            .values(status="failed", attempts=10, last_error=error)
        )  # fmt: skip
        await session.commit()


async def park_event(app: RustokApp, event_id: uuid.UUID, consumer: str, error: str) -> None:
    """``consumer`` parked this (delivered) event after its retries."""
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            insert(DeadLetter).values(
                id=new_id(), consumer=consumer, event_id=event_id, tenant_id=DEFAULT_TENANT_ID,
                event_type="tenant.created", envelope={}, status="parked", attempts=5,
                error=error, parked_at=utcnow(),
            )
        )  # fmt: skip
        await session.commit()
