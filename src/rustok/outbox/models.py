"""The event backbone's tables. Read and written only by platform code (all tenants).

- ``sys_events``: the outbox (E-3); one row per raised event, written with the domain rows.
- ``sys_event_inbox``: ``(consumer, event_id)`` written in the transaction of the consumer's
  effects, so a redelivered event finds its row and has no second effect (E-6).
- ``sys_event_dead_letters``: events a consumer gave up on, with the error, until replayed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, utcnow
from rustok.core.ids import new_id

OUTBOX_STATUSES = ("pending", "dispatched", "failed")
DEAD_LETTER_STATUSES = ("parked", "replayed")


class OutboxEvent(Base):
    __tablename__ = "sys_events"
    __table_args__ = (
        Index("ix_sys_events_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_sys_events_status_id", "status", "id"),
        Index("ix_sys_events_aggregate_id_status_id", "aggregate_id", "status", "id"),
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
    # Bumped by each replay, so the broker does not drop the re-published message as a duplicate.
    replays: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column()


class InboxRecord(Base):
    """An event a consumer has handled (its effects committed in the same transaction)."""

    __tablename__ = "sys_event_inbox"

    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    handled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DeadLetter(Base):
    """An event a consumer parked after its retries, with the last error."""

    __tablename__ = "sys_event_dead_letters"
    __table_args__ = (UniqueConstraint("consumer", "event_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    consumer: Mapped[str] = mapped_column(String(64), index=True)
    event_id: Mapped[uuid.UUID] = mapped_column(index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(128))
    envelope: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="parked")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text)
    parked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[dt.datetime | None] = mapped_column()
