"""Cache invalidation across instances (T-5): tenants, sessions, grants.

A change drops its cache keys in this process at once and publishes them on a Redis channel
that every instance subscribes to, so all of them forget within about a second. Each cache
registers a handler for the keys it owns (``slug:…``, ``session:…``, …). Without Redis only
this process is told (other processes rely on events and bounded TTLs). If Redis is
unreachable the platform keeps serving from local caches, reports ``degraded``, and on
reconnecting clears them all, since invalidations may have been missed meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from rustok.core.checks import CheckResult
from rustok.core.ids import new_id
from rustok.core.logging import get_logger

CHANNEL = "rustok:cache:invalidate"
PUBLISH_TIMEOUT_SECONDS = 1.0
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)
_log = get_logger("rustok.cache")
ALL_KEYS = "*"
Handler = Callable[[Sequence[str]], None]


class Invalidation(msgspec.Struct, frozen=True):
    origin: str
    keys: list[str]


class InvalidationBus:
    def __init__(self, redis_url: str | None) -> None:
        self._handlers: list[Handler] = []
        self._redis: Redis | None = Redis.from_url(redis_url) if redis_url else None
        self._origin = str(new_id())
        self._subscribed = asyncio.Event()
        self._last_error: str | None = None

    @property
    def distributed(self) -> bool:
        return self._redis is not None

    def register(self, handler: Handler) -> None:
        """``handler(keys)`` drops what it owns among ``keys`` (``["*"]``: everything)."""
        self._handlers.append(handler)

    def _apply_locally(self, keys: Sequence[str]) -> None:
        for handler in self._handlers:
            handler(keys)

    async def publish(self, keys: Sequence[str]) -> None:
        """Drop ``keys`` here and tell the other instances; never raises."""
        self._apply_locally(keys)
        if self._redis is None:
            return
        message = msgspec.json.encode(Invalidation(self._origin, list(keys)))
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
                await self._redis.publish(CHANNEL, message)
        except (RedisError, OSError, TimeoutError) as exc:
            self._last_error = f"publish failed: {type(exc).__name__}"
            _log.warning("cache invalidation not broadcast", error=str(exc))

    async def run(self) -> None:
        """Apply other instances' invalidations until cancelled, reconnecting as needed."""
        if self._redis is None:
            return
        attempt = 0
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self._subscribed.clear()
                self._last_error = f"subscription lost: {type(exc).__name__}"
                _log.warning("cache invalidation subscription lost", error=str(exc))
            await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
            attempt += 1

    async def _listen(self) -> None:
        assert self._redis is not None
        async with self._redis.pubsub() as pubsub:
            await pubsub.subscribe(CHANNEL)
            # We may have missed invalidations while not subscribed.
            self._apply_locally([ALL_KEYS])
            self._subscribed.set()
            self._last_error = None
            async for message in pubsub.listen():
                self._apply(message)

    def _apply(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        try:
            change = msgspec.json.decode(message["data"], type=Invalidation)
        except msgspec.DecodeError:
            _log.warning("ignored a malformed cache invalidation")
            return
        if change.origin != self._origin:
            self._apply_locally(change.keys)

    async def wait_subscribed(self, timeout: float) -> bool:  # noqa: ASYNC109 - a bounded wait
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._subscribed.wait()
        return self._subscribed.is_set()

    async def check(self) -> CheckResult:
        """Readiness: ``ok`` while subscribed (or without Redis), else ``degraded``."""
        if self._redis is None:
            return CheckResult("ok", detail="local invalidation only (no RUSTOK_REDIS_URL)")
        started = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(1.0):
                await self._redis.ping()
        except (RedisError, OSError, TimeoutError) as exc:
            return CheckResult("degraded", detail=f"redis unreachable: {type(exc).__name__}")
        latency = (asyncio.get_running_loop().time() - started) * 1000
        if not self._subscribed.is_set():
            return CheckResult("degraded", latency, self._last_error or "not subscribed yet")
        return CheckResult("ok", round(latency, 3))

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
