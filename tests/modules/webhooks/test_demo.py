"""W-6: ``rustok demo`` seeds every installed module, webhooks included, and creates no
endpoint (a demo calls nothing outside the machine)."""

from __future__ import annotations

from sqlalchemy import func, select

from rustok.bootstrap import builtin_modules
from rustok.cli.demo import seed_demo
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.modules.commerce.catalog.models import Product
from rustok.modules.webhooks.models import WebhookEndpoint
from rustok.outbox.models import OutboxEvent


async def test_demo_creates_no_webhook_endpoint(settings: Settings, platform: Platform) -> None:
    assert "webhooks" in {spec.slug for spec in builtin_modules()}
    await seed_demo(settings, "demo password 123")
    async with platform.db.read_session(all_tenants=True) as session:
        products = await session.scalar(select(func.count()).select_from(Product))
        endpoints = await session.scalar(select(func.count()).select_from(WebhookEndpoint))
        created = await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event_type.startswith("webhook."))
        )
    assert products == 30  # the demo did run (the shop's catalogue)
    assert endpoints == 0 and created == 0
