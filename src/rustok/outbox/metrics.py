"""Prometheus metrics of the event backbone (O-1)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PUBLISHED = Counter(
    "rustok_events_published_total",
    "Events handed to the transport by the outbox relay, by type.",
    ["event_type"],
)
EVENTS_DISPATCHED = Counter(
    "rustok_events_dispatched_total",
    "Events handled by a consumer (effects and inbox row committed), by type and consumer.",
    ["event_type", "consumer"],
)
EVENTS_FAILED = Counter(
    "rustok_events_failed_total",
    "Failed attempts to handle an event, by type and consumer (relay: consumer '<relay>').",
    ["event_type", "consumer"],
)
EVENTS_PARKED = Counter(
    "rustok_events_dead_lettered_total",
    "Events a consumer parked in its dead letters after its retries, by type and consumer.",
    ["event_type", "consumer"],
)
EVENTS_REPLAYED = Counter(
    "rustok_events_replayed_total",
    "Events an operator replayed (a failed outbox row or parked dead letters), by type.",
    ["event_type"],
)
OUTBOX_PENDING = Gauge(
    "rustok_outbox_pending",
    "Outbox rows not yet dispatched.",
    multiprocess_mode="max",
)
OUTBOX_FAILED = Gauge(
    "rustok_outbox_failed",
    "Outbox rows that exhausted their attempts (dead letters of the relay).",
    multiprocess_mode="max",
)
OUTBOX_OLDEST_PENDING = Gauge(
    "rustok_outbox_oldest_pending_seconds",
    "Age of the oldest outbox row not yet dispatched (0 when none).",
    multiprocess_mode="max",
)
QUEUE_DEPTH = Gauge(
    "rustok_event_queue_depth",
    "Events in the in-process dispatch queue (taken, not yet finished by every consumer).",
    multiprocess_mode="livesum",
)
BACKPRESSURE_STATE = Gauge(
    "rustok_event_backpressure_state",
    "Dispatch queue state: 0 normal, 1 warning (>= 70 %), 2 critical (>= 90 %).",
    multiprocess_mode="livemax",
)
CONSUMER_LAG = Histogram(
    "rustok_event_consumer_lag_seconds",
    "Time from raising an event (in the committing transaction) to a consumer handling it.",
    ["consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)
