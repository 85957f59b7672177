"""Fail fast on a sick dependency, retry transient failures, bound every call (R-1, R-2).

:class:`CircuitBreaker` (our own: libraries let every caller through in half-open)::

    CLOSED --5 consecutive failures--> OPEN --60 s--> HALF_OPEN --2 successes--> CLOSED
                                         ^                 |
                                         +---a failure-----+

Open rejects at once with :class:`CircuitOpenError`, without calling the dependency.
Half-open admits at most 3 trial calls at a time; the rest are rejected like in open.
State, transitions and calls by result are Prometheus metrics labelled by dependency.

:func:`retry` retries with exponential backoff and full jitter (stamina) and bounds each
attempt with ``asyncio.timeout``.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from prometheus_client import Counter, Gauge

from rustok.core.errors import Unavailable

T = TypeVar("T")

BREAKER_STATE = Gauge(
    "rustok_circuit_breaker_state",
    "Circuit breaker state by dependency: 0 closed, 1 half-open, 2 open.",
    ["dependency"],
    multiprocess_mode="max",
)
BREAKER_TRANSITIONS = Counter(
    "rustok_circuit_breaker_transitions_total",
    "Circuit breaker state changes by dependency.",
    ["dependency", "from_state", "to_state"],
)
BREAKER_CALLS = Counter(
    "rustok_circuit_breaker_calls_total",
    "Calls through a circuit breaker by dependency and result (success, failure, rejected).",
    ["dependency", "result"],
)


class CircuitState(enum.Enum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitOpenError(Unavailable):
    """The dependency is considered down; the call was not made."""

    code = "CIRCUIT_OPEN"
    title = "Dependency unavailable"


@dataclass(frozen=True, slots=True)
class BreakerConfig:
    failure_threshold: int = 5
    success_threshold: int = 2
    open_seconds: float = 60.0
    half_open_max_calls: int = 3

    def __post_init__(self) -> None:
        if min(self.failure_threshold, self.success_threshold, self.half_open_max_calls) < 1:
            raise ValueError("breaker thresholds must be at least 1")
        if self.success_threshold > self.half_open_max_calls:
            raise ValueError("success_threshold cannot exceed half_open_max_calls")
        if self.open_seconds <= 0:
            raise ValueError("open_seconds must be positive")


class CircuitBreaker:
    """A typed async circuit breaker for one dependency (see the module docstring)."""

    def __init__(
        self,
        dependency: str,
        config: BreakerConfig | None = None,
        *,
        failure_types: tuple[type[BaseException], ...] = (Exception,),
        clock: Callable[[], float] = time.monotonic,
        on_transition: Callable[[CircuitState, CircuitState], None] | None = None,
        state_gauge: bool = True,
    ) -> None:
        self.dependency = dependency
        # False when many breakers serve one dependency (webhook endpoints): their owner
        # keeps the dependency's state gauge, which one breaker alone would overwrite.
        self._state_gauge = state_gauge
        self._on_transition = on_transition
        self.config = config or BreakerConfig()
        self._failure_types = failure_types
        self._clock = clock
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._successes = 0
        self._trials = 0
        self._opened_at = 0.0
        self._success = BREAKER_CALLS.labels(dependency, "success")
        self._failure = BREAKER_CALLS.labels(dependency, "failure")
        self._rejected = BREAKER_CALLS.labels(dependency, "rejected")
        if state_gauge:
            BREAKER_STATE.labels(dependency).set(0)

    @property
    def state(self) -> CircuitState:
        if self._state is CircuitState.OPEN and self.retry_after() <= 0:
            self._move(CircuitState.HALF_OPEN)
        return self._state

    def retry_after(self) -> float:
        """Seconds until an open breaker lets trial calls through (0 when not open)."""
        if self._state is not CircuitState.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self.config.open_seconds - self._clock())

    def _move(self, to: CircuitState) -> None:
        BREAKER_TRANSITIONS.labels(self.dependency, self._state.name.lower(), to.name.lower()).inc()
        before, self._state = self._state, to
        self._failures = self._successes = self._trials = 0
        if to is CircuitState.OPEN:
            self._opened_at = self._clock()
        if self._state_gauge:
            BREAKER_STATE.labels(self.dependency).set(to.value)
        if self._on_transition is not None:
            self._on_transition(before, to)

    def _admit(self) -> bool:
        state = self.state
        if state is CircuitState.CLOSED:
            return False
        if state is CircuitState.HALF_OPEN and self._trials < self.config.half_open_max_calls:
            self._trials += 1
            return True
        self._rejected.inc()
        raise CircuitOpenError(
            f"{self.dependency} is unavailable (circuit {state.name.lower()}); "
            f"retry in {self.retry_after():.1f} s"
        )

    async def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Run ``fn()`` through the breaker; raise :class:`CircuitOpenError` when rejected."""
        trial = self._admit()
        state_at_call = self._state
        try:
            result = await fn()
        except self._failure_types as exc:
            if isinstance(exc, CircuitOpenError):
                raise  # a nested breaker's rejection is not this dependency's failure
            self._failure.inc()
            self._on_failure(state_at_call)
            raise
        finally:
            if trial and self._state is state_at_call:
                self._trials -= 1
        self._success.inc()
        self._on_success(state_at_call)
        return result

    def _on_failure(self, state_at_call: CircuitState) -> None:
        if self._state is not state_at_call:
            return  # another call already moved the breaker; this result is stale
        if self._state is CircuitState.HALF_OPEN:
            self._move(CircuitState.OPEN)
            return
        self._failures += 1
        if self._failures >= self.config.failure_threshold:
            self._move(CircuitState.OPEN)

    def _on_success(self, state_at_call: CircuitState) -> None:
        if self._state is not state_at_call:
            return
        if self._state is CircuitState.HALF_OPEN:
            self._successes += 1
            if self._successes >= self.config.success_threshold:
                self._move(CircuitState.CLOSED)
        else:
            self._failures = 0

    def reset(self) -> None:
        """Close the breaker by hand (operator action, tests)."""
        if self._state is not CircuitState.CLOSED:
            self._move(CircuitState.CLOSED)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    base: float = 0.1
    cap: float = 5.0
    timeout: float = 5.0


async def retry(
    fn: Callable[[], Awaitable[T]],
    *,
    on: tuple[type[Exception], ...],
    policy: RetryPolicy = RetryPolicy(),
) -> T:
    """Call ``fn`` with a timeout per attempt; retry ``on`` errors (and timeouts) with jitter."""
    # Imported by the first retry (stamina brings tenacity): only the NATS transport
    # retries, and a worker without it would import them at start for nothing (~10 ms).
    import stamina

    async for attempt in stamina.retry_context(
        on=(*on, TimeoutError),
        attempts=policy.attempts,
        wait_initial=policy.base,
        wait_max=policy.cap,
        wait_jitter=policy.base,
        timeout=None,
    ):
        with attempt:
            async with asyncio.timeout(policy.timeout):
                return await fn()
    raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover
