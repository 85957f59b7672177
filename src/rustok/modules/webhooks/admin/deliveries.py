"""``/admin/webhooks/{id}/deliveries`` and ``/admin/webhooks/deliveries/{id}``: an endpoint's
delivery log (newest first, by status, by event type — the search box takes an exact type),
one delivery with its body and attempts, and redelivering it — ``GET
/api/admin/webhooks/{id}/deliveries``, ``GET …/deliveries/{id}`` (``webhooks:read``) and
``POST …/deliveries/{id}/redeliver`` (``webhooks:update``) through ``DeliveryLog``.

List statements (50 rows): the session check, the endpoint (read for the page's title,
then checked by the log), the count, the page and the attempts in one batch
(``tests/admin/test_webhooks_admin.py`` asserts 6).
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import ValidationFailed
from rustok.modules.webhooks import permissions as perm
from rustok.modules.webhooks.admin.endpoints import PATH, WEBHOOK_DEPENDENCIES
from rustok.modules.webhooks.routes import Webhooks
from rustok.modules.webhooks.schemas import DeliveryFilter
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash

AnyRequest = Request[Any, Any, Any]
DELIVERY_LIST = ListSpec(
    columns=(
        Column("event_type", N_("Event type")), Column("status", N_("Status")),
        Column("attempts", N_("Attempts")), Column("last", N_("Last answer")),
        Column("created", N_("Created"), sort="created"), Column("actions", N_("Actions")),
    ),
    sorts=("created",), default_sort="-created",
    filters={"status": (N_("pending"), N_("succeeded"), N_("failed"))},
)  # fmt: skip


class DeliveryAdminController(Controller):
    path = PATH
    dependencies = WEBHOOK_DEPENDENCIES
    include_in_schema = False

    @get("/{webhook_id:uuid}/deliveries", permission=perm.READ)
    async def list_deliveries(
        self, webhooks: Webhooks, request: AnyRequest, webhook_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """The endpoint's deliveries, newest first, each with its attempt count."""
        query = list_query(request, DELIVERY_LIST)
        if not query.descending:
            raise ValidationFailed("newest first only", errors={"sort": ["newest first only"]})
        webhook = await webhooks.endpoints.get(webhook_id)
        # The list query allowed only DELIVERY_LIST's status values.
        filters = msgspec.convert(
            {"status": query.filters.get("status"), "event_type": query.q}, DeliveryFilter
        )
        result = await webhooks.deliveries.list_page(webhook_id, filters, query.page, PER_PAGE)
        path = f"{PATH}/{webhook_id}/deliveries"
        return page(
            request, "webhooks/deliveries_list.html", title=gettext("Deliveries"),
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Webhooks"), PATH),
                    Crumb(webhook.url, f"{PATH}/{webhook_id}"), Crumb(gettext("Deliveries"))],
            view=ListView(DELIVERY_LIST, query, path, result.items, result.total),
            webhook=webhook,
        )  # fmt: skip

    @get("/deliveries/{delivery_id:uuid}", permission=perm.READ)
    async def delivery_page(
        self, webhooks: Webhooks, request: AnyRequest, delivery_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One delivery: the body it sends and every attempt."""
        delivery = await webhooks.deliveries.get(delivery_id)
        log = f"{PATH}/{delivery.webhook_id}/deliveries"
        return page(
            request, "webhooks/delivery_detail.html", title=delivery.event_type,
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Webhooks"), PATH),
                    Crumb(gettext("Deliveries"), log), Crumb(delivery.event_type)],
            delivery=delivery, log=log,
        )  # fmt: skip

    @post("/deliveries/{delivery_id:uuid}/redeliver", permission=perm.UPDATE)
    async def redeliver(
        self, webhooks: Webhooks, request: AnyRequest, delivery_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Send the delivery again now, with a fresh retry schedule."""
        delivery = await webhooks.deliveries.redeliver(delivery_id)
        return redirect_with_flash(
            request, f"{PATH}/deliveries/{delivery.id}", N_("The delivery is queued again.")
        )
