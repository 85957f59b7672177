"""``sys_events``: the outbox (E-3). Read and written only by platform code (all tenants)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, utcnow

OUTBOX_STATUSES = ("pending", "dispatched", "failed")


class OutboxEvent(Base):
    __tablename__ = "sys_events"
    __table_args__ = (
        Index("ix_sys_events_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_sys_events_claimed_at", "claimed_at"),
        Index("ix_sys_events_event_type_schema_version", "event_type", "schema_version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # Not TenantScoped: the relay reads across tenants. The FK still ties rows to a tenant.
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(128))
    schema_version: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[dict[str, Any]] = mapped_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    correlation_id: Mapped[uuid.UUID | None] = mapped_column()
    causation_id: Mapped[uuid.UUID | None] = mapped_column()
    aggregate_id: Mapped[uuid.UUID | None] = mapped_column()
    traceparent: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[dt.datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column()
