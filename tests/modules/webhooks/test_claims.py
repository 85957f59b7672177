"""Claims of due deliveries: two senders claiming at once never get the same row; per
endpoint at most ``concurrency`` rows are in flight over all senders; switched-off
endpoints and open breakers are skipped; an abandoned claim is taken over after its lease."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import Counter

from rustok.core.db import utcnow
from rustok.core.platform import Platform
from rustok.modules.webhooks.claims import DeliveryClaimer
from rustok.modules.webhooks.models import WebhookDelivery, WebhookEndpoint
from rustok.tenancy.models import DEFAULT_TENANT_ID


async def _rows(platform: Platform, endpoints: int, per_endpoint: int) -> list[uuid.UUID]:
    now = utcnow() - dt.timedelta(seconds=1)
    ids = []
    async with platform.db.write_session(all_tenants=True) as session:
        for e in range(endpoints):
            endpoint = WebhookEndpoint(
                tenant_id=DEFAULT_TENANT_ID, url=f"https://h{e}.example.com/", event_types=["*"],
                headers={}, active=e != endpoints - 1, secret="whsec_AAAA",
            )  # fmt: skip
            session.add(endpoint)
            await session.flush()
            ids.append(endpoint.id)
            for _ in range(per_endpoint):
                session.add(
                    WebhookDelivery(
                        tenant_id=DEFAULT_TENANT_ID, endpoint_id=endpoint.id,
                        event_id=uuid.uuid4(), event_type="order.placed", body="{}",
                        status="pending", attempts=0, next_attempt_at=now, created_at=now,
                    )
                )  # fmt: skip
        await session.commit()
    return ids


async def test_concurrent_claims_are_disjoint_and_bounded(platform: Platform) -> None:
    endpoints = await _rows(platform, endpoints=6, per_endpoint=10)
    one = DeliveryClaimer(platform.db, "sender-one", lease_seconds=30, concurrency=3)
    two = DeliveryClaimer(platform.db, "sender-two", lease_seconds=30, concurrency=3)
    now = utcnow()
    first, second = await asyncio.gather(one.claim(now, 100), two.claim(now, 100))
    ids = [c.id for c in first + second]
    assert len(ids) == len(set(ids))
    per_endpoint = Counter(c.endpoint_id for c in first + second)
    assert set(per_endpoint) == set(endpoints[:-1])  # the last endpoint is switched off
    assert all(n <= 3 for n in per_endpoint.values()), per_endpoint
    # Full: nothing more until a slot frees, whoever asks.
    assert await one.claim(now, 100) == [] and await two.claim(now, 100) == []
    # Open breakers are skipped; after the lease the claims are taken over.
    later = now + dt.timedelta(seconds=31)
    taken = await two.claim(later, 100, excluded=endpoints[:2])
    assert {c.endpoint_id for c in taken} == set(endpoints[2:-1])
    assert all(Counter(c.endpoint_id for c in taken)[e] == 3 for e in endpoints[2:-1])
