"""``rustok_circuit_breaker_state{dependency="webhooks"}`` is one series for every endpoint
breaker: it shows the worst of them, whichever endpoint moved last (each breaker used to
write it, so a new or recovering endpoint hid another one's open breaker)."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client import REGISTRY

from rustok.core.resilience import BreakerConfig, CircuitBreaker, CircuitOpenError
from rustok.modules.webhooks.breakers import EndpointBreakers

pytestmark = pytest.mark.sql_free


def _gauge() -> float | None:
    return REGISTRY.get_sample_value("rustok_circuit_breaker_state", {"dependency": "webhooks"})


async def _fail(breaker: CircuitBreaker) -> None:
    async def refused() -> None:
        raise ConnectionError("refused")

    with pytest.raises(ConnectionError):
        await breaker.call(refused)


async def _succeed(breaker: CircuitBreaker) -> None:
    async def answered() -> None:
        return None

    await breaker.call(answered)


async def test_the_dependency_state_is_the_worst_endpoint_breaker() -> None:
    now = [0.0]
    config = BreakerConfig(failure_threshold=1, success_threshold=1, half_open_max_calls=1,
                           open_seconds=10)  # fmt: skip
    breakers = EndpointBreakers(config, clock=lambda: now[0])
    dead, flaky = uuid.uuid4(), uuid.uuid4()
    breakers.of(dead)
    assert _gauge() == 0
    await _fail(breakers.of(dead))
    assert _gauge() == 2  # open
    breakers.of(flaky)  # a breaker for another endpoint starts closed ...
    assert _gauge() == 2  # ... and does not hide the open one
    await _fail(breakers.of(flaky))
    now[0] = 11.0  # both may try again (half-open)
    await _succeed(breakers.of(flaky))  # the flaky endpoint recovers: closed
    assert _gauge() == 1  # the dead one is half-open, not closed
    await _fail(breakers.of(dead))  # its trial fails: open again
    assert _gauge() == 2
    with pytest.raises(CircuitOpenError):
        await breakers.of(dead).call(_succeed_never)


async def _succeed_never() -> None:
    raise AssertionError("an open breaker let a call through")
