"""The webhooks module's tables (W-1, W-3, W-5).

- ``webhook_endpoints``: where a tenant wants its events, with the signing secret (and the
  previous one during a rotation's 24 h overlap).
- ``webhook_deliveries``: one row per (endpoint, event), written by the ``webhooks.dispatch``
  consumer in its inbox transaction (the unique key backs "never two rows for one event"),
  claimed and sent by the sender; ``attempts`` counts the attempts of the current round
  (a redelivery starts a new round).
- ``webhook_attempts``: every attempt: when, how long, the status code or the error, and
  the start of the response body.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped, utcnow

DELIVERY_STATUSES = ("pending", "succeeded", "failed")


class WebhookEndpoint(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(500))
    # Patterns: exact types, "order.*" prefixes, or "*".
    event_types: Mapped[list[Any]] = mapped_column()
    headers: Mapped[dict[str, Any]] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)
    secret: Mapped[str] = mapped_column(String(128))
    previous_secret: Mapped[str | None] = mapped_column(String(128))
    previous_secret_expires_at: Mapped[dt.datetime | None] = mapped_column()
    # The first failed attempt since the last success (None while healthy).
    failing_since: Mapped[dt.datetime | None] = mapped_column()
    disabled_at: Mapped[dt.datetime | None] = mapped_column()
    disabled_reason: Mapped[str | None] = mapped_column(String(500))


class WebhookDelivery(HasId, TenantScoped, Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_created_at", "endpoint_id", "created_at"),
        Index(
            "ix_webhook_deliveries_endpoint_id_status_next_attempt_at",
            "endpoint_id",
            "status",
            "next_attempt_at",
        ),
        Index("ix_webhook_deliveries_endpoint_id_claimed_by", "endpoint_id", "claimed_by"),
        Index("ix_webhook_deliveries_created_at", "created_at"),
    )

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    # The webhook-id header: the event's id (a ping's own id), the same on every attempt.
    event_id: Mapped[uuid.UUID] = mapped_column()
    event_type: Mapped[str] = mapped_column(String(128))
    # The exact JSON body (the event envelope), so every attempt sends the same bytes.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column()


class WebhookAttempt(HasId, TenantScoped, Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery_id", "delivery_id"),)

    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    attempted_at: Mapped[dt.datetime] = mapped_column()
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    # The start of the response body (at most 4 KiB is read), as text.
    response_excerpt: Mapped[str | None] = mapped_column(Text)
