"""The claim's per-aggregate ordering check seeks ``(aggregate_id, status, id)`` (issue 13):
with ``(aggregate_id, status)`` only, SQLite without statistics scanned every older pending
row of every aggregate (``status_id``) for each candidate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.dialects import sqlite

from rustok.core.db import Database, utcnow
from rustok.outbox.claims import SqliteClaimer, new_claim_token


def test_the_ordering_check_of_a_claim_seeks_the_aggregates_older_rows(
    sqlite_template: Path,
) -> None:
    claimer = SqliteClaimer(
        Database(f"sqlite+aiosqlite:///{sqlite_template}"), new_claim_token(), lease_seconds=60
    )
    statement = claimer.claimable_ids(utcnow(), 100).compile(
        dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
    )
    with sqlite3.connect(f"file:{sqlite_template}?mode=ro", uri=True) as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}")]
    older = [step for step in plan if step.startswith("SEARCH older")]
    assert older == [
        "SEARCH older USING INDEX ix_sys_events_aggregate_id_status_id "
        "(aggregate_id=? AND status=? AND id<?)"
    ], plan
