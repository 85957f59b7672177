"""The mail parts of a platform: mailer, ``smtp`` breaker, queue, sender, consumer, check.

Attached by ``bootstrap`` to every platform, so ``rustok serve`` and ``rustok worker`` both
send (where the events run) and every process can queue.
"""

from __future__ import annotations

import uuid
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.checks import CheckResult, ReadinessCheck
from rustok.core.consumer import ConsumerSpec, consumer
from rustok.core.db import Database
from rustok.core.events import Envelope
from rustok.core.platform import Platform
from rustok.core.resilience import BreakerConfig, CircuitBreaker, CircuitState
from rustok.core.uow import UnitOfWork
from rustok.mail.events import MailQueued
from rustok.mail.mailer import Mailer, SmtpMailer, build_mailer
from rustok.mail.models import UNSETTLED, MailMessage
from rustok.mail.overrides import MailTemplateService
from rustok.mail.queue import MailQueue
from rustok.mail.sealing import SecretSealer
from rustok.mail.sender import MailSender, SenderConfig
from rustok.mail.templates import MailTemplates

MAIL_SERVICE_KEY = "mail"


class MailRuntime:
    """Implements ``core.platform.BackgroundService``: the sender runs with the events."""

    def __init__(self, platform: Platform, mailer: Mailer | None = None) -> None:
        settings = platform.settings
        assert settings.secret_key is not None
        self.platform = platform
        self.mailer = mailer or build_mailer(settings)
        self.breaker = CircuitBreaker(
            "smtp",
            BreakerConfig(open_seconds=settings.smtp_breaker_open_seconds),
            failure_types=(OSError, TimeoutError),
        )
        self.queue = MailQueue(settings)
        folder = settings.mail_templates_dir
        self.templates = MailTemplates(Path(folder) if folder else None)
        self.template_service = MailTemplateService(platform, self.templates)
        self.sender = MailSender(
            platform.db, self.mailer, self.breaker,
            SecretSealer(settings.secret_key, settings.previous_secret_keys), self.templates,
            SenderConfig(
                retry_delays=settings.mail_retry_schedule,
                send_timeout=2 * settings.smtp_timeout_seconds,
                lease_seconds=settings.mail_lease_seconds,
                concurrency=settings.mail_concurrency,
                message_domain=parseaddr(settings.smtp_from)[1].rpartition("@")[2]
                or "rustok.local",
            ),
        )  # fmt: skip

    async def start(self) -> None:
        await self.sender.start()

    async def stop(self) -> None:
        await self.sender.stop()

    async def check(self) -> CheckResult:
        """Readiness: ``degraded`` (never down: writes go on, mails wait) while the breaker is
        not closed or mails wait for a retry."""
        if not isinstance(self.mailer, SmtpMailer):
            return CheckResult("ok", detail="mails go to the log (no RUSTOK_SMTP_HOST)")
        async with self.platform.db.read_session(all_tenants=True) as session:
            retrying = await session.scalar(
                select(func.count()).where(MailMessage.status == "retrying")
            )
        target = self.mailer.target
        state = self.breaker.state
        if state is not CircuitState.CLOSED:
            return CheckResult(
                "degraded",
                detail=f"SMTP {target}: circuit {state.name.lower()}, "
                f"{retrying or 0} mails waiting for a retry",
            )
        if retrying:
            return CheckResult(
                "degraded", detail=f"SMTP {target}: {retrying} mails waiting for a retry"
            )
        return CheckResult("ok", detail=f"SMTP {target}")


def mail_consumer(sender: MailSender) -> ConsumerSpec:
    """``mail``: a queued mail wakes this process's sender, which claims and sends it.

    Nothing to do for a mail handed to this sender at its commit (its filter says so: no
    handler, and with the memory transport no inbox row, no transaction); for another, the
    handler wakes the sender only if no sender claimed the mail meanwhile (one handed over
    in another process, or swept): that sweep would find nothing."""

    async def not_handed_here(db: Database, envelope: Envelope, received: float) -> bool:
        return not sender.handed_over(uuid.UUID(envelope.payload["mail_id"]))

    @consumer("mail", on=[MailQueued], wants=not_handed_here)
    async def wake_sender(payload: MailQueued, envelope: Envelope, uow: UnitOfWork) -> None:
        if await unclaimed(uow.session, payload.mail_id):
            sender.wake()

    return wake_sender


async def unclaimed(session: AsyncSession, mail_id: uuid.UUID) -> bool:
    """Whether the mail waits for a sender: unsettled and claimed by none."""
    found = await session.execute(_UNCLAIMED, {"mail_id": mail_id})
    return found.first() is not None


_UNCLAIMED = select(MailMessage.id).where(
    MailMessage.id == bindparam("mail_id"),
    MailMessage.status.in_(UNSETTLED),
    MailMessage.claimed_by.is_(None),
)


def attach_mail(platform: Platform, mailer: Mailer | None = None) -> MailRuntime:
    runtime = MailRuntime(platform, mailer)
    platform.consumers.append(mail_consumer(runtime.sender))
    platform.readiness.append(ReadinessCheck("mail", runtime.check, critical=False))
    platform.background.append(runtime)
    platform.services[MAIL_SERVICE_KEY] = runtime
    return runtime


def mail_runtime(platform: Platform) -> MailRuntime:
    """The platform's mail runtime (attached at bootstrap)."""
    runtime = platform.services.get(MAIL_SERVICE_KEY)
    if not isinstance(runtime, MailRuntime):
        raise LookupError("no mail runtime: the platform was not built by bootstrap")
    return runtime
