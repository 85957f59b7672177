"""Redis behind a timeout and a breaker (R-1): a Redis that accepts connections and never
answers costs a few bounded calls, then none; rate limits fall back to memory and readiness
says ``degraded``; a Redis that comes back is used again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from rustok.core.redis_guard import RedisGuard
from rustok.core.resilience import CircuitOpenError, CircuitState
from rustok.tenancy.schemas import TenantCreate, TenantUpdate
from tests.conftest import make_settings, serve_app
from tests.services import Service

UNAVAILABLE = "redis unavailable; rate limits kept in memory"
AVAILABLE = "redis available again"


class SilentRedis:
    """Accepts TCP connections and reads what comes, never answering: a hung Redis."""

    def __init__(self) -> None:
        self.received = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"redis://127.0.0.1:{port}/0"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        while data := await reader.read(65536):
            self.received += len(data)

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()


@pytest.fixture
async def silent_redis() -> AsyncIterator[SilentRedis]:
    server = SilentRedis()
    yield server
    await server.close()


def state_of(guard: RedisGuard) -> CircuitState:
    return guard.breaker.state  # a call: mypy does not narrow it across awaits


async def test_a_hung_redis_opens_the_breaker_and_limits_fall_back_to_memory(
    db_url: str, tmp_path: Path, silent_redis: SilentRedis, capsys: pytest.CaptureFixture[str]
) -> None:
    url = await silent_redis.start()
    settings = make_settings(
        db_url, tmp_path, redis_url=url, rate_limit="5/minute", serve_events=False,
        redis_breaker_open_seconds=3600,  # stays open for the whole test
    )  # fmt: skip
    app = create_app(settings, platform=bootstrap(settings))
    guard = app.platform.redis
    assert guard is not None
    async with serve_app(app) as client:
        statuses = [(await client.get("/api/tenant")).status_code for _ in range(8)]
        # Nothing hung or failed: the windows moved to memory and still hold the limit.
        assert statuses == [200] * 5 + [429] * 3
        assert state_of(guard) is CircuitState.OPEN
        asked = silent_redis.received
        assert asked > 0  # Redis was tried before the breaker opened ...
        refused = await client.get("/api/tenant")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        # ... and is not even asked now: not by the limiter, nor by an invalidation.
        tenant = await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
        await app.tenancy.tenants().update(tenant.id, TenantUpdate(name="Acme 2"))
        assert silent_redis.received == asked

        ready = await client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "degraded"
    assert body["checks"]["redis"]["detail"].startswith("redis unavailable (circuit open")
    assert body["checks"]["cache_invalidation"]["status"] == "degraded"
    assert capsys.readouterr().err.count(UNAVAILABLE) == 1


async def test_the_breaker_rejects_without_calling_and_closes_when_redis_is_back(
    redis_service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    guard = RedisGuard(redis_service.url, timeout=2.0, open_seconds=0.2)
    try:
        assert await guard.call(guard.redis.ping) is True
        redis_service.kill()
        try:
            for _ in range(3):
                with pytest.raises(guard.failures):  # refused
                    await guard.call(guard.redis.ping)
            assert state_of(guard) is CircuitState.OPEN
            assert not guard.available
            calls = 0

            async def counted() -> None:
                nonlocal calls
                calls += 1

            with pytest.raises(CircuitOpenError):
                await guard.call(counted)
            assert calls == 0
        finally:
            redis_service.start_again()
        await asyncio.sleep(guard.breaker.retry_after())  # then it lets trial calls through
        assert await guard.call(guard.redis.ping) is True
        assert await guard.call(guard.redis.ping) is True
        assert state_of(guard) is CircuitState.CLOSED
    finally:
        await guard.aclose()
    err = capsys.readouterr().err
    assert (err.count(UNAVAILABLE), err.count(AVAILABLE)) == (1, 1)


async def test_a_hung_redis_call_gives_up_after_the_timeout(silent_redis: SilentRedis) -> None:
    guard = RedisGuard(await silent_redis.start(), timeout=0.05, open_seconds=3600)
    try:
        with pytest.raises(TimeoutError):
            await guard.call(guard.redis.ping)
        assert state_of(guard) is CircuitState.CLOSED  # one failure does not open it
    finally:
        await guard.aclose()
