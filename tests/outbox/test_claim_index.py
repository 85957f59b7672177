"""The claim's per-aggregate ordering check seeks ``(aggregate_id, status, id)`` (issue 13):
with ``(aggregate_id, status)`` only, SQLite without statistics scanned every older pending
row of every aggregate (``status_id``) for each candidate."""

from __future__ import annotations

import shutil
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


async def test_statistics_of_a_small_outbox_do_not_make_a_claim_scan_it(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """Statistics taken at start-up said ``sys_events`` held a row or two, and for as long
    as they stood every claim scanned the whole, growing outbox under the writer lock."""
    path = tmp_path / "rustok.db"
    shutil.copyfile(sqlite_template, path)
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await db.refresh_statistics()
    finally:
        await db.dispose()
    claimer = SqliteClaimer(db, new_claim_token(), lease_seconds=60)
    claim = claimer._statement.compile(dialect=sqlite.dialect())
    values = claim.construct_params(claimer._params(100))
    params = [str(values[name]) for name in claim.positiontup or ()]
    with sqlite3.connect(path) as conn:  # a new connection loads the statistics
        stats = conn.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'sys_events'")
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {claim}", params)]
    assert [step for step in plan if step.startswith("SCAN")] == [], plan
    assert stats.fetchone() == (0,)
