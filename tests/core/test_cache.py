"""The loading cache: single flight, failures not cached, negative entries, no stale writes."""

from __future__ import annotations

import asyncio

import pytest

from rustok.core.cache import CacheObserver, LoadingCache


def make_cache(events: list[str] | None = None, negative_ttl: float = 60) -> LoadingCache[str, str]:
    return LoadingCache(
        capacity=100, ttl=300, tti=180, negative_ttl=negative_ttl,
        observer=CacheObserver(
            on_request=(events.append if events is not None else None),
            on_coalesced=(lambda: events.append("coalesced")) if events is not None else None,
        ),
    )  # fmt: skip


async def test_hundred_concurrent_misses_load_once() -> None:
    events: list[str] = []
    cache = make_cache(events)
    loads = 0
    gate = asyncio.Event()

    async def load() -> str:
        nonlocal loads
        loads += 1
        await gate.wait()
        return "value"

    tasks = [asyncio.create_task(cache.get("k", load)) for _ in range(100)]
    await asyncio.sleep(0.01)
    gate.set()
    assert await asyncio.gather(*tasks) == ["value"] * 100
    assert loads == 1
    assert events.count("miss") == 1
    assert events.count("coalesced") == 99
    assert await cache.get("k", load) == "value"
    assert events[-1] == "hit"


async def test_failed_load_wakes_every_waiter_and_is_not_cached() -> None:
    cache = make_cache()
    calls = 0
    gate = asyncio.Event()

    async def failing() -> str:
        nonlocal calls
        calls += 1
        await gate.wait()
        raise ConnectionError("db down")

    tasks = [asyncio.create_task(cache.get("k", failing)) for _ in range(20)]
    await asyncio.sleep(0.01)
    gate.set()
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=2)
    assert all(isinstance(r, ConnectionError) for r in results)
    assert calls == 1

    async def healthy() -> str:
        return "back"

    assert await cache.get("k", healthy) == "back"  # the next request retries


async def test_cancelled_loader_does_not_strand_waiters() -> None:
    cache = make_cache()
    started = asyncio.Event()

    async def slow() -> str:
        started.set()
        await asyncio.sleep(10)
        return "never"

    owner = asyncio.create_task(cache.get("k", slow))
    await started.wait()

    async def quick() -> str:
        return "quick"

    waiter = asyncio.create_task(cache.get("k", quick))
    await asyncio.sleep(0)
    owner.cancel()
    assert await asyncio.wait_for(waiter, timeout=2) == "quick"


async def test_absent_values_are_negative_entries_with_their_own_ttl() -> None:
    events: list[str] = []
    cache = make_cache(events, negative_ttl=0.2)
    calls = 0

    async def nothing() -> str | None:
        nonlocal calls
        calls += 1
        return None

    assert await cache.get("ghost", nothing) is None
    assert await cache.get("ghost", nothing) is None
    assert calls == 1
    assert events == ["miss", "negative_hit"]
    await asyncio.sleep(0.3)
    assert await cache.get("ghost", nothing) is None
    assert calls == 2


async def test_load_overlapping_an_invalidation_is_not_stored() -> None:
    cache = make_cache()
    gate = asyncio.Event()

    async def old_value() -> str:
        await gate.wait()
        return "stale"

    task = asyncio.create_task(cache.get("k", old_value))
    await asyncio.sleep(0.01)
    cache.invalidate("k")
    gate.set()
    assert await task == "stale"  # the caller gets what it loaded...

    async def new_value() -> str:
        return "fresh"

    assert await cache.get("k", new_value) == "fresh"  # ...but it was not cached


async def test_callers_after_an_invalidation_do_not_wait_for_an_older_load() -> None:
    cache = make_cache()
    gate = asyncio.Event()

    async def old_value() -> str:
        await gate.wait()
        return "stale"

    async def new_value() -> str:
        return "fresh"

    early = asyncio.create_task(cache.get("k", old_value))
    await asyncio.sleep(0.01)
    joined = asyncio.create_task(cache.get("k", new_value))  # before the change: waits
    await asyncio.sleep(0.01)
    cache.invalidate("k")
    # After it: reads afresh at once (joining the older load would wait for the gate).
    assert await asyncio.wait_for(cache.get("k", new_value), 1) == "fresh"
    gate.set()
    assert (await early, await joined) == ("stale", "stale")
    assert await cache.get("k", new_value) == "fresh"


async def test_capacity_is_bounded() -> None:
    cache: LoadingCache[int, int] = LoadingCache(capacity=50, ttl=300, tti=180, negative_ttl=60)
    for i in range(500):

        async def load(i: int = i) -> int:
            return i

        await cache.get(i, load)
    assert cache.count() <= 50


@pytest.mark.parametrize("keys", [["a"], ["a", "b"]])
async def test_invalidate_drops_keys(keys: list[str]) -> None:
    cache = make_cache()
    for key in keys:

        async def load(key: str = key) -> str:
            return key

        await cache.get(key, load)
    cache.invalidate(*keys)
    assert all(cache.peek(k) is None for k in keys)


async def test_invalidating_another_key_does_not_discard_a_load() -> None:
    cache = make_cache()
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "value"

    task = asyncio.create_task(cache.get("k", slow))
    await asyncio.sleep(0.01)
    cache.invalidate("other")
    gate.set()
    assert await task == "value"
    assert cache.peek("k") == "value"  # stored: only its own key's invalidation discards it


async def test_invalidate_all_discards_loads_in_flight() -> None:
    cache = make_cache()
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "old"

    task = asyncio.create_task(cache.get("k", slow))
    await asyncio.sleep(0.01)
    cache.invalidate_all()
    gate.set()
    assert await task == "old"
    assert cache.peek("k") is None


async def test_get_cached_answers_held_keys_only_and_counts_like_get() -> None:
    events: list[str] = []
    cache = make_cache(events)
    assert cache.get_cached("k") == (False, None)  # would load: the caller must await get()
    assert events == []

    async def load_value() -> str:
        return "value"

    async def load_nothing() -> None:
        return None

    assert await cache.get("k", load_value) == "value"
    assert await cache.get("gone", load_nothing) is None
    events.clear()
    assert cache.get_cached("k") == (True, "value")
    assert cache.get_cached("gone") == (True, None)  # a negative entry is an answer too
    assert events == ["hit", "negative_hit"]
    cache.invalidate("k")
    assert cache.get_cached("k") == (False, None)
