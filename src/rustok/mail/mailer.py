"""Mailers: SMTP when ``RUSTOK_SMTP_HOST`` is set, else the log (development only).

Mailers only send; retries, the circuit breaker and the delivery record are the sender's
(sender.py). SMTP runs in a thread (smtplib) with a socket timeout and an overall
``asyncio.timeout``, so a hung server never holds the event loop nor a sender for long.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from rustok.core.logging import get_logger
from rustok.core.settings import Settings

CONSOLE_KEEP = 100
_log = get_logger("rustok.mail")


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    # With HTML the mail is multipart/alternative (text first, the fallback).
    html: str | None = None
    # Stable across resends of one mail (``<mail id@sender domain>``), so a receiver that
    # got it twice (a crash between acceptance and our record) can tell.
    message_id: str | None = None


class MailRejected(Exception):
    """The server refused this mail for good (5xx): retrying would not help. Not a sign of
    a sick server, so the circuit breaker does not count it."""


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None:
        """Hand the mail to the server; raise ``MailRejected`` (permanent) or any error."""


class ConsoleMailer:
    """Development mailer: the mail goes to the log, tokens included. Keeps the last
    ``CONSOLE_KEEP`` mails for inspection (tests, a REPL), never more."""

    def __init__(self, keep: int = CONSOLE_KEEP) -> None:
        self._sent: deque[Mail] = deque(maxlen=keep)

    @property
    def sent(self) -> list[Mail]:
        return list(self._sent)

    async def send(self, mail: Mail) -> None:
        self._sent.append(mail)
        _log.info(
            "mail (not sent: no RUSTOK_SMTP_HOST)", to=mail.to, subject=mail.subject, body=mail.text
        )


def _permanent(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self._settings = settings
        self.timeout = settings.smtp_timeout_seconds

    @property
    def target(self) -> str:
        return f"{self._settings.smtp_host}:{self._settings.smtp_port}"

    def _send_blocking(self, mail: Mail) -> None:
        s = self._settings
        message = EmailMessage()
        message["From"] = s.smtp_from
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(usegmt=True)
        if mail.message_id:
            message["Message-ID"] = mail.message_id
        message.set_content(mail.text)
        if mail.html is not None:
            message.add_alternative(mail.html, subtype="html")
        assert s.smtp_host is not None
        smtp_class = smtplib.SMTP_SSL if s.smtp_ssl else smtplib.SMTP
        with smtp_class(s.smtp_host, s.smtp_port, timeout=self.timeout) as smtp:
            if s.smtp_starttls and not s.smtp_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(message)

    async def send(self, mail: Mail) -> None:
        try:
            # The socket timeout bounds each step; this bounds the whole conversation.
            async with asyncio.timeout(self.timeout * 2):
                await asyncio.to_thread(self._send_blocking, mail)
        except smtplib.SMTPException as exc:
            if _permanent(exc):
                raise MailRejected(f"{type(exc).__name__}: {exc}") from exc
            raise


def build_mailer(settings: Settings) -> Mailer:
    return SmtpMailer(settings) if settings.smtp_host else ConsoleMailer()
