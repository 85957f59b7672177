"""``/admin/webhooks``: the tenant's endpoints — list, create (the secret shown once), edit,
delete, rotate the secret, ping — mirroring ``/api/admin/webhooks`` with the same
``webhooks:*`` permissions through ``WebhookService`` and ``DeliveryLog``.

List statements (50 rows): the session check, the count and the page
(``tests/admin/test_webhooks_admin.py`` asserts 3). The service lists oldest first only.
The edit form carries the endpoint's ``updated_at``: a change made meanwhile (another
admin, an automatic switch-off) answers 409 instead of being overwritten.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import FromPath

from rustok.core.errors import ValidationFailed
from rustok.modules.webhooks import permissions as perm
from rustok.modules.webhooks.admin.endpoint_form import (
    create_body,
    failed_form,
    update_body,
    values_of,
    version_of,
)
from rustok.modules.webhooks.routes import Webhooks, provide_webhooks
from rustok.modules.webhooks.schemas import WebhookRead, WebhookWithSecret
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.admin.submit import submit_form

AnyRequest = Request[Any, Any, Any]
PATH = "/admin/webhooks"
WEBHOOK_DEPENDENCIES = {"webhooks": Provide(provide_webhooks)}
WEBHOOK_LIST = ListSpec(
    columns=(
        Column("url", N_("URL")), Column("description", N_("Description")),
        Column("event_types", N_("Event types")), Column("state", N_("State")),
        Column("created", N_("Created"), sort="created"),
    ),
    sorts=("created",), default_sort="created", searchable=False,
)  # fmt: skip


def _crumbs(*more: Crumb) -> list[Crumb]:
    return [Crumb(gettext("Platform")), Crumb(gettext("Webhooks"), PATH if more else None), *more]


def _secret_page(request: AnyRequest, webhook: WebhookWithSecret, title: str) -> Response[str]:
    return page(
        request, "webhooks/secret.html", title=title,
        crumbs=_crumbs(Crumb(webhook.url, f"{PATH}/{webhook.id}"), Crumb(title)), webhook=webhook,
    )  # fmt: skip


class WebhookAdminController(Controller):
    path = PATH
    dependencies = WEBHOOK_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.LIST)
    async def list_webhooks(self, webhooks: Webhooks, request: AnyRequest) -> Response[str]:
        """The endpoints, oldest first, and the form to add one."""
        return await _list_page(request, webhooks, FormState(values={"active": "true"}))

    @post("/", permission=perm.CREATE)
    async def create_webhook(self, webhooks: Webhooks, request: AnyRequest) -> Response[Any]:
        """Create an endpoint; the answer shows its signing secret, this once."""
        return await submit_form(
            request, lambda posted: webhooks.endpoints.create(create_body(posted)),
            again=lambda form, status: _list_page(request, webhooks, form, status),
            done=lambda created: _secret_page(request, created, gettext("Webhook created")),
            state_of=failed_form,
        )  # fmt: skip

    @get("/{webhook_id:uuid}", permission=perm.READ)
    async def edit_webhook(
        self, webhooks: Webhooks, request: AnyRequest, webhook_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """The endpoint's form and its actions (ping, rotate the secret, delete)."""
        webhook = await webhooks.endpoints.get(webhook_id)
        return _edit_page(request, webhook, FormState(values=values_of(webhook)))

    @post("/{webhook_id:uuid}", permission=perm.UPDATE)
    async def update_webhook(
        self, webhooks: Webhooks, request: AnyRequest, webhook_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Save the form through ``WebhookService.update`` unless the endpoint changed."""
        current = await webhooks.endpoints.get(webhook_id)
        return await submit_form(
            request,
            lambda posted: webhooks.endpoints.update(webhook_id, update_body(posted, current)),
            again=lambda form, status: _edit_page(request, current, form, status),
            done=(f"{PATH}/{webhook_id}", N_("Saved.")), version=version_of(current),
            state_of=failed_form,
        )  # fmt: skip

    @post("/{webhook_id:uuid}/delete", permission=perm.DELETE)
    async def delete_webhook(
        self, webhooks: Webhooks, request: AnyRequest, webhook_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete the endpoint and its delivery log."""
        await webhooks.endpoints.delete(webhook_id)
        return redirect_with_flash(request, PATH, N_("The webhook is deleted."))

    @post("/{webhook_id:uuid}/rotate-secret", permission=perm.UPDATE)
    async def rotate_secret(
        self, webhooks: Webhooks, request: AnyRequest, webhook_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """A new secret, shown this once; the old one keeps signing for 24 h."""
        rotated = await webhooks.endpoints.rotate_secret(webhook_id)
        return _secret_page(request, rotated, gettext("New signing secret"))

    @post("/{webhook_id:uuid}/ping", permission=perm.UPDATE)
    async def ping(
        self, webhooks: Webhooks, request: AnyRequest, webhook_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Queue a ``webhook.ping`` to this endpoint; its delivery log shows it."""
        await webhooks.deliveries.ping(webhook_id)
        return redirect_with_flash(
            request, f"{PATH}/{webhook_id}/deliveries", N_("A ping is on its way.")
        )


async def _list_page(
    request: AnyRequest, webhooks: Webhooks, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, WEBHOOK_LIST)
    if query.descending:
        raise ValidationFailed("oldest first only", errors={"sort": ["oldest first only"]})
    result = await webhooks.endpoints.list_page(query.page, PER_PAGE)
    return page(
        request, "webhooks/endpoints_list.html", title=gettext("Webhooks"), crumbs=_crumbs(),
        view=ListView(WEBHOOK_LIST, query, PATH, result.items, result.total), form=form,
        status_code=status_code,
    )  # fmt: skip


def _edit_page(
    request: AnyRequest, webhook: WebhookRead, form: FormState, status_code: int = 200
) -> Response[str]:
    return page(
        request, "webhooks/endpoint_edit.html", title=webhook.url,
        crumbs=_crumbs(Crumb(webhook.url)), webhook=webhook, form=form, status_code=status_code,
    )  # fmt: skip
