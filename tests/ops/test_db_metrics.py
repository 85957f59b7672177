"""Pool gauges follow checkouts and checkins; a pool timeout is counted; statements are
timed by kind."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from rustok.core.db import Database
from rustok.core.db.outages import DatabaseUnavailable
from rustok.core.db_metrics import statement_kind


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_pool_gauges_follow_checkouts(db_url: str) -> None:
    db = Database(db_url, pool_size=2, max_overflow=1)
    overflow_allowed = not db.is_sqlite
    try:
        assert _value("rustok_db_pool_capacity", pool="main") == (3 if overflow_allowed else 2)
        async with db.engine.connect() as first:
            await first.exec_driver_sql("SELECT 1")
            assert _value("rustok_db_pool_connections_in_use", pool="main") == 1
            async with db.engine.connect() as second:
                await second.exec_driver_sql("SELECT 1")
                assert _value("rustok_db_pool_connections_in_use", pool="main") == 2
                assert _value("rustok_db_pool_overflow_connections", pool="main") == 0
                if overflow_allowed:
                    async with db.engine.connect() as third:
                        await third.exec_driver_sql("SELECT 1")
                        assert _value("rustok_db_pool_connections_in_use", pool="main") == 3
                        assert _value("rustok_db_pool_overflow_connections", pool="main") == 1
                    # Three connections stay open (one idle) until the queue is full again.
                    assert _value("rustok_db_pool_overflow_connections", pool="main") == 1
            assert _value("rustok_db_pool_connections_in_use", pool="main") == 1
        assert _value("rustok_db_pool_connections_in_use", pool="main") == 0
        assert _value("rustok_db_pool_overflow_connections", pool="main") == 0
    finally:
        await db.dispose()


async def test_pool_timeout_is_counted(db_url: str) -> None:
    db = Database(db_url, pool_size=1, max_overflow=0, pool_timeout=0.05)
    waits = _value("rustok_db_pool_wait_seconds_count", pool="main")
    timeouts = _value("rustok_db_pool_timeouts_total", pool="main")
    unavailable = _value("rustok_db_unavailable_total")
    try:
        async with db.engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            with pytest.raises(DatabaseUnavailable):
                async with db.engine.connect():
                    pass
    finally:
        await db.dispose()
    assert _value("rustok_db_pool_timeouts_total", pool="main") - timeouts == 1
    assert _value("rustok_db_unavailable_total") - unavailable == 1
    assert _value("rustok_db_pool_wait_seconds_count", pool="main") - waits == 1  # the held one


async def test_statements_timed_by_kind(db_url: str) -> None:
    db = Database(db_url)
    selects = _value("rustok_db_query_duration_seconds_count", kind="select")
    try:
        async with db.engine.connect() as conn:
            for _ in range(3):
                await conn.exec_driver_sql("SELECT 1")
    finally:
        await db.dispose()
    assert _value("rustok_db_query_duration_seconds_count", kind="select") - selects >= 3


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("SELECT 1", "select"),
        ("  select a FROM t", "select"),
        ("INSERT INTO t VALUES (1)", "insert"),
        ("\nUPDATE t SET a = 1", "update"),
        ("DELETE FROM t", "delete"),
        ("WITH x AS (SELECT 1) SELECT * FROM x", "other"),
        ("BEGIN IMMEDIATE", "other"),
        ("SELECTED", "select"),
        ("", "other"),
    ],
)
def test_statement_kind(statement: str, kind: str) -> None:
    assert statement_kind(statement) == kind
