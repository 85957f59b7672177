"""Outgoing mail (A-4): SMTP when ``RUSTOK_SMTP_HOST`` is set, else the log (development).

SMTP runs in a thread (smtplib), bounded by a timeout and retried with backoff, so a slow or
flaky mail server never blocks the event loop nor fails the first time it hiccups.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import stamina

from rustok.core.logging import get_logger
from rustok.core.settings import Settings

SEND_TIMEOUT_SECONDS = 10.0
_log = get_logger("rustok.mail")


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class ConsoleMailer:
    """Development mailer: the mail goes to the log, tokens included."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)
        _log.info(
            "mail (not sent: no RUSTOK_SMTP_HOST)", to=mail.to, subject=mail.subject, body=mail.body
        )


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self._settings = settings

    def _send_blocking(self, mail: Mail) -> None:
        s = self._settings
        message = EmailMessage()
        message["From"] = s.smtp_from
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        assert s.smtp_host is not None
        smtp_class = smtplib.SMTP_SSL if s.smtp_ssl else smtplib.SMTP
        with smtp_class(s.smtp_host, s.smtp_port, timeout=SEND_TIMEOUT_SECONDS) as smtp:
            if s.smtp_starttls and not s.smtp_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(message)

    @stamina.retry(
        on=(OSError, smtplib.SMTPException, TimeoutError), attempts=3, wait_initial=0.1, wait_max=5
    )
    async def send(self, mail: Mail) -> None:
        async with asyncio.timeout(SEND_TIMEOUT_SECONDS + 1):
            await asyncio.to_thread(self._send_blocking, mail)


def build_mailer(settings: Settings) -> Mailer:
    return SmtpMailer(settings) if settings.smtp_host else ConsoleMailer()
