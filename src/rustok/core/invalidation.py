"""Cache invalidation across instances (T-5): tenants, sessions, grants.

A change drops its cache keys in this process at once and publishes them on a Redis channel
that every instance subscribes to, so all of them forget within about a second. Each cache
registers a handler for the keys it owns (``slug:…``, ``session:…``, …). Without Redis only
this process is told (other processes rely on events and bounded TTLs). If Redis is
unreachable the platform keeps serving from local caches, reports ``degraded``, and on
reconnecting clears them all, since invalidations may have been missed meanwhile.

Publishing, subscribing and the listener's health PINGs go through the process's
:class:`~rustok.core.redis_guard.RedisGuard` (timeout + breaker); only the wait for the next
message is unbounded. A listener that heard nothing for a while PINGs, and drops a
subscription the breaker gave up on, so a Redis that hangs is noticed and re-subscribed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from rustok.core.checks import CheckResult
from rustok.core.ids import new_id
from rustok.core.logging import get_logger
from rustok.core.redis_guard import RedisGuard

if TYPE_CHECKING:  # imported by the guard, only when Redis is configured
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

CHANNEL = "rustok:cache:invalidate"
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)
LISTEN_POLL_SECONDS = 1.0  # how often a quiet listener looks at the breaker
HEALTH_CHECK_SECONDS = 5.0  # a quiet listener PINGs this often
_log = get_logger("rustok.cache")
ALL_KEYS = "*"
Handler = Callable[[Sequence[str]], None]


class Invalidation(msgspec.Struct, frozen=True):
    origin: str
    keys: list[str]


class InvalidationBus:
    def __init__(self, guard: RedisGuard | None) -> None:
        self._handlers: list[Handler] = []
        self._guard = guard
        self._redis: Redis | None = guard.redis if guard else None
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
        assert self._guard is not None
        redis = self._redis
        message = msgspec.json.encode(Invalidation(self._origin, list(keys)))
        try:
            await self._guard.call(lambda: redis.publish(CHANNEL, message))
        except self._guard.unavailable as exc:
            self._last_error = f"publish failed: {type(exc).__name__}"
            _log.warning("cache invalidation not broadcast", error=str(exc) or repr(exc))

    async def run(self) -> None:
        """Apply other instances' invalidations until cancelled, reconnecting as needed."""
        if self._guard is None:
            return
        subscriber = self._guard.subscriber()
        attempt = 0
        try:
            while True:
                try:
                    await self._listen(subscriber)
                except self._guard.unavailable as exc:
                    lost = self._subscribed.is_set()
                    if lost or attempt == 0:  # once per outage, not per reconnect attempt
                        _log.warning("cache invalidation subscription lost", error=repr(exc))
                    self._subscribed.clear()
                    self._last_error = f"subscription lost: {type(exc).__name__}"
                    attempt = 0 if lost else attempt
                delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
                await asyncio.sleep(max(delay, self._guard.breaker.retry_after()))
                attempt += 1
        finally:
            await subscriber.aclose()

    async def _listen(self, subscriber: Redis) -> None:
        guard, redis = self._guard, self._redis
        assert guard is not None
        assert redis is not None
        async with subscriber.pubsub() as pubsub:
            await guard.call(lambda: self._subscribe(pubsub))
            # We may have missed invalidations while not subscribed.
            self._apply_locally([ALL_KEYS])
            self._subscribed.set()
            self._last_error = None
            quiet_since = asyncio.get_running_loop().time()
            while True:
                message = await pubsub.get_message(timeout=LISTEN_POLL_SECONDS)
                now = asyncio.get_running_loop().time()
                if message is not None:
                    self._apply(message)
                    quiet_since = now
                    continue
                if not guard.available:
                    raise ConnectionError("redis circuit open")
                if now - quiet_since >= HEALTH_CHECK_SECONDS:
                    await guard.call(redis.ping)  # a hung Redis sends nothing either
                    quiet_since = now

    @staticmethod
    async def _subscribe(pubsub: PubSub) -> None:
        """Subscribe and wait for Redis to confirm (sending alone proves nothing)."""
        await pubsub.subscribe(CHANNEL)
        while (reply := await pubsub.get_message(timeout=None)) is None:
            pass
        if reply.get("type") != "subscribe":
            from redis.exceptions import RedisError

            raise RedisError(f"unexpected reply to SUBSCRIBE: {reply.get('type')!r}")

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
        """Readiness: ``ok`` while subscribed (or without Redis), else ``degraded``; whether
        Redis answers is the ``redis`` check's (``RedisGuard.check``)."""
        if self._guard is None:
            return CheckResult("ok", detail="local invalidation only (no RUSTOK_REDIS_URL)")
        if not self._subscribed.is_set():
            return CheckResult("degraded", detail=self._last_error or "not subscribed yet")
        return CheckResult("ok")

    async def aclose(self) -> None:
        """Nothing to close: the Redis client is the guard's (closed by the platform)."""
