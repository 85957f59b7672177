"""Webhook event types: endpoint changes and failed deliveries."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from rustok.core.events import EventPayload, Text500

HttpStatus = Annotated[int, msgspec.Meta(ge=100, le=599)]


class _WebhookEvent(EventPayload, frozen=True, kw_only=True):
    webhook_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.webhook_id


class WebhookCreated(_WebhookEvent, frozen=True, kw_only=True):
    event_type = "webhook.created"


class WebhookUpdated(_WebhookEvent, frozen=True, kw_only=True):
    event_type = "webhook.updated"


class WebhookDeleted(_WebhookEvent, frozen=True, kw_only=True):
    event_type = "webhook.deleted"


class WebhookDeliveryFailed(_WebhookEvent, frozen=True, kw_only=True):
    """Delivering one event to an endpoint failed after its retries."""

    event_type = "webhook.delivery_failed"
    event_id: uuid.UUID
    error: Text500
    status_code: HttpStatus | None = None


class WebhookDisabled(_WebhookEvent, frozen=True, kw_only=True):
    """The platform switched an endpoint off: every attempt failed for too long (W-3)."""

    event_type = "webhook.disabled"
    reason: Text500  # since when every attempt failed, and the last error


class WebhookPing(_WebhookEvent, frozen=True, kw_only=True):
    """What ``POST /api/admin/webhooks/{id}/ping`` sends to that endpoint alone. Never
    published: declared so receivers find its payload in ``rustok events schema``."""

    event_type = "webhook.ping"
