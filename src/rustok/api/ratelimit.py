"""General request rate limiting (A-7) with ``limits``: per client address, per user when
the request carries a valid access token, or per API key (``RUSTOK_API_KEY_RATE_LIMIT``, the
general limit by default); in memory per process, or in Redis when ``RUSTOK_REDIS_URL`` is
set. A key counts as a key only once this process has verified it (the tenant middleware
does, with a lookup); until then, and for made-up keys, its requests count against the
client address, so inventing keys never escapes the address's limit. Redis is asked
through the platform's ``RedisGuard`` (timeout + breaker, R-1): a failed or slow answer
counts the request in memory instead, and while the breaker is open the limiter does not
try Redis at all (R-3). The memory windows always count,
so the limit holds on each instance while Redis is away.

Limited responses carry ``RateLimit-Limit``/``-Remaining``/``-Reset``; refusals are 429
problems with ``Retry-After``. Health, metrics and docs are never limited.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from rustok.api.problems import PROBLEM_MEDIA_TYPE, build_problem, problem_bytes
from rustok.auth.api_keys.authenticator import KeyAuthenticator
from rustok.auth.api_keys.keys import looks_like_key
from rustok.auth.metrics import RATE_LIMIT_REJECTIONS
from rustok.auth.tokens import AccessTokens
from rustok.core.context import current_context
from rustok.core.errors import RustokError
from rustok.core.logging import get_logger
from rustok.core.redis_guard import RedisGuard
from rustok.core.settings import Settings

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Message, Receive, Scope, Send

EXEMPT_PREFIXES = ("/health", "/metrics", "/docs")
_log = get_logger("rustok.ratelimit")


def _parse(limit: str) -> list[RateLimitItem]:
    return [] if limit.strip() == "0" else parse_many(limit)


def _redis_uri(url: str) -> str:
    return "async+" + url if not url.startswith("async+") else url


class RateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, settings: Settings, tokens: AccessTokens, redis: RedisGuard | None,
        keys: KeyAuthenticator | None = None,
    ) -> None:  # fmt: skip
        self.app = app
        self._items = _parse(settings.rate_limit)
        key_limit = settings.api_key_rate_limit
        self._key_items = self._items if key_limit is None else _parse(key_limit)
        self._keys = keys
        self._tokens = tokens
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._redis = redis
        if redis is not None:
            storage: Storage = RedisStorage(
                _redis_uri(redis.url), implementation="redispy",
                socket_connect_timeout=redis.timeout, socket_timeout=redis.timeout,
            )  # fmt: skip
            self._shared = MovingWindowRateLimiter(storage)

    def _bucket(self, scope: Scope) -> tuple[str, list[RateLimitItem]]:
        """The key the request counts under, with its windows."""
        for name, value in scope["headers"]:
            if name == b"x-api-key":
                return self._key_bucket(value.decode("latin-1").strip())
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                token = value[7:].decode("latin-1").strip()
                if looks_like_key(token):
                    return self._key_bucket(token)
                try:
                    return f"user:{self._tokens.verify(token).user_id}", self._items
                except RustokError:
                    break  # an invalid token is limited like anonymous traffic
        return self._address_bucket()

    def _key_bucket(self, key: str) -> tuple[str, list[RateLimitItem]]:
        record = self._keys.verified(key) if self._keys is not None else None
        if record is None:
            return self._address_bucket()
        return f"key:{record.id}", self._key_items

    def _address_bucket(self) -> tuple[str, list[RateLimitItem]]:
        return f"ip:{current_context().client_ip or 'unknown'}", self._items

    async def _hit(
        self, key: str, items: list[RateLimitItem]
    ) -> tuple[bool, RateLimitItem, int, float]:
        """Count the request against every window; report the tightest one."""
        # Memory always counts, so it holds the recent past when Redis goes away.
        local = await self._hit_with(self._memory, key, items)
        shared, redis = self._shared, self._redis
        if shared is None or redis is None or not redis.available:
            return local
        try:
            return await redis.call(lambda: self._hit_with(shared, key, items))
        except redis.unavailable:
            return local  # the breaker counted it and logs when it opens
        except Exception as exc:  # noqa: BLE001 - a storage library error: limit locally
            _log.warning("rate limit store failed; limiting locally", error=repr(exc))
            return local

    async def _hit_with(
        self, limiter: MovingWindowRateLimiter, key: str, items: list[RateLimitItem]
    ) -> tuple[bool, RateLimitItem, int, float]:
        allowed = True
        tightest: tuple[RateLimitItem, int, float] | None = None
        for item in items:
            if not await limiter.hit(item, key):
                allowed = False
            reset, remaining = await limiter.get_window_stats(item, key)
            if tightest is None or remaining < tightest[1]:
                tightest = (item, remaining, reset)
        assert tightest is not None
        return allowed, *tightest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not (self._items or self._key_items)
            or scope["path"].startswith(EXEMPT_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        key, items = self._bucket(scope)
        if not items:
            await self.app(scope, receive, send)
            return
        allowed, item, remaining, reset_at = await self._hit(key, items)
        reset = max(1, math.ceil(reset_at - time.time()))
        headers = [
            (b"ratelimit-limit", str(item.amount).encode()),
            (b"ratelimit-remaining", str(max(0, remaining)).encode()),
            (b"ratelimit-reset", str(reset).encode()),
        ]
        if not allowed:
            RATE_LIMIT_REJECTIONS.labels("api_key" if key.startswith("key:") else "request").inc()
            await self._refuse(send, scope["path"], headers, reset)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = message.get("headers", ())
                # A more specific limit (failed sign-ins) already reported itself: keep it.
                if not any(name.lower() == b"ratelimit-limit" for name, _ in present):
                    message["headers"] = [*present, *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(
        self, send: Send, path: str, headers: list[tuple[bytes, bytes]], reset: int
    ) -> None:
        body = problem_bytes(build_problem(
            status=429, code="RATE_LIMITED", title="Too many requests",
            detail=f"request rate limit reached; retry in {reset} s", instance=path,
        ))  # fmt: skip
        await send({
            "type": "http.response.start", "status": 429,
            "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(reset).encode()), *headers],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": body})
