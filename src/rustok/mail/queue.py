"""Queuing a mail inside the caller's unit of work (the only way to send one).

:func:`queue_mail` is the mail package's interface for the modules (order mails, …): a
row and its internal ``mail.queued`` event in the caller's transaction, so a consumer that
queues a mail does it exactly once per event (its inbox mark commits with the row). When a
sender runs in this process with room, the row is inserted claimed by it and handed over
at the commit (``handoff.py``).
:class:`MailQueue` adds a one-time token, sealed on the row (account mails).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from rustok.core.context import current_context
from rustok.core.ids import new_id
from rustok.core.settings import Settings
from rustok.core.uow import UnitOfWork
from rustok.mail import handoff
from rustok.mail.events import MailQueued
from rustok.mail.models import MailMessage
from rustok.mail.sealing import SecretSealer

DEFAULT_SHOP_NAME = "RusToK"


def queue_mail(
    uow: UnitOfWork,
    *,
    to: str,
    template: str,
    locale: str,
    data: Mapping[str, Any],
    mail_id: uuid.UUID | None = None,
    secret: str | None = None,
    expires_at: dt.datetime | None = None,
) -> uuid.UUID:
    """Add a mail of the current tenant and its ``mail.queued`` event to ``uow``; it is
    sent after the commit. ``data`` must be JSON-serialisable; it gets ``shop_name`` (the
    tenant's name) unless it has one. ``secret`` must already be sealed for ``mail_id``."""
    context = current_context()
    tenant = context.tenant
    values = {"shop_name": tenant.name if tenant and tenant.name else DEFAULT_SHOP_NAME, **data}
    mail_id = mail_id or new_id()
    row = MailMessage(
        id=mail_id, recipient=to, template=template, locale=locale, data=values,
        secret=secret, expires_at=expires_at,
    )  # fmt: skip
    handoff.hand_over(uow, row, context.tenant_id)
    uow.session.add(row)
    uow.publish(MailQueued(mail_id=mail_id))
    return mail_id


class MailQueue:
    def __init__(self, settings: Settings) -> None:
        assert settings.secret_key is not None
        self._sealer = SecretSealer(settings.secret_key, settings.previous_secret_keys)

    def queue(
        self,
        uow: UnitOfWork,
        *,
        to: str,
        template: str,
        locale: str,
        data: Mapping[str, Any],
        secret: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> uuid.UUID:
        """Add the mail and its ``mail.queued`` event to ``uow``; sent after the commit.

        ``secret`` (a one-time token) is sealed on the row and given to the template as
        ``token``; ``expires_at`` is when it stops working: an unsent mail is dropped then.
        """
        mail_id = new_id()
        sealed = None if secret is None else self._sealer.seal(secret, mail_id)
        return queue_mail(
            uow, to=to, template=template, locale=locale, data=data, mail_id=mail_id,
            secret=sealed, expires_at=expires_at,
        )  # fmt: skip
