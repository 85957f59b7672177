"""The webhooks module's contract (SYSTEM.md §15, W-1…W-6): admin REST and GraphQL, the
``webhooks.dispatch`` consumer, the sender (a background service), the purge job."""

from __future__ import annotations

from rustok.core.events import CATALOGUE, EventPayload
from rustok.core.module import ModuleSpec
from rustok.modules.webhooks import events as webhook_events
from rustok.modules.webhooks import permissions
from rustok.modules.webhooks.consumer import DispatchConsumers
from rustok.modules.webhooks.graphql import WebhooksMutation, WebhooksQuery
from rustok.modules.webhooks.jobs import JOBS
from rustok.modules.webhooks.routes import WebhookController
from rustok.modules.webhooks.runtime import build_sender


def _event_types() -> tuple[type[EventPayload], ...]:
    return tuple(cls for cls in CATALOGUE.types() if cls.__module__ == webhook_events.__name__)


MODULE = ModuleSpec(
    slug="webhooks",
    name="Webhooks",
    description="Signed event deliveries to the tenant's HTTP endpoints, with retries and a log.",
    version="0.1.0",
    permissions=permissions.ALL,
    event_types=_event_types(),
    route_handlers=[WebhookController],
    graphql_query=WebhooksQuery,
    graphql_mutation=WebhooksMutation,
    consumers=DispatchConsumers(),
    jobs=JOBS,
    background=[build_sender],
    route_prefixes=("/api/admin/webhooks",),
)
