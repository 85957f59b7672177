"""The order guard's queries seek the aggregate's events through
``(aggregate_id, status, id)`` (issue 13): SQLite without statistics took the
``(event_type, schema_version)`` index for a consumer of one type and walked every event of
that type for each aggregate of a batch (NATS batches: 50 ms a query at 5,000 events). The
statuses it looks at are spelled out and the ids bounded on both sides, so the seek ranges
over the ids in question instead of walking every event of the aggregate."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy.dialects import sqlite

from rustok.core.consumer import ConsumerSpec
from rustok.core.events import Envelope
from rustok.core.ids import new_id
from rustok.outbox.ordering import batch_elders_statement, elders_query
from tests.outbox.support import Recorder

AGGREGATE_INDEX = "USING INDEX ix_sys_events_aggregate_id_status_id (aggregate_id=? AND status=? AND id>? AND id<?)"


def _plan(template: Path, sql: str) -> list[str]:
    with sqlite3.connect(f"file:{template}?mode=ro", uri=True) as conn:
        unbound = [None] * sql.count("?")
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", unbound)]


def _event_searches(plan: list[str]) -> list[str]:
    return [step for step in plan if step.startswith("SEARCH") and "sys_events" in step]


def test_one_events_elder_check_seeks_its_aggregate(sqlite_template: Path) -> None:
    spec: ConsumerSpec = Recorder().spec()
    envelope = Envelope(
        id=new_id(), event_type="test.ticked", schema_version=1, tenant_id=uuid.uuid4(),
        occurred_at=dt.datetime.now(dt.UTC), payload={}, aggregate_id=uuid.uuid4(),
    )  # fmt: skip
    compiled = elders_query(envelope, spec).compile(
        dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True}
    )
    sql = str(compiled)
    plan = _plan(sqlite_template, sql)
    searches = _event_searches(plan)
    assert searches == [f"SEARCH sys_events {AGGREGATE_INDEX}"], plan


def test_a_batchs_elder_check_seeks_each_aggregate(sqlite_template: Path) -> None:
    statement = batch_elders_statement(frozenset({"test.ticked"}), 3)
    sql = str(statement.compile(dialect=sqlite.dialect()))
    plan = _plan(sqlite_template, sql)
    searches = _event_searches(plan)
    # Per aggregate: its nearest elders, and the events between its first and last.
    assert searches == [f"SEARCH sys_events {AGGREGATE_INDEX}"] * 6, plan
    assert batch_elders_statement(frozenset({"test.ticked"}), 3) is statement  # built once
