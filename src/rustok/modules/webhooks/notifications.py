"""``webhooks.disabled_mail``: the tenant's webhook administrators hear that the platform
switched one of their endpoints off (``webhook.disabled``), by mail (W-7).

The mail rows are queued through :func:`~rustok.mail.queue.queue_mail` in the consumer's own
unit of work, so the inbox mark and the rows commit together: a redelivered event never
mails twice and a crash before the commit loses nothing. Recipients: the tenant's active
users whose roles grant ``webhooks:update`` (or ``webhooks:manage``) on all endpoints — the
ones who can switch it on again. Language: the tenant's default locale.
"""

from __future__ import annotations

from sqlalchemy import select

from rustok.auth.models import User
from rustok.core.consumer import consumer
from rustok.core.context import current_context
from rustok.core.events import Envelope
from rustok.core.uow import UnitOfWork
from rustok.mail.queue import queue_mail
from rustok.modules.webhooks.events import WebhookDisabled
from rustok.modules.webhooks.models import WebhookEndpoint
from rustok.rbac.models import Permission, RolePermission, UserRole

TEMPLATE = "webhook/disabled"
# Grants that may switch an endpoint on again (PATCH ``active``: webhooks:update).
REVIVING_ACTIONS = ("update", "manage")


async def webhook_admins(uow: UnitOfWork) -> list[str]:
    """The current tenant's active users who may switch an endpoint on again, by email."""
    emails = await uow.session.scalars(
        select(User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .join(RolePermission, RolePermission.role_id == UserRole.role_id)
        .join(Permission, Permission.id == RolePermission.permission_id)
        .where(
            User.status == "active",
            Permission.resource == "webhooks",
            Permission.action.in_(REVIVING_ACTIONS),
            RolePermission.scope == "all",
        )
        .distinct()
        .order_by(User.email)
    )
    return list(emails)


@consumer("webhooks.disabled_mail", on=[WebhookDisabled])
async def mail_webhook_disabled(
    payload: WebhookDisabled, envelope: Envelope, uow: UnitOfWork
) -> None:
    """One mail per webhook administrator of the tenant."""
    endpoint = await uow.session.get(WebhookEndpoint, payload.webhook_id)
    if endpoint is None:  # deleted since: nothing left to switch on
        return
    tenant = current_context().tenant
    locale = tenant.default_locale if tenant else "en"
    data = {
        "webhook": {
            "id": str(endpoint.id), "url": endpoint.url, "description": endpoint.description,
            "reason": payload.reason,
            "disabled_at": (endpoint.disabled_at or envelope.occurred_at).isoformat(),
        },
    }  # fmt: skip
    for email in await webhook_admins(uow):
        queue_mail(uow, to=email, template=TEMPLATE, locale=locale, data=data)
