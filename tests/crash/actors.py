"""The processes of the crash test: ``python -m tests.crash.actors writer TOTAL | worker``.

Both read their settings from the environment. The worker is the real ``rustok worker``
loop (``run_worker``) with two test consumers whose effect is a row in ``crash_effects``
(no unique key: a second effect of one event would show as a duplicate row).
"""

from __future__ import annotations

import asyncio
import random
import sys
import uuid
from collections import Counter

from sqlalchemy import func, select, text

from rustok.bootstrap import bootstrap, load_all_settings
from rustok.cli.worker import run_worker
from rustok.core.consumer import ConsumerSpec, EventHandler
from rustok.core.context import RequestContext, use_context
from rustok.core.events import Envelope
from rustok.core.logging import configure_logging
from rustok.core.uow import UnitOfWork
from rustok.outbox.models import OutboxEvent
from tests.outbox.support import TENANT, Ticked

CONSUMERS = ("crash.alpha", "crash.beta")
THINGS = [uuid.UUID(int=i + 1) for i in range(40)]
EFFECTS_DDL = (
    "CREATE TABLE crash_effects (id BIGSERIAL PRIMARY KEY, consumer TEXT NOT NULL, "
    "event_id UUID NOT NULL, thing_id UUID NOT NULL, n INTEGER NOT NULL)"
)


def effect_of(consumer: str) -> EventHandler:
    async def record(payload: Ticked, envelope: Envelope, uow: UnitOfWork) -> None:
        await uow.session.execute(
            text(
                "INSERT INTO crash_effects (consumer, event_id, thing_id, n) "
                "VALUES (:consumer, :event_id, :thing_id, :n)"
            ),
            {"consumer": consumer, "event_id": envelope.id, "thing_id": payload.thing_id,
             "n": payload.n},
        )  # fmt: skip

    return record


async def write(total: int) -> None:
    """Commit ``total`` Ticked events in bursts of 1-20; resumes where a killed run stopped."""
    platform = bootstrap(load_all_settings(warn=False))
    rng = random.Random()
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.execute(
            select(OutboxEvent.aggregate_id, func.count())
            .where(OutboxEvent.event_type == "test.ticked")
            .group_by(OutboxEvent.aggregate_id)
        )
        next_n: Counter[uuid.UUID] = Counter({thing: int(n) for thing, n in rows if thing})
    done = sum(next_n.values())
    with use_context(RequestContext(tenant=TENANT)):
        while done < total:
            size = min(rng.randint(1, 20), total - done)
            async with platform.uow() as uow:
                raised = Counter[uuid.UUID]()
                for _ in range(size):
                    thing = rng.choice(THINGS)
                    uow.publish(Ticked(thing_id=thing, n=next_n[thing] + raised[thing]))
                    raised[thing] += 1
                await uow.commit()
            next_n.update(raised)
            done += size
            await asyncio.sleep(0.01)
    await platform.aclose()


async def work() -> None:
    platform = bootstrap(load_all_settings(warn=False))
    platform.consumers.extend(ConsumerSpec(name, (Ticked,), effect_of(name)) for name in CONSUMERS)
    try:
        await run_worker(platform, asyncio.Event())
    finally:
        await platform.aclose()


if __name__ == "__main__":
    configure_logging("console", "warning")
    if sys.argv[1] == "writer":
        asyncio.run(write(int(sys.argv[2])))
    else:
        asyncio.run(work())
