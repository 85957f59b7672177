"""The sender's statements: a claim returns what sending its mails needs of their rows and
the tenants' own template versions are read once per claim, so a mail costs its share of
the claim and of that read, plus the statement recording its outcome (13 statements for
four mails before: a read of each row and of its template's versions)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from rustok.core.context import RequestContext, use_context
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.mail.catalogue import sample_of
from rustok.mail.mail_runtime import mail_runtime
from rustok.mail.mailer import ConsoleMailer
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
