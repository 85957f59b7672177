"""``settled_outbox``: start a database test from an outbox with nothing pending."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from rustok.core.platform import Platform
from rustok.outbox.models import OutboxEvent


@pytest.fixture
async def settled_outbox(platform: Platform) -> None:
    # The migrated template holds the default tenant's tenant.created, still pending.
    async with platform.db.writer(), platform.db.write_engine.begin() as conn:
        await conn.execute(
            update(OutboxEvent).where(OutboxEvent.status == "pending").values(status="dispatched")
        )
