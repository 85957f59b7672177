"""Concurrent calls for one key share one load; errors reach every waiter and are not kept;
a cancelled loader's waiters load again."""

from __future__ import annotations

import asyncio
import functools

import pytest

from rustok.core.single_flight import SingleFlight


async def test_concurrent_calls_share_one_load_and_other_keys_load_apart() -> None:
    flight: SingleFlight[str, int] = SingleFlight()
    loads: list[str] = []
    gate = asyncio.Event()

    async def load(key: str) -> int:
        loads.append(key)
        await gate.wait()
        return len(key)

    calls = [asyncio.create_task(flight.run(k, functools.partial(load, k))) for k in "aaaaa"]
    calls.append(asyncio.create_task(flight.run("bb", functools.partial(load, "bb"))))
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*calls) == [1, 1, 1, 1, 1, 2]
    assert sorted(loads) == ["a", "bb"]
    assert await flight.run("a", lambda: load("a")) == 1  # done: the next call loads again
    assert loads.count("a") == 2


async def test_an_error_reaches_every_waiter_and_the_next_call_loads_again() -> None:
    flight: SingleFlight[str, int] = SingleFlight()
    gate = asyncio.Event()
    runs = 0

    async def failing() -> int:
        nonlocal runs
        runs += 1
        await gate.wait()
        raise LookupError("gone")

    calls = [asyncio.create_task(flight.run("k", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert [type(r) for r in results] == [LookupError] * 3 and runs == 1

    async def working() -> int:
        return 7

    assert await flight.run("k", working) == 7


async def test_a_cancelled_loader_leaves_its_waiters_to_load_again() -> None:
    flight: SingleFlight[str, str] = SingleFlight()
    started = asyncio.Event()
    runs: list[str] = []

    async def slow() -> str:
        runs.append("slow")
        started.set()
        await asyncio.sleep(3600)
        return "never"

    async def quick() -> str:
        runs.append("quick")
        return "loaded"

    loader = asyncio.create_task(flight.run("k", slow))
    await started.wait()
    waiter = asyncio.create_task(flight.run("k", quick))
    await asyncio.sleep(0)
    loader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loader
    assert await waiter == "loaded"
    assert runs == ["slow", "quick"]
