"""``webhooks.purge_deliveries`` (W-5): deliveries created more than
``RUSTOK_WEBHOOKS_RETENTION_DAYS`` ago leave the log with their attempts (0 keeps them).
Pending ones that old belong to switched-off endpoints: they go too. A run deletes at most
:data:`BATCH` deliveries, oldest first, across tenants (no tenant's data is read)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from rustok.core.db import utcnow
from rustok.core.jobs import PeriodicJob
from rustok.modules.webhooks.models import WebhookDelivery
from rustok.modules.webhooks.settings import WebhooksSettings

if TYPE_CHECKING:
    from rustok.core.platform import Platform

BATCH = 5000
DELIVERIES: Any = WebhookDelivery.__table__


async def purge_deliveries(platform: Platform, *, now: dt.datetime | None = None) -> int:
    days = platform.settings.of(WebhooksSettings).retention_days
    if days == 0:
        return 0
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    oldest = (
        select(DELIVERIES.c.id)
        .where(DELIVERIES.c.created_at < cutoff)
        .order_by(DELIVERIES.c.created_at)
        .limit(BATCH)
    )
    db = platform.db
    async with db.writer(), db.write_engine.begin() as conn:
        ids = list((await conn.execute(oldest)).scalars())
        if not ids:
            return 0
        # Attempts go with their delivery (ON DELETE CASCADE).
        await conn.execute(delete(DELIVERIES).where(DELIVERIES.c.id.in_(ids)))
    return len(ids)


JOBS = (
    PeriodicJob(
        "webhooks.purge_deliveries",
        purge_deliveries,
        "delete webhook deliveries (and attempts) older than RUSTOK_WEBHOOKS_RETENTION_DAYS",
    ),
)
