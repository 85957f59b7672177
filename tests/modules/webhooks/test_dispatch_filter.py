"""``webhooks.dispatch`` skips the events of tenants without an endpoint with one read for
many events, and loses no delivery to an endpoint created around an event: in this process
or another one, before the event, or right after it while the event waits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.core.events import Envelope
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.modules.webhooks.consumer import CONSUMER, DispatchConsumers
from rustok.modules.webhooks.endpoint_tenants import endpoint_tenants
from rustok.modules.webhooks.models import WebhookDelivery
from rustok.modules.webhooks.schemas import WebhookCreate
from rustok.modules.webhooks.service import WebhookService
from rustok.outbox.claims import to_claimed
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import DispatchTicket, EventDispatcher
from rustok.outbox.models import OutboxEvent
from tests.conftest import count_queries
from tests.outbox.support import TENANT, Ticked, driver_queries, inbox_count

Lane = asyncio.Queue[tuple[Envelope, DispatchTicket]]


def _runner(platform: Platform, order_guard: bool = False) -> ConsumerRunner:
    (spec,) = [s for s in DispatchConsumers() if s.name == CONSUMER]
    return ConsumerRunner(spec, platform.db, platform.uow, lanes=1, max_attempts=1,
                          order_guard=order_guard, tenants=platform.tenants)  # fmt: skip


async def _tick(platform: Platform, count: int = 1) -> list[Envelope]:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.uow() as uow:
            ids = [uow.publish(Ticked(thing_id=uuid.uuid4(), n=n)).id for n in range(count)]
            await uow.commit()
    async with platform.db.read_session(all_tenants=True) as session:
        rows = {
            r.id: r
            for r in await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))
        }
    return [to_claimed(rows[i]).envelope for i in ids]


def _arrive(envelopes: Sequence[Envelope], finished: list[bool]) -> Lane:
    """The events reach this process now: queued in one lane with their tickets."""
    queue: Lane = asyncio.Queue()

    class Collector:
        def enqueue(self, envelope: Envelope, ticket: DispatchTicket) -> None:
            queue.put_nowait((envelope, ticket))

    dispatcher = EventDispatcher(100)
    for envelope in envelopes:
        dispatcher.submit(envelope, [Collector()], finished.append)  # type: ignore[list-item]
    return queue


async def _handle(runner: ConsumerRunner, queue: Lane) -> None:
    while not queue.empty():
        await runner._handle(queue, *queue.get_nowait())


async def _create_endpoint(platform: Platform) -> uuid.UUID:
    with use_context(RequestContext(tenant=TENANT)):
        created = await WebhookService(platform).create(
            WebhookCreate(url="http://127.0.0.1:9/hook", event_types=["test.ticked"])
        )
    return created.id


async def _delivered(platform: Platform, event_id: uuid.UUID) -> list[uuid.UUID]:
    async with platform.db.read_session(all_tenants=True) as session:
        return list(
            await session.scalars(
                select(WebhookDelivery.endpoint_id).where(WebhookDelivery.event_id == event_id)
            )
        )


@pytest.mark.parametrize("order_guard", [False, True], ids=["memory", "broker"])
async def test_events_of_a_tenant_without_endpoints_cost_one_read(
    platform: Platform, order_guard: bool
) -> None:
    runner = _runner(platform, order_guard)
    finished: list[bool] = []
    envelopes = await _tick(platform, 20)
    queue = _arrive(envelopes, finished)
    with count_queries(platform.db) as counter:
        await _handle(runner, queue)
    assert finished == [True] * 20
    endpoint_reads = [s for s in counter.statements if "webhook_endpoints" in s]
    assert len(endpoint_reads) == 1, counter.statements
    assert endpoint_tenants(platform.db).reads == 1
    # Behind a broker they are recorded (the order guard reads the inbox) in one statement,
    # without the order guard's query (they run nothing: nothing waits for their elders);
    # with the memory transport nothing is written at all.
    inbox_writes = [s for s in counter.statements if s.startswith("INSERT INTO sys_event_inbox")]
    assert len(inbox_writes) == (1 if order_guard else 0), counter.statements
    assert [s for s in counter.statements if "sys_events" in s] == []
    assert await inbox_count(platform, CONSUMER) == (20 if order_guard else 0)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.parametrize("count", [1, 20])
async def test_events_of_a_tenant_without_endpoints_take_no_transaction_on_postgres(
    platform: Platform, count: int
) -> None:
    """Behind a broker, the endpoint read and the inbox rows are one statement each, in
    autocommit: no BEGIN and ROLLBACK around the read, no BEGIN and COMMIT around the rows
    (each a round trip), for an event alone as for a batch."""
    runner = _runner(platform, order_guard=True)
    finished: list[bool] = []
    envelopes = await _tick(platform, count)
    with driver_queries(platform) as sent:
        await _handle(runner, _arrive(envelopes, finished))
    assert finished == [True] * count
    control = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK"}
    assert not control & {q.split()[0].upper().rstrip(";") for q in sent}, sent
    assert endpoint_tenants(platform.db).reads == 1
    assert await inbox_count(platform, CONSUMER) == count


async def test_an_event_after_an_endpoint_of_another_process_reaches_it(
    platform: Platform, settings: Settings, test_modules: list[ModuleSpec]
) -> None:
    runner = _runner(platform)
    finished: list[bool] = []
    await _handle(runner, _arrive(await _tick(platform), finished))  # no endpoint yet: read
    other_process = bootstrap(settings, modules=test_modules)
    try:
        endpoint = await _create_endpoint(other_process)  # this process is not told
    finally:
        await other_process.aclose()
    (event,) = await _tick(platform)
    await _handle(runner, _arrive([event], finished))
    assert await _delivered(platform, event.id) == [endpoint]
    assert finished == [True, True]


async def test_an_endpoint_created_right_after_an_event_gets_it(platform: Platform) -> None:
    runner = _runner(platform)
    finished: list[bool] = []
    (first,) = await _tick(platform)
    waiting = _arrive([first], finished)  # arrived; waits behind other work
    # Another event arrives and is handled: the set is read after ``first`` arrived, with
    # no endpoint in it.
    await _handle(runner, _arrive(await _tick(platform), finished))
    endpoint = await _create_endpoint(platform)  # right after: this process drops the set
    await _handle(runner, waiting)
    assert await _delivered(platform, first.id) == [endpoint]
    assert finished == [True] * 2
