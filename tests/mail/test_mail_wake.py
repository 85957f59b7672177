"""The ``mail`` consumer only wakes the sender: a queued mail is sent without an inbox row
(a write transaction per batch of ``mail.queued`` events before)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import RequestContext, use_context
from rustok.mail.catalogue import sample_of
from rustok.mail.queue import queue_mail
from rustok.outbox.models import InboxRecord
from tests.mail.support import settled_mail
from tests.outbox.support import TENANT


async def test_a_queued_mail_is_sent_and_the_mail_consumer_records_nothing(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    platform = app.platform
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.uow() as uow:
            queue_mail(uow, to="buyer@example.com", template="order/paid", locale="en",
                       data=sample_of("order/paid"))  # fmt: skip
            await uow.commit()
    sent = await settled_mail(platform, "buyer@example.com")
    assert (sent.status, sent.attempts) == ("sent", 1)
    async with platform.db.read_session(all_tenants=True) as session:
        inbox = list(await session.scalars(select(InboxRecord.consumer)))
    assert "mail" not in inbox
