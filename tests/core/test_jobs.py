"""The periodic job scheduler: runs every job in order, isolates failures, counts, ticks."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

import pytest
from prometheus_client import REGISTRY

from rustok.core.jobs import JobScheduler, PeriodicJob

if TYPE_CHECKING:
    from rustok.core.platform import Platform

PLATFORM = cast("Platform", object())  # the jobs here never touch it


def _runs(job: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "rustok_job_runs_total", {"periodic_job": job, "outcome": outcome}
    )
    return value or 0.0


def _items(job: str) -> float:
    return REGISTRY.get_sample_value("rustok_job_items_total", {"periodic_job": job}) or 0.0


def _running(scheduler: JobScheduler) -> bool:
    return scheduler.running  # read through a call: mypy keeps no narrowing across it


def recording(name: str, calls: list[str], items: int = 0) -> PeriodicJob:
    async def run(platform: Platform) -> int:
        assert platform is PLATFORM
        calls.append(name)
        return items

    return PeriodicJob(name, run, f"records {name}")


async def test_run_once_runs_every_job_in_order_and_a_failure_stops_no_other() -> None:
    calls: list[str] = []

    async def explode(platform: Platform) -> int:
        calls.append("t.explode")
        raise RuntimeError("disk on fire")

    scheduler = JobScheduler(
        PLATFORM,
        [
            recording("t.first", calls, items=3),
            PeriodicJob("t.explode", explode, "fails"),
            recording("t.last", calls),
        ],
        interval=60,
    )
    ok_before, failed_before, items_before = (
        _runs("t.first", "ok"), _runs("t.explode", "failed"), _items("t.first"),
    )  # fmt: skip
    outcomes = await scheduler.run_once()
    assert calls == ["t.first", "t.explode", "t.last"]
    assert [(o.job, o.items, o.error) for o in outcomes] == [
        ("t.first", 3, None),
        ("t.explode", 0, "RuntimeError: disk on fire"),
        ("t.last", 0, None),
    ]
    assert [o.ok for o in outcomes] == [True, False, True]
    assert _runs("t.first", "ok") == ok_before + 1
    assert _runs("t.explode", "failed") == failed_before + 1
    assert _items("t.first") == items_before + 3

    calls.clear()
    assert [o.job for o in await scheduler.run_once(["t.last", "t.first"])] == ["t.last", "t.first"]
    assert calls == ["t.last", "t.first"]
    with pytest.raises(KeyError, match=r"t\.nope"):
        await scheduler.run_once(["t.first", "t.nope"])
    assert calls == ["t.last", "t.first"]  # nothing ran: the names are checked first


async def test_the_timer_runs_the_jobs_until_stopped() -> None:
    calls: list[str] = []
    scheduler = JobScheduler(PLATFORM, [recording("t.tick", calls)], interval=0.02)
    await scheduler.start()
    await scheduler.start()  # a second start does not start a second timer
    assert scheduler.running
    for _ in range(200):
        if len(calls) >= 3:
            break
        await asyncio.sleep(0.01)
    await scheduler.stop()
    assert _running(scheduler) is False
    ran = len(calls)
    assert ran >= 3
    await asyncio.sleep(0.1)
    assert len(calls) == ran  # stopped means stopped
    await scheduler.stop()  # stopping twice is harmless


async def test_stop_lets_a_run_in_progress_finish() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow(platform: Platform) -> int:
        started.set()
        await release.wait()
        finished.append("slow")
        return 1

    scheduler = JobScheduler(PLATFORM, [PeriodicJob("t.slow", slow, "waits")], interval=0.01)
    await scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done()  # the run in hand is not cut off
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert finished == ["slow"]
    assert _running(scheduler) is False


async def test_without_jobs_no_timer_starts() -> None:
    scheduler = JobScheduler(PLATFORM, [], interval=0.01)
    await scheduler.start()
    assert not scheduler.running
    assert await scheduler.run_once() == []


def test_job_names_are_checked() -> None:
    calls: list[str] = []
    with pytest.raises(ValueError, match="must match"):
        recording("NoModule", calls)
    with pytest.raises(ValueError, match="share a name"):
        JobScheduler(PLATFORM, [recording("t.twin", calls), recording("t.twin", calls)], 60)
