"""The webhooks module's admin pages: ``ModuleAdmin.handlers`` names this list, imported when
the admin is first asked for (``rustok.api.admin_mount``)."""

from __future__ import annotations

from typing import Any

from rustok.modules.webhooks.admin.deliveries import DeliveryAdminController
from rustok.modules.webhooks.admin.endpoints import WebhookAdminController

HANDLERS: list[Any] = [WebhookAdminController, DeliveryAdminController]
