"""Pending deliveries and the age of the oldest, for the gauges (W-6) and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from rustok.core.db import Database
from rustok.modules.webhooks.metrics import OLDEST_PENDING, PENDING
from rustok.modules.webhooks.models import WebhookDelivery


@dataclass(frozen=True, slots=True)
class DeliveryFigures:
    pending: int
    oldest_pending_seconds: float


async def delivery_figures(db: Database, now: dt.datetime) -> DeliveryFigures:
    async with db.read_session(all_tenants=True) as session:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(WebhookDelivery.created_at)).where(
                    WebhookDelivery.status == "pending"
                )
            )
        ).one()
    age = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    return DeliveryFigures(int(count), age)


async def record_figures(db: Database, now: dt.datetime) -> DeliveryFigures:
    figures = await delivery_figures(db, now)
    PENDING.set(figures.pending)
    OLDEST_PENDING.set(figures.oldest_pending_seconds)
    return figures
