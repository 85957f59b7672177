"""The sender's statements: a claim returns what sending its mails needs of their rows and
the tenants' own template versions are read once per claim, so a mail costs its share of
the claim and of that read, plus the statement recording its outcome (13 statements for
four mails before: a read of each row and of its template's versions)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import event

from rustok.core.context import RequestContext, use_context
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.mail.catalogue import sample_of
from rustok.mail.mail_runtime import mail_runtime
from rustok.mail.mailer import ConsoleMailer, Mail
from rustok.mail.models import MailMessage, MailTemplateOverride
from rustok.mail.queue import queue_mail
from rustok.tenancy.service import TenantService, tenant_ref
from tests.conftest import count_queries, make_settings
from tests.mail.support import mails


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # No event runtime: the test runs the sender's sweep itself.
    return make_settings(db_url, tmp_path, serve_events=False)


async def test_a_claim_of_four_mails_costs_six_statements(platform: Platform) -> None:
    tenant = tenant_ref(await TenantService(platform).get_by_slug("default"))
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            uow.session.add(
                MailTemplateOverride(
                    tenant_id=tenant.id, template="order/placed", locale="en",
                    subject="Ours: order {{ order.number }}", text="Thanks.",
                    html="<p>Thanks.</p>",
                )
            )  # fmt: skip
            for n, template in enumerate(["order/placed"] * 2 + ["order/paid"] * 2):
                queue_mail(uow, to=f"buyer{n}@example.com", template=template, locale="en",
                           data=sample_of(template))  # fmt: skip
            await uow.commit()
    runtime = mail_runtime(platform)
    assert isinstance(runtime.mailer, ConsoleMailer)
    sender = runtime.sender
    with count_queries(platform.db) as counter:
        assert await sender.sweep() == 4
        await asyncio.gather(*sender._sends)  # the sends this sweep started
    # One claim, one read of the template versions, one record per mail.
    assert len(counter.statements) == 6, counter.statements
    rows: list[MailMessage] = await mails(platform)
    assert [(m.recipient, m.status, m.attempts) for m in rows] == [
        (f"buyer{n}@example.com", "sent", 1) for n in range(4)
    ]
    subjects = {m.to: m.subject for m in runtime.mailer.sent}
    ours = f"Ours: order {sample_of('order/placed')['order']['number']}"
    assert subjects["buyer0@example.com"] == subjects["buyer1@example.com"] == ours
    assert subjects["buyer2@example.com"] == subjects["buyer3@example.com"] != ours


class GatedMailer(ConsoleMailer):
    """Sends only once the gate opens, so the mails finish together."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def send(self, mail: Mail) -> None:
        await self.gate.wait()
        await super().send(mail)


async def test_mails_that_finish_together_are_recorded_in_one_transaction(
    platform: Platform,
) -> None:
    """Before, each outcome was a write transaction of its own (four here)."""
    tenant = tenant_ref(await TenantService(platform).get_by_slug("default"))
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            for n in range(4):
                queue_mail(uow, to=f"buyer{n}@example.com", template="order/paid", locale="en",
                           data=sample_of("order/paid"))  # fmt: skip
            await uow.commit()
    sender = mail_runtime(platform).sender
    mailer = GatedMailer()
    sender._mailer = mailer
    commits: list[object] = []

    def committed(conn: object) -> None:
        commits.append(conn)

    engine = platform.db.write_engine.sync_engine
    event.listen(engine, "commit", committed)
    try:
        assert await sender.sweep() == 4
        claimed = len(commits)
        mailer.gate.set()
        await asyncio.gather(*sender._sends)
    finally:
        event.remove(engine, "commit", committed)
    assert (claimed, len(commits) - claimed) == (1, 1)  # the claim, then the four outcomes
    rows: list[MailMessage] = await mails(platform)
    assert [(m.status, m.attempts, m.claimed_by) for m in rows] == [("sent", 1, None)] * 4
    assert sorted(m.to for m in mailer.sent) == [f"buyer{n}@example.com" for n in range(4)]
