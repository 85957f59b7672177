"""Mail leaves through the outbox: queued by the request, sent by the ``mail`` consumer's
sender with retries, a breaker and a timeout (W-7; hardening items 9, 18)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import msgspec
from sqlalchemy import select, update

from rustok.core.settings import load_settings
from rustok.mail.mail_runtime import mail_runtime
from rustok.mail.models import MailMessage
from rustok.outbox.models import OutboxEvent
from tests.auth.helpers import make_user
from tests.conftest import outbox_settled
from tests.mail.smtp import HungSmtpServer, SmtpSink, body_of, smtp_sink, token_in
from tests.mail.support import mail_app, mails, settled_mail, trip
from tests.outbox.support import wait_until


async def test_reset_answers_alike_for_known_and_unknown_addresses_with_a_hung_server(
    db_url: str, tmp_path: Path
) -> None:
    with HungSmtpServer() as server:
        async with mail_app(db_url, tmp_path, server.port, smtp_timeout_seconds=0.5) as (
            client,
            app,
        ):
            await make_user(app.platform, "known@example.com", "customer")
            answers = [
                await client.post("/api/auth/password-reset/request", json={"email": address})
                for address in ("known@example.com", "unknown@example.com")
            ]
            assert [a.status_code for a in answers] == [202, 202]
            assert answers[0].json() == answers[1].json()
            # The request only queued the mail: no attempt finished, the server got nothing.
            [queued] = await mails(app.platform)
            assert (queued.recipient, queued.status, queued.attempts) == (
                "known@example.com",
                "queued",
                0,
            )
            assert server.received() == 0

            async def attempted() -> bool:
                [row] = await mails(app.platform)
                return row.attempts >= 1

            await wait_until(attempted, what="the sender's first attempt")
            [row] = await mails(app.platform)
            assert row.status in ("retrying", "failed")
            assert row.last_error is not None and "timed out" in row.last_error
            assert server.received() == 0  # it never greeted, so nothing was sent


async def test_mail_arrives_once_across_retries(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink(refuse=2)
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await make_user(app.platform, "retry@example.com", "customer")
            await client.post(
                "/api/auth/password-reset/request", json={"email": "retry@example.com"}
            )
            row = await settled_mail(app.platform, "retry@example.com")
            await outbox_settled(app.platform)
            assert (row.status, row.attempts, row.secret) == ("sent", 3, None)
            assert row.last_error is not None and "451" in row.last_error
            assert sink.refused == 2
            assert len(sink.to("retry@example.com")) == 1
            assert "reset-password?token=" in body_of(sink.to("retry@example.com")[0])


async def test_permanent_refusal_is_not_retried(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink(refuse=10, reply="550 5.1.1 mailbox unavailable")
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await make_user(app.platform, "gone@example.com", "customer")
            await client.post(
                "/api/auth/password-reset/request", json={"email": "gone@example.com"}
            )
            row = await settled_mail(app.platform, "gone@example.com")
            assert (row.status, row.attempts, row.secret) == ("failed", 1, None)
            assert row.last_error is not None and "550" in row.last_error
            assert sink.refused == 1
            assert mail_runtime(app.platform).breaker.state.name == "CLOSED"


async def test_retries_end_after_the_schedule(db_url: str, tmp_path: Path) -> None:
    with smtp_sink(SmtpSink()) as port:
        pass  # now nothing listens on the port: every attempt is refused
    async with mail_app(db_url, tmp_path, port, smtp_breaker_open_seconds=0.1) as (client, app):
        await make_user(app.platform, "nobody-home@example.com", "customer")
        await client.post(
            "/api/auth/password-reset/request", json={"email": "nobody-home@example.com"}
        )
        row = await settled_mail(app.platform, "nobody-home@example.com")
        assert (row.status, row.attempts, row.secret) == ("failed", 5, None)
        assert row.last_error is not None and row.last_error.startswith("after 5 attempts")


async def test_the_default_schedule_backs_off_from_10_s_to_10_min_over_5_attempts(
    db_url: str, tmp_path: Path
) -> None:
    delays = load_settings({"RUSTOK_DATA_DIR": str(tmp_path)}, warn=False).mail_retry_delays
    with smtp_sink(SmtpSink()) as port:
        pass  # now nothing listens on the port: every attempt is refused
    async with mail_app(
        db_url, tmp_path, port, mail_retry_delays=delays, smtp_breaker_open_seconds=0.1
    ) as (client, app):
        runtime = mail_runtime(app.platform)
        await make_user(app.platform, "backoff@example.com", "customer")
        before = dt.datetime.now(dt.UTC)
        await client.post("/api/auth/password-reset/request", json={"email": "backoff@example.com"})
        waits: list[tuple[float, float]] = []
        for attempt in range(1, 6):

            async def made(attempt: int = attempt) -> bool:
                [row] = await mails(app.platform)
                return row.attempts == attempt

            await wait_until(made, within=30.0, what=f"attempt {attempt}")
            after = dt.datetime.now(dt.UTC)
            [row] = await mails(app.platform)
            if attempt < 5:  # the next attempt is due its delay after this one was made
                due = _aware(row.next_attempt_at)
                waits.append(((due - after).total_seconds(), (due - before).total_seconds()))
                before = dt.datetime.now(dt.UTC)
                async with app.platform.db.write_session(all_tenants=True) as session:
                    await session.execute(update(MailMessage).values(next_attempt_at=before))
                    await session.commit()
                runtime.breaker.reset()
                runtime.sender.wake()
        [last] = await mails(app.platform)
        assert (last.status, last.attempts) == ("failed", 5)
        # Each delay lies between the times around its attempt: 10 s, 1, 5 and 10 min.
        assert len(waits) == 4
        for (low, high), delay in zip(waits, (10, 60, 300, 600), strict=True):
            assert low <= delay <= high, waits


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def test_open_breaker_postpones_without_spending_attempts(
    db_url: str, tmp_path: Path
) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            runtime = mail_runtime(app.platform)
            await trip(runtime.breaker)
            await make_user(app.platform, "later@example.com", "customer")
            await client.post(
                "/api/auth/password-reset/request", json={"email": "later@example.com"}
            )

            async def postponed() -> bool:
                [row] = await mails(app.platform)
                return row.next_attempt_at > row.created_at + dt.timedelta(seconds=30)

            await wait_until(postponed, what="the mail to be postponed")
            [row] = await mails(app.platform)
            assert (row.status, row.attempts, row.claimed_by) == ("queued", 0, None)
            ready = await client.get("/health/ready")
            assert ready.status_code == 200
            assert ready.json()["status"] == "degraded"
            assert ready.json()["checks"]["mail"]["status"] == "degraded"
            assert "circuit open" in ready.json()["checks"]["mail"]["detail"]
            assert sink.messages == []


async def test_mail_whose_token_expired_is_dropped(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            runtime = mail_runtime(app.platform)
            await trip(runtime.breaker)  # keeps it unsent while its token expires
            await make_user(app.platform, "slow@example.com", "customer")
            await client.post(
                "/api/auth/password-reset/request", json={"email": "slow@example.com"}
            )

            async def postponed() -> bool:
                [row] = await mails(app.platform)
                return row.claimed_by is None and row.next_attempt_at > row.created_at

            await wait_until(postponed, what="the mail to be postponed")
            past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            async with app.platform.db.write_session(all_tenants=True) as session:
                await session.execute(
                    update(MailMessage).values(expires_at=past, next_attempt_at=past)
                )
                await session.commit()
            runtime.breaker.reset()
            runtime.sender.wake()
            row = await settled_mail(app.platform, "slow@example.com")
            assert (row.status, row.attempts, row.secret) == ("dropped", 0, None)
            assert sink.messages == []


async def test_tokens_never_travel_in_event_payloads(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await make_user(app.platform, "secret@example.com", "customer")
            await client.post(
                "/api/auth/password-reset/request", json={"email": "secret@example.com"}
            )
            token = token_in(await sink.wait_for("secret@example.com"))
            await outbox_settled(app.platform)
            async with app.platform.db.read_session(all_tenants=True) as session:
                events = list(await session.scalars(select(OutboxEvent)))
            assert all(token not in json.dumps(e.payload) for e in events)
            [queued] = [e for e in events if e.event_type == "mail.queued"]
            [row] = await mails(app.platform)
            assert queued.payload == {"mail_id": str(row.id)}
            assert row.secret is None  # wiped once sent
            assert token not in msgspec.json.encode(row.data).decode()


async def test_settled_mails_are_purged_after_thirty_days(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            for address in ("old@example.com", "new@example.com"):
                await make_user(app.platform, address, "customer")
                await client.post("/api/auth/password-reset/request", json={"email": address})
                await settled_mail(app.platform, address)
            old = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
            async with app.platform.db.write_session(all_tenants=True) as session:
                await session.execute(
                    update(MailMessage)
                    .where(MailMessage.recipient == "old@example.com")
                    .values(updated_at=old)
                )
                await session.commit()
            assert await mail_runtime(app.platform).sender.purge() == 1
            assert [m.recipient for m in await mails(app.platform)] == ["new@example.com"]
