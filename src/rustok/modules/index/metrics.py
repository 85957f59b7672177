"""Read-model metrics: how far the storefront trails the writes."""

from __future__ import annotations

from prometheus_client import Histogram

INDEX_LAG = Histogram(
    "rustok_index_lag_seconds",
    "Time from a write's event (its transaction) to its read model reflecting it.",
    ["read_model"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)
