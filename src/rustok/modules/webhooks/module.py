"""The webhooks module's contract (SYSTEM.md §15, W-1…W-6): migrations, settings, the
``webhooks`` resource, admin REST and GraphQL, ``rustok webhooks``, the ``webhooks.dispatch``
consumer, the ``webhooks.disabled_mail`` consumer (W-7), the sender (a background service),
the purge job."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import ModuleSpec
from rustok.modules.webhooks.admin import WEBHOOKS_ADMIN
from rustok.modules.webhooks.consumer import DispatchConsumers
from rustok.modules.webhooks.jobs import JOBS
from rustok.modules.webhooks.notifications import mail_webhook_disabled
from rustok.modules.webhooks.routes import WebhookController
from rustok.modules.webhooks.settings import WebhooksSettings
from rustok.modules.webhooks.webhooks_runtime import build_sender

MODULE = ModuleSpec(
    slug="webhooks",
    name="Webhooks",
    description="Signed event deliveries to the tenant's HTTP endpoints, with retries and a log.",
    version="0.1.0",
    migrations=Path(__file__).parent / "migrations",
    settings=WebhooksSettings,
    resources=("webhooks",),
    grants={"admin": ("webhooks:manage",)},
    route_handlers=[WebhookController],
    graphql_query="rustok.modules.webhooks.graphql:WebhooksQuery",
    graphql_mutation="rustok.modules.webhooks.graphql:WebhooksMutation",
    consumers=DispatchConsumers(mail_webhook_disabled),
    jobs=JOBS,
    background=[build_sender],
    cli="rustok.modules.webhooks.cli:cli",
    admin=WEBHOOKS_ADMIN,
)
