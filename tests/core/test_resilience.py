"""Circuit breaker (R-1) and retry (R-2)."""

from __future__ import annotations

import asyncio

import pytest

from rustok.core.resilience import (
    BREAKER_CALLS,
    BREAKER_STATE,
    BREAKER_TRANSITIONS,
    BreakerConfig,
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    RetryPolicy,
    retry,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Backend:
    """A dependency that counts calls and fails while ``failing``."""

    def __init__(self) -> None:
        self.calls = 0
        self.failing = False
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> str:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.failing:
            raise ConnectionError("down")
        return "ok"


def state_of(breaker: CircuitBreaker) -> CircuitState:
    return breaker.state  # a call, so mypy does not narrow the property across awaits


def _value(metric: object, *labels: str) -> float:
    return float(metric.labels(*labels)._value.get())  # type: ignore[attr-defined]


async def _fail(breaker: CircuitBreaker, backend: Backend, times: int) -> None:
    for _ in range(times):
        with pytest.raises(ConnectionError):
            await breaker.call(backend)


async def test_opens_after_five_consecutive_failures() -> None:
    clock, backend = Clock(), Backend()
    breaker = CircuitBreaker("test-open", clock=clock)
    backend.failing = True
    await _fail(breaker, backend, 4)
    backend.failing = False
    assert await breaker.call(backend) == "ok"  # a success resets the count
    backend.failing = True
    await _fail(breaker, backend, 4)
    assert state_of(breaker) is CircuitState.CLOSED
    await _fail(breaker, backend, 1)
    assert state_of(breaker) is CircuitState.OPEN
    assert _value(BREAKER_STATE, "test-open") == 2
    assert _value(BREAKER_TRANSITIONS, "test-open", "closed", "open") == 1


async def test_open_rejects_without_calling_for_the_open_period() -> None:
    clock, backend = Clock(), Backend()
    breaker = CircuitBreaker("test-reject", BreakerConfig(open_seconds=60), clock=clock)
    backend.failing = True
    await _fail(breaker, backend, 5)
    calls = backend.calls
    for _ in range(99):
        with pytest.raises(CircuitOpenError):
            await breaker.call(backend)
    with pytest.raises(CircuitOpenError) as info:
        await breaker.call(backend)
    assert info.value.code == "CIRCUIT_OPEN" and info.value.status == 503
    assert backend.calls == calls  # the dependency was never reached
    assert _value(BREAKER_CALLS, "test-reject", "rejected") == 100
    assert _value(BREAKER_CALLS, "test-reject", "failure") == 5
    clock.now += 59.9
    assert state_of(breaker) is CircuitState.OPEN and breaker.retry_after() == pytest.approx(0.1)
    clock.now += 0.1
    assert state_of(breaker) is CircuitState.HALF_OPEN


async def test_half_open_admits_exactly_three_concurrent_trials() -> None:
    clock, backend = Clock(), Backend()
    breaker = CircuitBreaker("test-half", clock=clock)
    backend.failing = True
    await _fail(breaker, backend, 5)
    clock.now += 60
    backend.failing = False
    backend.gate = asyncio.Event()
    calls_before = backend.calls
    tasks = [asyncio.create_task(breaker.call(backend)) for _ in range(10)]
    await asyncio.sleep(0.01)
    assert backend.calls - calls_before == 3  # 3 trials in flight, 7 rejected at once
    done = [t for t in tasks if t.done()]
    assert len(done) == 7
    assert all(isinstance(t.exception(), CircuitOpenError) for t in done)
    backend.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results.count("ok") == 3
    assert state_of(breaker) is CircuitState.CLOSED


async def test_two_successes_close_and_a_failure_reopens() -> None:
    clock, backend = Clock(), Backend()
    breaker = CircuitBreaker("test-close", clock=clock)
    backend.failing = True
    await _fail(breaker, backend, 5)
    clock.now += 60
    backend.failing = False
    assert await breaker.call(backend) == "ok"
    assert state_of(breaker) is CircuitState.HALF_OPEN  # one success is not enough
    assert await breaker.call(backend) == "ok"
    assert state_of(breaker) is CircuitState.CLOSED
    # Open again, then fail the first trial: straight back to open, timer restarted.
    backend.failing = True
    await _fail(breaker, backend, 5)
    clock.now += 60
    assert state_of(breaker) is CircuitState.HALF_OPEN
    await _fail(breaker, backend, 1)
    assert state_of(breaker) is CircuitState.OPEN
    assert breaker.retry_after() == pytest.approx(60)
    assert _value(BREAKER_TRANSITIONS, "test-close", "half_open", "open") == 1
    assert _value(BREAKER_TRANSITIONS, "test-close", "half_open", "closed") == 1


async def test_a_success_after_moving_on_does_not_count_twice() -> None:
    clock, backend = Clock(), Backend()
    breaker = CircuitBreaker("test-stale", clock=clock)
    backend.failing = True
    await _fail(breaker, backend, 5)
    clock.now += 60
    slow_backend = Backend()
    slow_backend.gate = asyncio.Event()
    slow = asyncio.create_task(breaker.call(slow_backend))  # a trial still in flight
    await asyncio.sleep(0)
    await _fail(breaker, backend, 1)  # another trial fails: open again
    assert state_of(breaker) is CircuitState.OPEN
    slow_backend.gate.set()
    assert await slow == "ok"  # its late success must not close the re-opened breaker
    assert state_of(breaker) is CircuitState.OPEN


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BreakerConfig(failure_threshold=0)
    with pytest.raises(ValueError, match="cannot exceed"):
        BreakerConfig(success_threshold=4, half_open_max_calls=3)


async def test_retry_retries_transient_errors_then_gives_up() -> None:
    attempts = 0

    async def flaky() -> int:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ConnectionError("blip")
        return attempts

    policy = RetryPolicy(attempts=3, base=0.001, cap=0.01, timeout=1)
    assert await retry(flaky, on=(ConnectionError,), policy=policy) == 3
    attempts = -10
    with pytest.raises(ConnectionError):
        await retry(flaky, on=(ConnectionError,), policy=policy)
    assert attempts == -7  # exactly 3 attempts


async def test_retry_bounds_each_attempt_with_a_timeout() -> None:
    calls = 0

    async def hangs() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(10)

    policy = RetryPolicy(attempts=2, base=0.001, cap=0.01, timeout=0.05)
    with pytest.raises(TimeoutError):
        await retry(hangs, on=(ConnectionError,), policy=policy)
    assert calls == 2
