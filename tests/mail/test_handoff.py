"""A mail queued where a sender runs is inserted claimed by it and handed over at the commit
(``mail/handoff.py``): the sender claims nothing for it, the ``mail`` consumer has nothing to
do (no inbox row with the memory transport), and after the send it does not sweep again
for nothing. Before, each mail cost a claim of its own, the consumer's inbox transaction and
an empty claim after the send."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.core.db import utcnow
from rustok.core.events import Envelope
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.mail.catalogue import sample_of
from rustok.mail.events import MailQueued
from rustok.mail.mail_runtime import mail_consumer, mail_runtime
from rustok.mail.models import MailMessage
from rustok.mail.queue import queue_mail
from rustok.tenancy.service import TenantService, tenant_ref
from tests.auth.helpers import make_user
from tests.conftest import make_settings, outbox_settled, serve_app
from tests.mail.smtp import SmtpSink, smtp_sink
from tests.mail.support import mails, settled_mail
from tests.outbox.support import inbox_count, wait_until


@asynccontextmanager
async def quiet_sender_app(
    db_url: str, tmp_path: Path, port: int, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, RustokApp, list[int]]]:
    """An app whose sender sweeps once at its start, then only when woken (no periodic
    sweep in the test's way), and the number of mails each of its claims took."""
    settings = make_settings(db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=port, **overrides)
    platform = bootstrap(settings, modules=[])
    sender = mail_runtime(platform).sender
    sender.config = dataclasses.replace(sender.config, sweep_seconds=3600)
    claims: list[int] = []
    claim = sender._claim

    async def counted(limit: int) -> Any:
        taken = await claim(limit)
        claims.append(len(taken))
        return taken

    sender._claim = counted  # type: ignore[method-assign]
    app = create_app(settings, platform=platform)
    async with serve_app(app) as client:
        await wait_until(lambda: _true(claims), what="the sender's first sweep")
        claims.clear()
        yield client, app, claims


async def _true(values: list[int]) -> bool:
    return bool(values)


async def test_a_mail_queued_where_the_sender_runs_is_sent_without_a_claim(
    db_url: str, tmp_path: Path
) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with quiet_sender_app(db_url, tmp_path, port) as (client, app, claims):
            await make_user(app.platform, "handed@example.com", "customer")
            asked = await client.post(
                "/api/auth/password-reset/request", json={"email": "handed@example.com"}
            )
            assert asked.status_code == 202
            row = await settled_mail(app.platform, "handed@example.com")
            await outbox_settled(app.platform)
            assert (row.status, row.attempts, row.claimed_by) == ("sent", 1, None)
            assert len(sink.to("handed@example.com")) == 1
            # No claim at all (before: one took the mail, one after the send took nothing),
            # and the consumer of its mail.queued wrote nothing (before: its inbox row).
            assert claims == []
            assert await inbox_count(app.platform, "mail") == 0


async def _queue(platform: Platform, count: int, *, commit: bool = True) -> list[uuid.UUID]:
    tenant = tenant_ref(await TenantService(platform).get_by_slug("default"))
    ids = []
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            for n in range(count):
                ids.append(
                    queue_mail(uow, to=f"n{n}@example.com", template="order/placed",
                               locale="en", data=sample_of("order/placed"))
                )  # fmt: skip
            if commit:
                await uow.commit()
    return ids


async def test_a_sender_takes_no_more_than_its_room_and_nothing_rolled_back(
    db_url: str, tmp_path: Path
) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with quiet_sender_app(db_url, tmp_path, port, mail_concurrency=2) as (
            _,
            app,
            claims,
        ):
            # Rolled back: no row, and nothing handed over (it would be sent all the same).
            await _queue(app.platform, 3, commit=False)
            assert await mails(app.platform) == []
            # Three mails in one transaction with room for two: two are handed over at the
            # commit, the third waits unclaimed for a sweep (the consumer wakes one for it).
            await _queue(app.platform, 3)

            async def all_sent() -> bool:
                rows = await mails(app.platform)
                return len(rows) == 3 and all(r.status == "sent" for r in rows)

            await wait_until(all_sent, what="the three mails to be sent")
            await outbox_settled(app.platform)
            assert sum(claims) == 1  # the third one only (before: all three)
            assert sorted(m["To"] for m in sink.messages) == [f"n{n}@example.com" for n in range(3)]
            assert await inbox_count(app.platform, "mail") == 1


async def test_the_mail_consumer_wakes_the_sender_only_for_an_unclaimed_mail(
    db_url: str, tmp_path: Path
) -> None:
    """Another process's sender may have taken the mail at its commit, or a sweep: then a
    wake would only cost an empty claim."""
    settings = make_settings(db_url, tmp_path, serve_events=False)
    platform = bootstrap(settings, modules=[])
    try:
        sender = mail_runtime(platform).sender
        spec = mail_consumer(sender)
        claimed, unclaimed, sent = await _queue(platform, 3)
        async with platform.db.write_session(all_tenants=True) as session:
            await session.execute(
                update(MailMessage)
                .where(MailMessage.id == claimed)
                .values(claimed_by="mail-elsewhere", claimed_at=MailMessage.created_at)
            )
            await session.execute(
                update(MailMessage).where(MailMessage.id == sent).values(status="sent")
            )
            await session.commit()
        wakes: list[uuid.UUID] = []
        tenant = tenant_ref(await TenantService(platform).get_by_slug("default"))
        for mail_id in (claimed, unclaimed, sent):
            sender._wake.clear()
            with use_context(RequestContext(tenant=tenant)):
                async with platform.uow() as uow:
                    await spec.handler(MailQueued(mail_id=mail_id), _queued(mail_id), uow)
            if sender._wake.is_set():
                wakes.append(mail_id)
        assert wakes == [unclaimed]
    finally:
        await platform.aclose()


def _queued(mail_id: uuid.UUID) -> Envelope:
    return Envelope(
        id=new_id(), event_type=MailQueued.event_type, schema_version=1, tenant_id=uuid.uuid4(),
        occurred_at=utcnow(), payload={"mail_id": str(mail_id)}, aggregate_id=mail_id,
    )  # fmt: skip
