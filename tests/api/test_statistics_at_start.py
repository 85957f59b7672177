"""The planner's statistics at a worker's start: a database that has some serves the first
requests with them, and their refresh (an ANALYZE holding the write lock, and on SQLite the
event loop) waits until start-up is over; one that has none gets them at once."""

from __future__ import annotations

import asyncio

import pytest

from rustok.api import app as app_module
from rustok.core.platform import Platform


class _Stopped(Exception):
    """Ends the refresh loop at its first hourly wait."""


async def _first_steps(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    steps: list[str] = []
    refresh = platform.db.refresh_statistics

    async def refreshing() -> None:
        steps.append("refresh")
        await refresh()

    async def sleeping(seconds: float) -> None:
        steps.append(f"sleep {seconds:g}")
        if seconds == app_module.STATISTICS_EVERY_SECONDS:
            raise _Stopped

    monkeypatch.setattr(platform.db, "refresh_statistics", refreshing)
    real_sleep = asyncio.sleep
    monkeypatch.setattr(asyncio, "sleep", sleeping)  # the refresh loop's waits
    try:
        with pytest.raises(_Stopped):
            await app_module._refresh_statistics(platform)
    finally:
        monkeypatch.setattr(asyncio, "sleep", real_sleep)
    return steps


async def test_statistics_the_database_holds_are_refreshed_after_start_up(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    if platform.db.is_sqlite:
        assert await platform.db.has_statistics() is False  # a fresh file: none
        await platform.db.refresh_statistics()
        async with platform.db.write_engine.connect() as conn:  # a table past the threshold
            await conn.exec_driver_sql(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('index_products', NULL, '50000')"
            )
            await conn.commit()
    assert await platform.db.has_statistics() is True
    steps = await _first_steps(platform, monkeypatch)
    assert steps == ["sleep 60", "refresh", "sleep 3600"]


async def test_a_database_without_statistics_gets_them_at_start_up(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    if platform.db.is_sqlite:
        assert await platform.db.has_statistics() is False  # a fresh file: none
    else:  # autovacuum keeps PostgreSQL's own: a database that says it has none, then

        async def none() -> bool:
            return False

        monkeypatch.setattr(platform.db, "has_statistics", none)
    steps = await _first_steps(platform, monkeypatch)
    assert steps == ["refresh", "sleep 3600"]
