"""An in-process loading cache: moka-py storage plus single-flight async loads.

moka gives capacity (TinyLFU), time-to-live and time-to-idle. On top of it:

- **single flight**: concurrent misses for one key share one load, through a future per key
  (a waiter cannot miss the wake-up: it awaits the future itself, not a notification);
- **failed loads are not cached**: every waiter gets the exception, the next call loads again;
- **negative entries**: a load that finds nothing is remembered for a shorter TTL;
- **no stale writes**: a load that overlaps an invalidation does not store its result, and
  callers arriving after the invalidation do not wait for it: they read afresh.

moka-py's own ``@cached(wait_concurrent=True)`` is not used because it caches exceptions
(stack-notes.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from moka_py import Moka

from rustok.core.single_flight import LoadAbandoned, SingleFlight

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Negative:
    __slots__ = ()


_NEGATIVE = _Negative()
_MISSING = object()


@dataclass(frozen=True, slots=True)
class CacheObserver:
    """Hooks for metrics; every one is optional."""

    on_request: Callable[[str], None] | None = None  # "hit" | "miss" | "negative_hit"
    on_coalesced: Callable[[], None] | None = None
    on_eviction: Callable[[str], None] | None = None  # moka's cause
    on_size: Callable[[int], None] | None = None


class LoadingCache(Generic[K, V]):
    def __init__(
        self,
        *,
        capacity: int,
        ttl: float,
        tti: float,
        negative_ttl: float,
        observer: CacheObserver | None = None,
    ) -> None:
        self._observer = observer or CacheObserver()
        on_eviction = self._observer.on_eviction
        self._store: Moka[K, object] = Moka(
            capacity,
            ttl=ttl,
            tti=tti,
            eviction_listener=(lambda k, v, cause: on_eviction(cause)) if on_eviction else None,
        )
        self._negative_ttl = negative_ttl
        self._flight: SingleFlight[K, V | None] = SingleFlight()
        self._stale: set[K] = set()  # keys invalidated while their load was in flight
        # Bumped by every invalidation: what a caller derived from this cache before is not
        # trusted after it.
        self.epoch = 0

    def _count(self, result: str) -> None:
        if self._observer.on_request is not None:
            self._observer.on_request(result)

    def _report_size(self) -> None:
        if self._observer.on_size is not None:
            self._observer.on_size(self._store.count())

    def peek(self, key: K) -> V | None:
        """The cached value without loading (None for missing and negative)."""
        value = self._store.get(key, _MISSING)
        return None if value is _MISSING or value is _NEGATIVE else value  # type: ignore[return-value]

    def get_cached(self, key: K) -> tuple[bool, V | None]:
        """``(True, value)`` for a key held (value None for a negative entry), counted like
        :meth:`get`; ``(False, None)`` when :meth:`get` would load or wait: no await for a
        hit, on paths every request takes."""
        value = self._store.get(key, _MISSING)
        if value is _MISSING:
            return False, None
        if value is _NEGATIVE:
            self._count("negative_hit")
            return True, None
        self._count("hit")
        return True, value  # type: ignore[return-value]

    async def get(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The value for ``key``, loading it at most once across concurrent callers."""
        while True:
            value = self._store.get(key, _MISSING)
            if value is _NEGATIVE:
                self._count("negative_hit")
                return None
            if value is not _MISSING:
                self._count("hit")
                return value  # type: ignore[return-value]
            pending = self._flight.pending(key)
            if pending is None:
                break
            if key in self._stale:
                # The running load began before an invalidation, so its value may predate
                # the change: read afresh (not stored; the next caller loads and stores).
                self._count("miss")
                return await load()
            if self._observer.on_coalesced is not None:
                self._observer.on_coalesced()
            try:
                return await asyncio.shield(pending)
            except LoadAbandoned:
                continue  # the loader was cancelled: try again (maybe loading ourselves)
        self._count("miss")
        return await self._flight.lead(key, lambda: self._load(key, load))

    async def _load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        try:
            value = await load()
        finally:
            stale = key in self._stale
            self._stale.discard(key)
        if not stale:
            if value is None:
                self._store.set(key, _NEGATIVE, ttl=self._negative_ttl)
            else:
                self._store.set(key, value)
            self._report_size()
        return value

    def invalidate(self, *keys: K) -> None:
        self.epoch += 1
        for key in keys:
            self._store.remove(key)
            if self._flight.pending(key) is not None:
                self._stale.add(key)
        self._report_size()

    def invalidate_all(self) -> None:
        self.epoch += 1
        self._stale.update(self._flight.keys())
        self._store.clear()
        self._report_size()

    def count(self) -> int:
        self._store.run_pending_tasks()
        return self._store.count()
