"""Deleting an endpoint while the sender records an attempt for it: the delete takes the
deliveries' locks before the endpoint's, as the recorder does, so neither deadlocks (on
PostgreSQL the other order was a deadlock and a 503 for the admin)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from sqlalchemy import select, update

from rustok.core.context import RequestContext, use_context
from rustok.core.db import utcnow
from rustok.core.platform import Platform
from rustok.modules.webhooks.models import WebhookDelivery, WebhookEndpoint
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from rustok.tenancy.models import DEFAULT_TENANT_ID
from tests.outbox.support import TENANT


async def _endpoint_with_delivery(platform: Platform) -> tuple[uuid.UUID, uuid.UUID]:
    now = utcnow() - dt.timedelta(seconds=1)
    async with platform.db.write_session(all_tenants=True) as session:
        endpoint = WebhookEndpoint(
            tenant_id=DEFAULT_TENANT_ID, url="https://h.example.com/", event_types=["*"],
            headers={}, active=True, secret="whsec_AAAA",
        )  # fmt: skip
        session.add(endpoint)
        await session.flush()
        delivery = WebhookDelivery(
            tenant_id=DEFAULT_TENANT_ID, endpoint_id=endpoint.id, event_id=uuid.uuid4(),
            event_type="order.placed", body="{}", status="pending", attempts=0,
            next_attempt_at=now, created_at=now,
        )  # fmt: skip
        session.add(delivery)
        await session.commit()
        return endpoint.id, delivery.id


async def test_delete_waits_for_a_recorded_attempt_without_deadlock(platform: Platform) -> None:
    endpoint_id, delivery_id = await _endpoint_with_delivery(platform)
    service = webhooks_runtime(platform).endpoints
    async with platform.db.write_session(all_tenants=True) as recorder:
        # The recorder's order: the delivery row first ...
        await recorder.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(attempts=1)
        )
        with use_context(RequestContext(tenant=TENANT)):
            deleting = asyncio.create_task(service.delete(endpoint_id))
        await asyncio.sleep(0.3)  # the delete is now waiting for a lock
        # ... then its endpoint (a failed attempt updates failing_since).
        locked = await recorder.execute(
            select(WebhookEndpoint.id).where(WebhookEndpoint.id == endpoint_id).with_for_update()
        )
        assert locked.scalar_one() == endpoint_id
        await recorder.commit()
    await deleting
    async with platform.db.read_session(all_tenants=True) as session:
        left = await session.execute(
            select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint_id)
        )
        assert left.all() == []
        assert await session.get(WebhookEndpoint, endpoint_id) is None
