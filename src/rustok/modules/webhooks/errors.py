"""The webhooks module's errors (codes refine the platform's tree)::

    NotFound  (404)  WebhookNotFound   WEBHOOK_NOT_FOUND   no such endpoint in this tenant
                     DeliveryNotFound  DELIVERY_NOT_FOUND  no such delivery in this tenant
    Conflict  (409)  WebhookInactive   WEBHOOK_INACTIVE    redeliver to a switched-off endpoint

A refused URL is ``rustok.core.ssrf.OutboundUrlRefused`` (422 ``URL_NOT_ALLOWED``).
"""

from __future__ import annotations

from rustok.core.errors import Conflict, NotFound


class WebhookNotFound(NotFound):
    code = "WEBHOOK_NOT_FOUND"
    title = "Webhook not found"


class DeliveryNotFound(NotFound):
    code = "DELIVERY_NOT_FOUND"
    title = "Delivery not found"


class WebhookInactive(Conflict):
    code = "WEBHOOK_INACTIVE"
    title = "Webhook inactive"
