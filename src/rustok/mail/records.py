"""The delivery record of the tenant's mails, for its admins (``GET /api/admin/mails``).

What was sent to whom and when, what is waiting for a retry and why, what failed. The mail's
data and its sealed token are not shown: the record is about delivery, not content.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import msgspec
from sqlalchemy import func, select

from rustok.core.db import fetch_page
from rustok.core.platform import Platform
from rustok.mail.models import MailMessage

MailStatus = Literal["queued", "retrying", "sent", "dropped", "failed"]


class MailRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    recipient: str
    template: str
    locale: str
    status: MailStatus
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None  # when it is tried again (unsettled mails only)
    created_at: dt.datetime
    sent_at: dt.datetime | None


class MailPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[MailRead]
    page: int
    per_page: int
    total: int


def to_mail_read(row: MailMessage) -> MailRead:
    unsettled = row.status in ("queued", "retrying")
    return MailRead(
        id=row.id, recipient=row.recipient, template=row.template, locale=row.locale,
        status=msgspec.convert(row.status, MailStatus), attempts=row.attempts,
        last_error=row.last_error, next_attempt_at=row.next_attempt_at if unsettled else None,
        created_at=row.created_at, sent_at=row.sent_at,
    )  # fmt: skip


async def page_mails(
    platform: Platform,
    *,
    page: int,
    per_page: int,
    status: MailStatus | None = None,
    template: str | None = None,
    recipient: str | None = None,
) -> MailPage:
    """The current tenant's mails, newest first, optionally filtered."""
    statement = select(MailMessage)
    if status is not None:
        statement = statement.where(MailMessage.status == status)
    if template is not None:
        statement = statement.where(MailMessage.template == template)
    if recipient is not None:
        statement = statement.where(func.lower(MailMessage.recipient) == recipient.strip().lower())
    statement = statement.order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
    async with platform.db.read_session() as session:
        rows, total = await fetch_page(session, statement, page=page, per_page=per_page)
    items = [to_mail_read(r) for r in rows]
    return MailPage(items=items, page=page, per_page=per_page, total=total)
