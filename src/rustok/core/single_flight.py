"""Concurrent calls for one key share one run of their load: the loading cache's single
flight, and that of callers that keep what they load themselves.

Every waiter gets the load's result or its exception; if the caller running the load is
cancelled, the waiters run it again (one of them loads, the others wait for that one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LoadAbandoned(Exception):
    """The caller running a load was cancelled: its waiters load again."""


class SingleFlight(Generic[K, V]):
    def __init__(self) -> None:
        self._running: dict[K, asyncio.Future[V]] = {}

    def pending(self, key: K) -> asyncio.Future[V] | None:
        """The load of ``key`` under way, if any (await it shielded)."""
        return self._running.get(key)

    def keys(self) -> list[K]:
        return list(self._running)

    async def run(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        while (pending := self._running.get(key)) is not None:
            try:
                return await asyncio.shield(pending)
            except LoadAbandoned:
                continue
        return await self.lead(key, load)

    async def lead(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """Run ``load`` as the load of ``key`` that others wait for (none may be under way)."""
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            value = await load()
        except asyncio.CancelledError:
            future.set_exception(LoadAbandoned())
            future.exception()  # retrieved: nobody may be waiting
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            self._running.pop(key, None)
        future.set_result(value)
        return value
