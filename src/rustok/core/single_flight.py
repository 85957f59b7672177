"""Concurrent calls for one key share one run of their load (the loading cache's single
flight, for callers that keep what they load themselves).

Every waiter gets the load's result or its exception; if the caller running the load is
cancelled, the waiters run it again (one of them loads, the others wait for that one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from rustok.core.cache import LoadAbandoned

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SingleFlight(Generic[K, V]):
    def __init__(self) -> None:
        self._running: dict[K, asyncio.Future[V]] = {}

    async def run(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        while (pending := self._running.get(key)) is not None:
            try:
                return await asyncio.shield(pending)
            except LoadAbandoned:
                continue
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
