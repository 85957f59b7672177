"""The mail sender: claims due mails, sends each outside any transaction, records the outcome.

One per process running the events. It sweeps ``mail_messages`` every second (and at once
when the ``mail`` consumer wakes it) for rows that are due (``queued``, or ``retrying`` whose
``next_attempt_at`` passed) and not claimed by a live sender; a claim is a conditional
UPDATE (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the writer lock on SQLite), so two
senders never take one row, and it holds for a lease longer than a send can last, so the
rows of a sender that died are taken over. It never claims more than it can start at
once (``concurrency`` sends at a time; a mail whose send is over no longer counts while its
outcome is recorded), so nothing waits in its queue past the lease. A mail queued in this
process while it has room is inserted claimed by it and handed over at the commit
(``handoff.py``): no claim of its own. After a send it sweeps again only if its last sweep
may have left due mails behind (it had no room for all of them): otherwise that claim finds
nothing. The outcomes of the mails that finish while one is being recorded are recorded
together, in the next transaction.

Per mail: token expired → ``dropped``; render (the tenant's own template versions first,
templates.py) as multipart text + HTML; send through the ``smtp`` circuit breaker
(open: postponed until it may close, no attempt spent); success → ``sent``; a permanent
refusal (5xx) or a mail that does not render → ``failed``; any other failure → ``retrying``
after the next delay of ``RUSTOK_MAIL_RETRY_DELAYS``, ``failed`` after the last. The sealed
token is wiped when the mail is settled. A crash between the server's acceptance and the
record sends the mail again after the lease: delivery is at least once. Settled mails are
kept ``KEEP_SETTLED`` (30 days) for the record, then purged by the sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from opentelemetry.trace import SpanKind
from prometheus_client import Counter
from sqlalchemy import Row, and_, delete, or_, select, update

from rustok.core.db import Database, utcnow
from rustok.core.ids import new_id
from rustok.core.logging import get_logger
from rustok.core.resilience import CircuitBreaker, CircuitOpenError
from rustok.core.tasks import STOP_GRACE_SECONDS, finish_or_cancel
from rustok.core.tracing import span as tracing_span
from rustok.core.uow import UnitOfWork
from rustok.mail import handoff
from rustok.mail.mailer import Mail, Mailer, MailRejected
from rustok.mail.models import SETTLED, UNSETTLED, MailMessage
from rustok.mail.overrides import Overrides, overrides_of
from rustok.mail.sealing import SealError, SecretSealer
from rustok.mail.templates import MailTemplates, TemplateError

MAILS: Any = MailMessage.__table__
# What sending a claimed mail reads of its row: returned by the claim itself.
CLAIMED = (
    MAILS.c.id, MAILS.c.tenant_id, MAILS.c.recipient, MAILS.c.template, MAILS.c.locale,
    MAILS.c.data, MAILS.c.secret, MAILS.c.expires_at, MAILS.c.attempts,
)  # fmt: skip
MAIL_OUTCOMES = Counter(
    "rustok_mail_messages_total",
    "Mail sending outcomes (sent, retried, failed, dropped, postponed).",
    ["outcome"],
)
for _outcome in ("sent", "retried", "failed", "dropped", "postponed"):
    MAIL_OUTCOMES.labels(_outcome)
_log = get_logger("rustok.mail")
KEEP_SETTLED = dt.timedelta(days=30)
PURGE_EVERY_SECONDS = 3600.0
# Mails handed over at a commit that the ``mail`` consumer may still ask about (its event
# comes after the commit); older ones are looked up in the table.
REMEMBER_HANDED = 4096
_HANDED_KEY = "rustok_mail_handed"


class HandedMail(NamedTuple):
    """What sending a mail needs of its row (the columns of :data:`CLAIMED`), for a row
    inserted claimed by this sender."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    recipient: str
    template: str
    locale: str
    data: dict[str, Any]
    secret: str | None
    expires_at: dt.datetime | None
    attempts: int


# A mail this sender holds: a row its sweep claimed, or one handed over at a commit.
ClaimedMail = Row[Any] | HandedMail


@dataclass(frozen=True, slots=True)
class SenderConfig:
    retry_delays: tuple[float, ...]  # len + 1 attempts in all
    send_timeout: float  # the longest one send may take (the mailer's own bound)
    sweep_seconds: float = 1.0
    concurrency: int = 4
    # None: twice the longest send plus 30 s (RUSTOK_MAIL_LEASE_SECONDS overrides it).
    lease_seconds: float | None = None
    message_domain: str = "rustok.local"

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1

    @property
    def lease(self) -> dt.timedelta:
        # A live sender finishes a claimed mail well within this; a dead one's are retaken.
        if self.lease_seconds is not None:
            return dt.timedelta(seconds=self.lease_seconds)
        return dt.timedelta(seconds=2 * self.send_timeout + 30)


class MailSender:
    def __init__(
        self,
        db: Database,
        mailer: Mailer,
        breaker: CircuitBreaker,
        sealer: SecretSealer,
        templates: MailTemplates,
        config: SenderConfig,
    ) -> None:
        self._db = db
        self._mailer = mailer
        self.breaker = breaker
        self._sealer = sealer
        self._templates = templates
        self.config = config
        self.token = f"mail-{new_id().hex[:16]}"
        self._wake = asyncio.Event()
        self._sweep_asked = True  # a sweep claims; a hand-over alone does not
        self._left_behind = False  # the last sweep had no room for every due mail
        self._handed: list[HandedMail] = []  # committed, not started yet
        self._recent: dict[uuid.UUID, None] = {}  # handed over lately (ordered, bounded)
        self._in_hand: set[uuid.UUID] = set()
        self._recording: set[uuid.UUID] = set()  # in hand, sent, outcome being recorded
        self._records: list[tuple[uuid.UUID, dict[str, Any], asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    def wake(self) -> None:
        """Sweep now: due mails may be waiting (queued elsewhere, or a retry came due)."""
        self._sweep_asked = True
        self._wake.set()

    def take_on_commit(self, uow: UnitOfWork, row: MailMessage, tenant_id: uuid.UUID) -> bool:
        """Claim the new, unflushed mail ``row`` of ``uow`` and send it once ``uow``
        commits; False when this sender has no room (counting the mails handed over in
        ``uow`` already), so the row stays for a sweep. Room is checked, not reserved:
        transactions committing side by side may hand over a few mails beyond it, which
        start at once all the same."""
        if not self.running:
            return False
        handed: list[HandedMail] | None = uow.session.info.get(_HANDED_KEY)
        if self._sending + len(self._handed) + len(handed or ()) >= self.config.concurrency:
            return False
        row.claimed_by, row.claimed_at = self.token, utcnow()
        mail = HandedMail(
            row.id, tenant_id, row.recipient, row.template, row.locale, row.data, row.secret,
            row.expires_at, 0,
        )  # fmt: skip
        self._remember(mail.id)
        if handed is None:
            handed = uow.session.info[_HANDED_KEY] = []

            async def received() -> None:
                self._handed.extend(handed)
                self._wake.set()

            uow.on_commit(received)
        handed.append(mail)
        return True

    @property
    def _sending(self) -> int:
        """Mails in hand whose send is not over (the concurrency bounds these)."""
        return len(self._in_hand) - len(self._recording)

    def handed_over(self, mail_id: uuid.UUID) -> bool:
        """Whether the mail was handed to this sender lately (asked once per mail)."""
        if mail_id not in self._recent:
            return False
        del self._recent[mail_id]
        return True

    def _remember(self, mail_id: uuid.UUID) -> None:
        self._recent[mail_id] = None
        if len(self._recent) > REMEMBER_HANDED:
            del self._recent[next(iter(self._recent))]

    async def start(self) -> None:
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._run(), name="mail-sender")
            handoff.register(self._db.write_engine.sync_engine, self)

    async def stop(self) -> None:
        """Stop sweeping; sends in progress may finish, then unsent claims are given back."""
        task, self._loop_task = self._loop_task, None
        if task is None:
            return
        handoff.unregister(self._db.write_engine.sync_engine, self)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await finish_or_cancel(list(self._sends), STOP_GRACE_SECONDS)
        with contextlib.suppress(Exception):
            async with self._db.writer(), self._db.write_engine.begin() as conn:
                await conn.execute(
                    update(MAILS)
                    .where(MAILS.c.claimed_by == self.token, MAILS.c.status.in_(UNSETTLED))
                    .values(claimed_by=None, claimed_at=None)
                )

    async def _run(self) -> None:
        purged_at = float("-inf")
        loop = asyncio.get_running_loop()
        while True:
            try:
                handed, self._handed = self._handed, []
                try:
                    await self._start(handed)
                except BaseException:
                    self._handed[:0] = handed  # started on the next round
                    raise
                if self._sweep_asked:
                    self._sweep_asked = False
                    await self.sweep()
                if loop.time() - purged_at >= PURGE_EVERY_SECONDS:
                    await self.purge()
                    purged_at = loop.time()
            except Exception as exc:  # noqa: BLE001 - the database is away: sweep again later
                _log.warning("mail sweep failed", error=f"{type(exc).__name__}: {exc}")
            try:
                async with asyncio.timeout(self.config.sweep_seconds):
                    await self._wake.wait()
            except TimeoutError:
                self._sweep_asked = True
            self._wake.clear()

    async def sweep(self) -> int:
        """Claim the due mails this sender has room for and start sending them."""
        room = self.config.concurrency - self._sending
        if room <= 0:
            self._left_behind = True
            return 0
        claimed = await self._claim(room)
        self._left_behind = len(claimed) >= room
        return await self._start(claimed)

    async def _start(self, rows: Iterable[ClaimedMail]) -> int:
        """Start sending claimed mails, with the tenants' own template versions for all of
        them read at once."""
        rows = list(rows)
        if not rows:
            return 0
        overrides = await overrides_of(self._db, {(r.tenant_id, r.template) for r in rows})
        for row in rows:
            self._in_hand.add(row.id)
            versions = overrides[(row.tenant_id, row.template)]
            task = asyncio.create_task(self._deliver_claimed(row, versions), name=f"mail:{row.id}")
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        return len(rows)

    async def _claim(self, limit: int) -> list[Row[Any]]:
        """Claim up to ``limit`` due mails; return what sending them needs of their rows."""
        now = utcnow()
        due = and_(
            MAILS.c.status.in_(UNSETTLED),
            MAILS.c.next_attempt_at <= now,
            or_(MAILS.c.claimed_by.is_(None), MAILS.c.claimed_at < now - self.config.lease),
        )
        if self._in_hand:  # ours already, though its lease ran out: being sent right now
            due = and_(due, MAILS.c.id.not_in(list(self._in_hand)))
        candidates = (
            select(MAILS.c.id).where(due).order_by(MAILS.c.next_attempt_at, MAILS.c.id).limit(limit)
        )
        if not self._db.is_sqlite:
            candidates = candidates.with_for_update(skip_locked=True)
        async with self._db.writer(), self._db.write_engine.begin() as conn:
            rows = await conn.execute(
                update(MAILS)
                .where(MAILS.c.id.in_(candidates.scalar_subquery()), due)
                .values(claimed_by=self.token, claimed_at=now)
                .returning(*CLAIMED)
            )
            return list(rows)

    async def purge(self, now: dt.datetime | None = None) -> int:
        """Delete the mails settled more than ``KEEP_SETTLED`` ago; return how many."""
        cutoff = (now or utcnow()) - KEEP_SETTLED
        async with self._db.writer(), self._db.write_engine.begin() as conn:
            result = await conn.execute(
                delete(MAILS).where(MAILS.c.status.in_(SETTLED), MAILS.c.updated_at < cutoff)
            )
        return int(result.rowcount or 0)

    async def _deliver_claimed(self, row: ClaimedMail, overrides: Overrides) -> None:
        try:
            await self.deliver(row, overrides)
        except Exception as exc:  # noqa: BLE001 - left claimed: retaken after the lease
            _log.error("mail delivery not recorded", mail_id=str(row.id), error=repr(exc))
        finally:
            self._in_hand.discard(row.id)
            self._recording.discard(row.id)
            if self._left_behind:  # room again for what the last sweep could not take
                self._left_behind = False
                self.wake()

    async def deliver(self, row: ClaimedMail, overrides: Overrides) -> str:
        """Send one mail this sender just claimed (``row``: its columns as claimed, under the
        claim), rendered with the tenant's ``overrides``; return the outcome it recorded."""
        if row.expires_at is not None and row.expires_at <= utcnow():
            return await self._settle(row, "dropped", "its token expired before it was sent")
        try:
            mail = self._render(row, overrides)
        except (SealError, TemplateError) as exc:
            return await self._settle(row, "failed", str(exc), attempted=False)
        try:
            attributes = {"mail.template": row.template, "mail.id": str(row.id)}
            with tracing_span("mail.send", SpanKind.CLIENT, **attributes):
                await self.breaker.call(lambda: self._mailer.send(mail))
        except CircuitOpenError:
            return await self._postpone(row)
        except MailRejected as exc:
            return await self._settle(row, "failed", str(exc))
        except (OSError, TimeoutError) as exc:
            return await self._retry(row, f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - refused for good, or a mail that cannot be built
            return await self._settle(row, "failed", f"{type(exc).__name__}: {exc}")
        return await self._settle(row, "sent", None)

    def _render(self, row: ClaimedMail, overrides: Overrides) -> Mail:
        values = dict(row.data)
        values.setdefault("shop_name", values.get("tenant_name", ""))  # rows queued earlier
        if row.secret is not None:
            values["token"] = self._sealer.open(row.secret, row.id)
        rendered = self._templates.render(row.template, row.locale, values, overrides)
        return Mail(
            to=row.recipient, subject=rendered.subject, text=rendered.text, html=rendered.html,
            message_id=f"<{row.id}@{self.config.message_domain}>",
        )  # fmt: skip

    async def _record(self, mail_id: uuid.UUID, **values: Any) -> None:
        """Record a mail's outcome, in one transaction with the outcomes of the mails that
        finished meanwhile (one write per batch, not per mail)."""
        self._recording.add(mail_id)  # its send is over: room for another
        done = asyncio.get_running_loop().create_future()
        self._records.append((mail_id, values, done))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._write_records(), name="mail-records")
        await done

    async def _write_records(self) -> None:
        while self._records:
            batch, self._records = self._records, []
            try:
                async with self._db.writer(), self._db.write_engine.begin() as conn:
                    for mail_id, values, _ in batch:
                        await conn.execute(
                            update(MAILS)
                            .where(MAILS.c.id == mail_id, MAILS.c.claimed_by == self.token)
                            .values(claimed_by=None, claimed_at=None, **values)
                        )
            except BaseException as exc:  # none recorded: each mail is retaken after the lease
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for _, _, done in batch:
                if not done.done():
                    done.set_result(None)

    async def _settle(
        self, row: ClaimedMail, status: str, error: str | None, *, attempted: bool = True
    ) -> str:
        values: dict[str, Any] = {"status": status, "secret": None}
        if attempted and status != "dropped":
            values["attempts"] = row.attempts + 1
        if status == "sent":
            values["sent_at"] = utcnow()
        if error is not None:  # a sent mail keeps its earlier failure, for the record
            values["last_error"] = error[:500]
        await self._record(row.id, **values)
        MAIL_OUTCOMES.labels(status).inc()
        if status != "sent":
            _log.warning("mail not sent", mail_id=str(row.id), status=status, error=error)
        return status

    async def _retry(self, row: ClaimedMail, error: str) -> str:
        attempts = row.attempts + 1
        if attempts >= self.config.max_attempts:
            return await self._settle(row, "failed", f"after {attempts} attempts: {error}")
        delay = self.config.retry_delays[attempts - 1]
        await self._record(
            row.id, status="retrying", attempts=attempts, last_error=error[:500],
            next_attempt_at=utcnow() + dt.timedelta(seconds=delay),
        )  # fmt: skip
        MAIL_OUTCOMES.labels("retried").inc()
        _log.warning("mail will be retried", mail_id=str(row.id), attempt=attempts,
                     in_seconds=delay, error=error)  # fmt: skip
        return "retrying"

    async def _postpone(self, row: ClaimedMail) -> str:
        # The breaker is open: no attempt was made, so none is spent.
        wait = max(self.breaker.retry_after(), 1.0)
        await self._record(row.id, next_attempt_at=utcnow() + dt.timedelta(seconds=wait))
        MAIL_OUTCOMES.labels("postponed").inc()
        return "postponed"
