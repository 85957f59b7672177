"""REST bodies and answers of the webhooks admin API (API.md "Integrations"), and the
mappers from rows. Rows never leave the service; these structs do."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from rustok.modules.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from rustok.web.pages import PageOf

Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
Description = Annotated[str, msgspec.Meta(max_length=500)]
Pattern = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Patterns = Annotated[list[Pattern], msgspec.Meta(min_length=1, max_length=50)]
HeaderValue = Annotated[str, msgspec.Meta(max_length=1024)]
Headers = Annotated[
    dict[Annotated[str, msgspec.Meta(min_length=1, max_length=64)], HeaderValue],
    msgspec.Meta(max_length=10),
]
DeliveryStatus = Literal["pending", "succeeded", "failed"]


class WebhookCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: Url
    event_types: Patterns
    description: Description | None = None
    headers: Headers = msgspec.field(default_factory=dict)
    active: bool = True


class WebhookUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Fields left out stay as they are; ``description: null`` clears it."""

    url: Url | UnsetType = UNSET
    event_types: Patterns | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    headers: Headers | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class WebhookRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    url: str
    description: str | None
    event_types: list[str]
    headers: dict[str, str]
    active: bool
    # Until then deliveries are also signed with the secret before the last rotation.
    previous_secret_expires_at: dt.datetime | None
    failing_since: dt.datetime | None
    disabled_at: dt.datetime | None
    disabled_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class WebhookWithSecret(WebhookRead, frozen=True, kw_only=True):
    """The answer of create and rotate: the only time the secret is shown."""

    secret: str


class WebhookPage(PageOf[WebhookRead], frozen=True, kw_only=True):
    items: list[WebhookRead]


class AttemptRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    attempted_at: dt.datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    response_excerpt: str | None


class DeliveryRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    webhook_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: str
    attempt_count: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    completed_at: dt.datetime | None
    attempts: list[AttemptRead]


class DeliveryDetail(DeliveryRead, frozen=True, kw_only=True):
    """One delivery with the body it sends (the event envelope as JSON)."""

    body: str


class DeliveryPage(PageOf[DeliveryRead], frozen=True, kw_only=True):
    items: list[DeliveryRead]


class DeliveryFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: DeliveryStatus | None = None
    event_type: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def to_webhook_read(row: WebhookEndpoint) -> WebhookRead:
    return WebhookRead(**_endpoint_fields(row))


def to_webhook_with_secret(row: WebhookEndpoint) -> WebhookWithSecret:
    return WebhookWithSecret(**_endpoint_fields(row), secret=row.secret)


def _endpoint_fields(row: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": row.id, "url": row.url, "description": row.description,
        "event_types": list(row.event_types), "headers": dict(row.headers), "active": row.active,
        "previous_secret_expires_at": row.previous_secret_expires_at,
        "failing_since": row.failing_since, "disabled_at": row.disabled_at,
        "disabled_reason": row.disabled_reason, "created_at": row.created_at,
        "updated_at": row.updated_at,
    }  # fmt: skip


def to_attempt_read(row: WebhookAttempt) -> AttemptRead:
    return AttemptRead(
        id=row.id, attempted_at=row.attempted_at, duration_ms=row.duration_ms,
        status_code=row.status_code, error=row.error, response_excerpt=row.response_excerpt,
    )  # fmt: skip


def _delivery_fields(row: WebhookDelivery, attempts: list[WebhookAttempt]) -> dict[str, Any]:
    return {
        "id": row.id, "webhook_id": row.endpoint_id, "event_id": row.event_id,
        "event_type": row.event_type, "status": row.status, "attempt_count": len(attempts),
        "next_attempt_at": row.next_attempt_at if row.status == "pending" else None,
        "last_status_code": row.last_status_code, "last_error": row.last_error,
        "created_at": row.created_at, "completed_at": row.completed_at,
        "attempts": [to_attempt_read(a) for a in attempts],
    }  # fmt: skip


def to_delivery_read(row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryRead:
    return DeliveryRead(**_delivery_fields(row, attempts))


def to_delivery_detail(row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryDetail:
    return DeliveryDetail(**_delivery_fields(row, attempts), body=row.body)
