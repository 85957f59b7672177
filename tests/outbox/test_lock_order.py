"""The relay's writers lock outbox rows in id order on PostgreSQL.

Lease renewal, marking rows dispatched, failed attempts, dead-lettering and release run in
concurrent transactions over overlapping rows. Each used to lock them in its own order (a
scan for renewal, the order of the failures for attempts) and PostgreSQL reported deadlocks
between renewal and failures under load (``make bench SUITES=events``): every writer now
takes its rows through ``ORDER BY id FOR UPDATE``, and attempts are written by id. What each
writer changes is checked too, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from rustok.core.platform import Platform
from rustok.outbox.claims import make_claimer
from rustok.outbox.models import OutboxEvent
from rustok.outbox.store import OutboxStore
from tests.outbox.support import raise_events

pytestmark = pytest.mark.usefixtures("settled_outbox")

Statement = tuple[str, Any]


@contextmanager
def outbox_updates(platform: Platform) -> Iterator[list[Statement]]:
    """The UPDATEs of ``sys_events`` run inside the block, with their parameters."""
    seen: list[Statement] = []

    def listener(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.startswith("UPDATE sys_events"):
            seen.append((statement, parameters))

    engines = [e.sync_engine for e in platform.db.engines]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listener)


def _event_id(parameters: Any, ids: list[uuid.UUID]) -> uuid.UUID:
    """The outbox id among a statement's parameters (a dict or a tuple, by driver)."""
    values = parameters.values() if isinstance(parameters, dict) else parameters
    (found,) = [i for i in ids if i in values or str(i) in values]
    return found


async def _rows(platform: Platform, ids: list[uuid.UUID]) -> dict[uuid.UUID, OutboxEvent]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))
        return {row.id: row for row in rows}


async def test_every_relay_writer_locks_rows_in_id_order(platform: Platform) -> None:
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(6)], per_thing=1)
    claimer = make_claimer(platform.db, "relay-a", lease_seconds=30)
    assert {c.envelope.id for c in await claimer.claim(10)} == set(ids)
    store = OutboxStore(platform.db, max_attempts=2)
    newest_first = sorted(ids, reverse=True)
    with outbox_updates(platform) as updates:
        assert await store.renew("relay-a") == 6
        failures = [(i, n, "broker said no") for n, i in enumerate(newest_first[:4])]
        assert await store.record_failures(failures) == 3  # attempts 2, 3 and 4 reach the max
        await store.mark_dispatched([newest_first[4]])
        await store.fail([newest_first[5]], "undecodable")
    renew, *attempts, dispatched, failed = updates
    assert len(attempts) == 4
    multi_row = [renew[0], dispatched[0], failed[0]]
    if platform.db.is_sqlite:
        assert all("FOR UPDATE" not in sql for sql in multi_row)  # one writer at a time
    else:
        assert all("ORDER BY sys_events.id FOR UPDATE" in sql for sql in multi_row), multi_row
        assert [_event_id(params, ids) for _, params in attempts] == sorted(newest_first[:4])
    rows = await _rows(platform, ids)
    assert [rows[i].status for i in newest_first] == [
        "pending", "failed", "failed", "failed", "dispatched", "failed",
    ]  # fmt: skip
    assert all(rows[i].claimed_by is None for i in newest_first[:5])


async def test_release_gives_back_only_its_own_claims(platform: Platform) -> None:
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(4)], per_thing=1)
    assert len(await make_claimer(platform.db, "relay-a", lease_seconds=30).claim(2)) == 2
    assert len(await make_claimer(platform.db, "relay-b", lease_seconds=30).claim(2)) == 2
    store = OutboxStore(platform.db, max_attempts=2)
    with outbox_updates(platform) as updates:
        await store.release("relay-a")
    (release,) = updates
    assert ("ORDER BY sys_events.id FOR UPDATE" in release[0]) is not platform.db.is_sqlite
    rows = await _rows(platform, ids)
    assert sorted((r.claimed_by or "-") for r in rows.values()) == ["-", "-", "relay-b", "relay-b"]
