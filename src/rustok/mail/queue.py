"""Queuing a mail inside the caller's unit of work (the only way to send one)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from rustok.core.ids import new_id
from rustok.core.settings import Settings
from rustok.core.uow import UnitOfWork
from rustok.mail.events import MailQueued
from rustok.mail.models import MailMessage
from rustok.mail.sealing import SecretSealer


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
        uow.session.add(
            MailMessage(
                id=mail_id, recipient=to, template=template, locale=locale, data=dict(data),
                secret=None if secret is None else self._sealer.seal(secret, mail_id),
                expires_at=expires_at,
            )
        )  # fmt: skip
        uow.publish(MailQueued(mail_id=mail_id))
        return mail_id
