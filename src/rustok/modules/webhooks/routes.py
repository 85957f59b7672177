"""REST: the tenant's webhooks (``/api/admin/webhooks``, API.md "Integrations")."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from rustok.modules.webhooks import permissions as perm
from rustok.modules.webhooks.schemas import (
    DeliveryDetail,
    DeliveryFilter,
    DeliveryPage,
    DeliveryRead,
    DeliveryStatus,
    WebhookCreate,
    WebhookPage,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
)
from rustok.modules.webhooks.webhooks_runtime import WebhooksRuntime, webhooks_runtime
from rustok.web.deps import PlatformDep
from rustok.web.pages import LogPage, Page, PerPage

Webhooks = NamedDependency[WebhooksRuntime]
EventType = Annotated[str, QueryParameter(min_length=1, max_length=128)]
# The answers that show a signing secret: never kept by a browser or a proxy.
SECRET_SHOWN = CacheControlHeader(no_store=True)


async def provide_webhooks(platform: PlatformDep) -> WebhooksRuntime:
    return webhooks_runtime(platform)


class WebhookController(Controller):
    path = "/api/admin/webhooks"
    tags = ["admin: webhooks"]
    dependencies = {"webhooks": Provide(provide_webhooks)}

    @get("/", permission=perm.LIST, graphql_twin="webhooks")
    async def list_webhooks(
        self, webhooks: Webhooks, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> WebhookPage:
        """The tenant's endpoints (secrets are never listed)."""
        return await webhooks.endpoints.list_page(page, per_page)

    @post(
        "/",
        permission=perm.CREATE,
        status_code=201,
        cache_control=SECRET_SHOWN,
        graphql_twin="createWebhook",
    )
    async def create_webhook(
        self, webhooks: Webhooks, data: JSONBody[WebhookCreate]
    ) -> WebhookWithSecret:
        """Create an endpoint; the answer shows its signing secret, this once.
        A URL the platform may not call is 422 ``URL_NOT_ALLOWED``."""
        return await webhooks.endpoints.create(data)

    @get("/{webhook_id:uuid}", permission=perm.READ, graphql_twin="webhook")
    async def get_webhook(self, webhooks: Webhooks, webhook_id: FromPath[uuid.UUID]) -> WebhookRead:
        """One endpoint."""
        return await webhooks.endpoints.get(webhook_id)

    @patch("/{webhook_id:uuid}", permission=perm.UPDATE, graphql_twin="updateWebhook")
    async def update_webhook(
        self, webhooks: Webhooks, webhook_id: FromPath[uuid.UUID], data: JSONBody[WebhookUpdate]
    ) -> WebhookRead:
        """Change an endpoint; ``active: true`` also clears an automatic switch-off."""
        return await webhooks.endpoints.update(webhook_id, data)

    @delete(
        "/{webhook_id:uuid}",
        permission=perm.DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteWebhook",
    )
    async def delete_webhook(self, webhooks: Webhooks, webhook_id: FromPath[uuid.UUID]) -> None:
        """Delete an endpoint and its delivery log."""
        await webhooks.endpoints.delete(webhook_id)

    @post(
        "/{webhook_id:uuid}/rotate-secret", permission=perm.UPDATE, status_code=200,
        cache_control=SECRET_SHOWN, graphql_twin="rotateWebhookSecret",
    )  # fmt: skip
    async def rotate_secret(
        self, webhooks: Webhooks, webhook_id: FromPath[uuid.UUID]
    ) -> WebhookWithSecret:
        """A new secret (shown this once); the old one keeps signing for 24 h."""
        return await webhooks.endpoints.rotate_secret(webhook_id)

    @post(
        "/{webhook_id:uuid}/ping",
        permission=perm.UPDATE,
        status_code=HTTP_202_ACCEPTED,
        graphql_twin="pingWebhook",
    )
    async def ping(self, webhooks: Webhooks, webhook_id: FromPath[uuid.UUID]) -> DeliveryRead:
        """Send a ``webhook.ping`` to this endpoint only (not an outbox event)."""
        return await webhooks.deliveries.ping(webhook_id)

    @get("/{webhook_id:uuid}/deliveries", permission=perm.READ, graphql_twin="webhookDeliveries")
    async def list_deliveries(
        self, webhooks: Webhooks, webhook_id: FromPath[uuid.UUID],
        status: FromQuery[DeliveryStatus | None] = None,
        event_type: FromQuery[EventType | None] = None,
        since: FromQuery[dt.datetime | None] = None, until: FromQuery[dt.datetime | None] = None,
        page: FromQuery[LogPage] = 1, per_page: FromQuery[PerPage] = 20,
    ) -> DeliveryPage:  # fmt: skip
        """The endpoint's deliveries, newest first, each with its attempts; filters:
        ``status``, ``event_type``, ``since``/``until`` (created, RFC 3339)."""
        filters = DeliveryFilter(status=status, event_type=event_type, since=since, until=until)
        return await webhooks.deliveries.list_page(webhook_id, filters, page, per_page)

    @get("/deliveries/{delivery_id:uuid}", permission=perm.READ, graphql_twin="webhookDelivery")
    async def get_delivery(
        self, webhooks: Webhooks, delivery_id: FromPath[uuid.UUID]
    ) -> DeliveryDetail:
        """One delivery with its body and attempts."""
        return await webhooks.deliveries.get(delivery_id)

    @post(
        "/deliveries/{delivery_id:uuid}/redeliver",
        permission=perm.UPDATE,
        status_code=HTTP_202_ACCEPTED,
        graphql_twin="redeliverWebhookDelivery",
    )
    async def redeliver(self, webhooks: Webhooks, delivery_id: FromPath[uuid.UUID]) -> DeliveryRead:
        """Send a delivery again now, with a fresh retry schedule (same ``webhook-id``)."""
        return await webhooks.deliveries.redeliver(delivery_id)
