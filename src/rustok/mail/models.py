"""``mail_messages``: one row per mail, with its delivery record; ``mail_templates``: the
tenants' own versions of the mail templates."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped, utcnow

# queued -> sent | retrying -> … -> sent | failed; dropped: its token expired first.
MAIL_STATUSES = ("queued", "retrying", "sent", "dropped", "failed")
UNSETTLED = ("queued", "retrying")
SETTLED = ("sent", "dropped", "failed")


class MailMessage(HasId, TenantScoped, Timestamped, Base):
    """A mail to send: template, locale and data, plus a sealed secret (one-time token)."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        Index("ix_mail_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    recipient: Mapped[str] = mapped_column(String(255))
    template: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The token the mail carries, sealed (sealing.py); NULL once the mail is settled.
    secret: Mapped[str | None] = mapped_column(Text)
    # When the token expires: a mail not sent by then is dropped, not sent.
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime | None] = mapped_column()


class MailTemplateOverride(HasId, TenantScoped, Timestamped, Base):
    """A tenant's own version of one mail template in one locale (subject, text, HTML).

    Checked when saved (mail/overrides.py): compiled and rendered with sample data in the
    sandbox; rendered again in the sandbox for every mail it is used for.
    """

    __tablename__ = "mail_templates"
    __table_args__ = (UniqueConstraint("tenant_id", "template", "locale"),)

    template: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
