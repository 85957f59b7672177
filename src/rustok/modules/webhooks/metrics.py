"""Prometheus metrics of webhook deliveries (W-6).

Labels stay bounded: outcomes and breaker states are fixed sets. Endpoint ids are per
tenant and unbounded, so the per-endpoint breaker gauge carries only endpoints whose
breaker is not closed, at most :data:`MAX_ENDPOINT_SERIES` of them per process (a series
disappears when its breaker closes); ``rustok_webhook_breakers`` counts every endpoint by
state. Per-endpoint detail beyond that is in the delivery log (REST, CLI).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MAX_ENDPOINT_SERIES = 20

DELIVERIES = Counter(
    "rustok_webhook_deliveries_total",
    "Webhook attempts by outcome: succeeded, retrying (failed, will retry), failed (gave up).",
    ["outcome"],
)
ATTEMPT_DURATION = Histogram(
    "rustok_webhook_attempt_duration_seconds",
    "Duration of one webhook attempt (connect to the end of the bounded response read).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0),
)
PENDING = Gauge(
    "rustok_webhook_pending",
    "Webhook deliveries not yet succeeded or failed (every tenant).",
    multiprocess_mode="max",
)
OLDEST_PENDING = Gauge(
    "rustok_webhook_oldest_pending_seconds",
    "Age of the oldest pending webhook delivery (0 when none).",
    multiprocess_mode="max",
)
BREAKERS = Gauge(
    "rustok_webhook_breakers",
    "Endpoints with a circuit breaker in this process, by state (closed, half_open, open).",
    ["state"],
    multiprocess_mode="livesum",
)
ENDPOINT_BREAKER = Gauge(
    "rustok_webhook_endpoint_breaker_state",
    "Breaker state of endpoints whose breaker is not closed: 1 half-open, 2 open "
    f"(at most {MAX_ENDPOINT_SERIES} endpoints per process).",
    ["endpoint_id"],
    multiprocess_mode="livemax",
)
