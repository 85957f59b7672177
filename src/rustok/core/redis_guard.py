"""Redis behind a timeout and one circuit breaker (R-1), shared by every user of Redis.

Redis is a helper, never a dependency a request may wait for: the rate limiter falls back
to its in-memory windows and cache invalidation to this process alone. So every command is
bounded by ``RUSTOK_REDIS_TIMEOUT`` (250 ms) and counted by the process's one ``redis``
breaker; once it is open, callers skip Redis at once instead of each paying the timeout::

    rate limiter ──┐                          ┌─ ok ──────────▶ result
    invalidation ──┼─▶ breaker ─▶ timeout ─▶ Redis
    readiness ─────┘      │ open: CircuitOpenError (no call)  └─ error/timeout ─▶ failure
                          └─ 3 failures in a row open it for RUSTOK_REDIS_BREAKER_OPEN_SECONDS
                             (5 s), then 2 successful trial calls close it

The breaker's opening and closing are logged once each; ``/health/ready`` reports the
``redis`` check ``degraded`` (never 503) while Redis is unavailable.

redis-py is imported by the guard, not by this module: a process without
``RUSTOK_REDIS_URL`` never loads it (with the OpenTelemetry metrics SDK it pulls in, about a
tenth of a worker's start-up).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from rustok.core.checks import CheckResult
from rustok.core.logging import get_logger
from rustok.core.resilience import BreakerConfig, CircuitBreaker, CircuitOpenError, CircuitState

if TYPE_CHECKING:
    from redis.asyncio import Redis

T = TypeVar("T")
_log = get_logger("rustok.redis")


class RedisGuard:
    """Makes Redis clients and runs every command through the timeout and the breaker."""

    def __init__(self, url: str, *, timeout: float, open_seconds: float = 5.0) -> None:
        from redis.exceptions import RedisError

        # What a failed Redis call raises: its own errors, socket errors, and our timeout;
        # and what a caller of :meth:`call` sees when Redis was not even tried.
        self.failures: tuple[type[Exception], ...] = (RedisError, OSError, TimeoutError)
        self.unavailable: tuple[type[Exception], ...] = (CircuitOpenError, *self.failures)
        self.url = url
        self.timeout = timeout
        config = BreakerConfig(failure_threshold=3, success_threshold=2, open_seconds=open_seconds)
        self.breaker = CircuitBreaker("redis", config, on_transition=self._log_transition)
        self.redis = self.client()  # shared by the platform's own commands (publish, ping)

    def client(self) -> Redis:
        """A client for commands: connecting and every reply bounded by the timeout."""
        from redis.asyncio import Redis

        return Redis.from_url(
            self.url, socket_connect_timeout=self.timeout, socket_timeout=self.timeout
        )

    def subscriber(self) -> Redis:
        """A client for a subscription: it connects within the timeout, but its reads wait
        for the next message as long as it takes (the listener checks health itself)."""
        from redis.asyncio import Redis

        return Redis.from_url(self.url, socket_connect_timeout=self.timeout)

    @property
    def available(self) -> bool:
        """False while the breaker is open: skip Redis without trying."""
        return self.breaker.state is not CircuitState.OPEN

    async def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Run one Redis operation; raise :class:`CircuitOpenError` without calling it while
        Redis is considered down, or what the call raised (``TimeoutError`` after the
        timeout)."""

        async def bounded() -> T:
            async with asyncio.timeout(self.timeout):
                return await fn()

        return await self.breaker.call(bounded)

    async def check(self) -> CheckResult:
        """Readiness: ``degraded`` while Redis does not answer a PING (or the breaker is open)."""
        started = time.perf_counter()
        try:
            await self.call(self.redis.ping)
        except CircuitOpenError:
            return CheckResult(
                "degraded",
                detail=f"redis unavailable (circuit open, next try in "
                f"{self.breaker.retry_after():.1f} s); rate limits kept in memory",
            )
        except self.failures as exc:
            return CheckResult("degraded", detail=f"redis unavailable: {type(exc).__name__}")
        return CheckResult("ok", round((time.perf_counter() - started) * 1000, 3))

    async def aclose(self) -> None:
        await self.redis.aclose()

    def _log_transition(self, before: CircuitState, after: CircuitState) -> None:
        if before is CircuitState.CLOSED and after is CircuitState.OPEN:
            _log.warning(
                "redis unavailable; rate limits kept in memory and cache invalidation local "
                "until it answers again",
                retry_in_seconds=self.breaker.config.open_seconds,
            )
        elif after is CircuitState.CLOSED:
            _log.warning("redis available again")
