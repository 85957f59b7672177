"""One circuit breaker per endpoint (R-1, W-3): a dead receiver is not called for a while,
and only its own deliveries wait. Breakers live in the sending process; their calls and
transitions add up in ``rustok_circuit_breaker_calls_total{dependency="webhooks"}`` (and
``…_transitions_total``), their states in the bounded gauges of ``metrics.py``.

``rustok_circuit_breaker_state{dependency="webhooks"}`` is one series for every endpoint:
the worst state among them, set here on every transition. The endpoint breakers do not
write it themselves — each would overwrite the others' (a new breaker reset it to closed
while another endpoint's was open). No per-endpoint or per-host label: both are chosen by
tenants, so unbounded; the per-endpoint detail is the capped ``endpoint_breaker_state``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from rustok.core.resilience import BREAKER_STATE, BreakerConfig, CircuitBreaker, CircuitState
from rustok.modules.webhooks.metrics import BREAKERS, ENDPOINT_BREAKER, MAX_ENDPOINT_SERIES

DEPENDENCY = "webhooks"


class EndpointBreakers:
    def __init__(
        self, config: BreakerConfig | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._config = config or BreakerConfig()
        self._clock = clock
        self._breakers: dict[uuid.UUID, CircuitBreaker] = {}
        self._labelled: set[uuid.UUID] = set()
        BREAKER_STATE.labels(DEPENDENCY).set(0)

    def of(self, endpoint_id: uuid.UUID) -> CircuitBreaker:
        breaker = self._breakers.get(endpoint_id)
        if breaker is None:
            breaker = CircuitBreaker(
                DEPENDENCY, self._config, clock=self._clock, state_gauge=False,
                on_transition=self._transitioned,
            )  # fmt: skip
            self._breakers[endpoint_id] = breaker
        return breaker

    def _transitioned(self, _before: CircuitState, _to: CircuitState) -> None:
        worst = max((b.state.value for b in self._breakers.values()), default=0)
        BREAKER_STATE.labels(DEPENDENCY).set(worst)

    def open_ids(self) -> list[uuid.UUID]:
        """Endpoints whose breaker rejects every call now (not half-open)."""
        return [i for i, b in self._breakers.items() if b.state is CircuitState.OPEN]

    def state_of(self, endpoint_id: uuid.UUID) -> CircuitState:
        breaker = self._breakers.get(endpoint_id)
        return CircuitState.CLOSED if breaker is None else breaker.state

    def record_metrics(self) -> None:
        counts = dict.fromkeys(CircuitState, 0)
        unhealthy: list[tuple[uuid.UUID, CircuitState]] = []
        for endpoint_id, breaker in self._breakers.items():
            state = breaker.state
            counts[state] += 1
            if state is not CircuitState.CLOSED:
                unhealthy.append((endpoint_id, state))
        for state, n in counts.items():
            BREAKERS.labels(state.name.lower()).set(n)
        # The shared dependency label shows the worst endpoint breaker.
        BREAKER_STATE.labels(DEPENDENCY).set(max((s.value for _, s in unhealthy), default=0))
        shown = {endpoint_id for endpoint_id, _ in unhealthy[:MAX_ENDPOINT_SERIES]}
        for endpoint_id in self._labelled - shown:
            ENDPOINT_BREAKER.remove(str(endpoint_id))
        for endpoint_id, state in unhealthy[:MAX_ENDPOINT_SERIES]:
            ENDPOINT_BREAKER.labels(str(endpoint_id)).set(state.value)
        self._labelled = shown
