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
