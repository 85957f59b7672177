"""The pipeline's per-batch work (W-3): the dispatch consumer reads a tenant's endpoints
once per transaction (a batch of events), not once per event, and sees endpoints created
before its next transaction; the records of a batch of attempts claim each endpoint's next
deliveries with one claim, shared out in the batch's order; a delivery sent at a trickle
costs the sender one claim (none again at once, none when its chain found nothing more)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncConnection

from rustok.api.app import RustokApp
from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.db import utcnow
from rustok.core.events import Envelope
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.modules.webhooks.attempts import AttemptOutcome, AttemptRecorder, TakeNext
from rustok.modules.webhooks.claims import ClaimedDelivery, DeliveryClaimer
from rustok.modules.webhooks.consumer import dispatch
from rustok.modules.webhooks.models import WebhookDelivery, WebhookEndpoint
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from rustok.tenancy.models import DEFAULT_TENANT_ID
from tests.conftest import PostgresDatabases, make_settings
from tests.modules.commerce.helpers import signed_in, tenant_context
from tests.modules.webhooks.helpers import create_webhook, deliveries, sender_of
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import Ticked, wait_until

TENANT = TenantRef(
    id=DEFAULT_TENANT_ID, slug="default", name="Default", enabled_modules=frozenset({"webhooks"})
)


async def _endpoint(platform: Platform, *, active: bool = True) -> uuid.UUID:
    async with platform.db.write_session(all_tenants=True) as session:
        endpoint = WebhookEndpoint(
            tenant_id=DEFAULT_TENANT_ID, url="https://h.example.com/", event_types=["test.*"],
            headers={}, active=active, secret="whsec_AAAA",
        )  # fmt: skip
        session.add(endpoint)
        await session.commit()
        return endpoint.id


def _ticked() -> Envelope:
    payload = Ticked(thing_id=uuid.uuid4(), n=0)
    return Envelope(
        id=uuid.uuid4(), event_type=payload.event_type, schema_version=payload.schema_version,
        tenant_id=DEFAULT_TENANT_ID, occurred_at=utcnow(), payload=msgspec.to_builtins(payload),
    )  # fmt: skip


@contextmanager
def endpoint_reads(platform: Platform) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = platform.db.write_engine.sync_engine

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if (
            statement.lstrip().upper().startswith("SELECT")
            and "FROM webhook_endpoints" in statement
        ):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


async def _dispatch(platform: Platform, envelopes: list[Envelope]) -> None:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.uow() as uow:
            for envelope in envelopes:
                await dispatch(envelope.decode_payload(), envelope, uow)
            await uow.commit()


async def _targets(platform: Platform, event_id: uuid.UUID) -> set[uuid.UUID]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(WebhookDelivery.endpoint_id).where(WebhookDelivery.event_id == event_id)
        )
        return set(rows)


async def test_dispatch_reads_endpoints_once_per_transaction(platform: Platform) -> None:
    first, second = await _endpoint(platform), await _endpoint(platform)
    await _endpoint(platform, active=False)
    batch = [_ticked() for _ in range(5)]
    with endpoint_reads(platform) as reads:
        await _dispatch(platform, batch)
        assert len(reads) == 1
        for envelope in batch:
            assert await _targets(platform, envelope.id) == {first, second}
        # An endpoint created since is seen by the next transaction.
        third = await _endpoint(platform)
        later = _ticked()
        await _dispatch(platform, [later])
        assert len(reads) == 2
    assert await _targets(platform, later.id) == {first, second, third}


async def _pending(platform: Platform, endpoint_id: uuid.UUID, count: int) -> None:
    due = utcnow() - dt.timedelta(seconds=1)
    async with platform.db.write_session(all_tenants=True) as session:
        for n in range(count):
            session.add(
                WebhookDelivery(
                    tenant_id=DEFAULT_TENANT_ID, endpoint_id=endpoint_id, event_id=uuid.uuid4(),
                    event_type="test.ticked", body="{}", status="pending", attempts=0,
                    next_attempt_at=due + dt.timedelta(milliseconds=n), created_at=due,
                )
            )  # fmt: skip
        await session.commit()


async def test_a_batch_of_records_claims_the_next_once_per_endpoint(platform: Platform) -> None:
    endpoint_id = await _endpoint(platform)
    await _pending(platform, endpoint_id, 7)
    claimer = DeliveryClaimer(platform.db, "sender-t", lease_seconds=30, concurrency=3)
    now = utcnow()
    first = await claimer.claim(now, 10)
    assert len(first) == 3
    calls: list[tuple[uuid.UUID, int]] = []

    async def claim_next(
        conn: AsyncConnection, endpoint: uuid.UUID, limit: int
    ) -> list[ClaimedDelivery]:
        calls.append((endpoint, limit))
        return await claimer.take_next(conn, endpoint, now, limit)

    recorder = AttemptRecorder(
        platform.uow, token="sender-t", schedule=(5.0,), disable_after=0, claim_next=claim_next
    )
    outcome = AttemptOutcome(now, 0.01, 204)
    wants = (TakeNext(2), None, TakeNext(1))
    results = await asyncio.gather(
        *(recorder.record(d, outcome, want) for d, want in zip(first, wants, strict=True))
    )
    assert calls == [(endpoint_id, 3)]  # one claim for the three records
    assert [status for status, _ in results] == ["succeeded"] * 3
    assert [len(following) for _, following in results] == [2, 0, 1]
    taken = [d.id for _, following in results for d in following]
    assert len(set(taken)) == 3 and not set(taken) & {d.id for d in first}
    async with platform.db.read_session(all_tenants=True) as session:
        rows = (await session.execute(select(WebhookDelivery))).scalars().all()
    by_id = {row.id: row for row in rows}
    assert {by_id[d.id].status for d in first} == {"succeeded"}
    assert {by_id[i].claimed_by for i in taken} == {"sender-t"}
    assert sum(1 for row in rows if row.claimed_by is not None) == 3


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # No poll within the test: every claim is one the sender was woken for.
    return make_settings(
        db_url, tmp_path, rate_limit="0", webhooks_allow_private=True,
        webhooks_timeout_seconds=2.0, outbox_poll_interval=30.0,
    )  # fmt: skip


async def test_a_delivery_at_a_trickle_costs_one_claim(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    sender = sender_of(app)
    claims: list[int] = []
    claim = sender.claimer.claim

    async def counted(now: dt.datetime, limit: int, excluded: Any = ()) -> list[ClaimedDelivery]:
        found = await claim(now, limit, excluded)
        claims.append(len(found))
        return found

    sender.claimer.claim = counted  # type: ignore[method-assign]
    async with receiving(status=204) as receiver:
        await create_webhook(client, admin, receiver.url, event_types=["test.ticked"])
        for n in range(3):
            claims.clear()
            with use_context(await tenant_context(app)):
                async with app.platform.uow() as uow:
                    uow.publish(Ticked(thing_id=uuid.uuid4(), n=n))
                    await uow.commit()

            async def recorded(count: int = n + 1) -> bool:
                done = await deliveries(app.platform, WebhookDelivery.status == "succeeded")
                return len(receiver.received) == count and len(done) == count

            await wait_until(recorded, what="the delivery sent and recorded")
            await asyncio.sleep(0.2)  # a claim that was to follow has run by now
            # Woken by the commit: one claim, which took it; its chain found nothing more.
            assert claims == [1], claims


async def test_deliveries_written_through_another_engine_wake_the_sender_on_postgres(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    """The sender ignores the notifications of its own engine (woken in-process already),
    not those of another platform's (as `rustok serve` next to `rustok worker`)."""
    url = postgres_databases.url_of(postgres_databases.create())
    sending = bootstrap(
        make_settings(url, tmp_path, outbox_poll_interval=60, webhooks_allow_private=True)
    )
    writing = bootstrap(make_settings(url, tmp_path))
    sender = webhooks_runtime(sending).sender
    try:
        async with receiving(status=204) as receiver:
            async with writing.db.write_session(all_tenants=True) as session:
                session.add(
                    WebhookEndpoint(
                        tenant_id=DEFAULT_TENANT_ID, url=receiver.url, event_types=["test.*"],
                        headers={}, active=True, secret="whsec_AAAA",
                    )
                )  # fmt: skip
                await session.commit()
            await sender.start()
            await asyncio.sleep(0.5)  # listening, past its first (start-up) claim
            started = asyncio.get_running_loop().time()
            await _dispatch(writing, [_ticked()])

            async def sent() -> bool:
                return len(receiver.received) == 1

            await wait_until(sent, within=10, what="the notified sender")
            assert asyncio.get_running_loop().time() - started < 5  # far below the 60 s poll
    finally:
        await sender.stop()
        await sending.aclose()
        await writing.aclose()
