"""The webhooks module's long-lived parts for one platform, built on first use and kept in
``Platform.services``: the endpoint and delivery services and the sender, so routes,
GraphQL, the CLI and the background service share them."""

from __future__ import annotations

from dataclasses import dataclass

from rustok.core.platform import Platform
from rustok.modules.webhooks.deliveries import DeliveryLog
from rustok.modules.webhooks.sender import WebhookSender
from rustok.modules.webhooks.service import WebhookService

SERVICES_KEY = "webhooks"


@dataclass
class WebhooksRuntime:
    platform: Platform

    def __post_init__(self) -> None:
        self.endpoints = WebhookService(self.platform)
        self.deliveries = DeliveryLog(self.platform)
        self.sender = WebhookSender(self.platform)


def webhooks_runtime(platform: Platform) -> WebhooksRuntime:
    runtime = platform.services.get(SERVICES_KEY)
    if not isinstance(runtime, WebhooksRuntime):
        runtime = platform.services[SERVICES_KEY] = WebhooksRuntime(platform)
    return runtime


def build_sender(platform: Platform) -> WebhookSender:
    """``ModuleSpec.background``: the platform's sender."""
    return webhooks_runtime(platform).sender
