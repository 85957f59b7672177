"""The metric families SYSTEM.md O-1 asks for, as the server names them."""

from __future__ import annotations

from typing import Final

from tests.ops.smoke import Exposition

O1_FAMILIES: Final = (
    # HTTP
    "rustok_http_requests_total",
    "rustok_http_request_duration_seconds",
    "rustok_http_requests_in_flight",
    # GraphQL
    "rustok_graphql_operations_total",
    "rustok_graphql_operation_duration_seconds",
    "rustok_graphql_errors_total",
    # Database
    "rustok_db_query_duration_seconds",
    "rustok_db_pool_connections_in_use",
    "rustok_db_pool_overflow_connections",
    "rustok_db_pool_capacity",
    "rustok_db_pool_wait_seconds",
    "rustok_db_pool_timeouts_total",
    "rustok_db_unavailable_total",
    # Events, outbox, read models
    "rustok_events_published_total",
    "rustok_events_dispatched_total",
    "rustok_events_failed_total",
    "rustok_events_dead_lettered_total",
    "rustok_events_replayed_total",
    "rustok_outbox_pending",
    "rustok_outbox_failed",
    "rustok_outbox_oldest_pending_seconds",
    "rustok_event_queue_depth",
    "rustok_event_backpressure_state",
    "rustok_event_consumer_lag_seconds",
    "rustok_index_lag_seconds",
    # Caches
    "rustok_tenant_cache_requests_total",
    "rustok_tenant_cache_evictions_total",
    "rustok_tenant_cache_entries",
    # Circuit breakers
    "rustok_circuit_breaker_state",
    "rustok_circuit_breaker_transitions_total",
    "rustok_circuit_breaker_calls_total",
    # Abuse
    "rustok_rate_limit_rejections_total",
    "rustok_login_failures_total",
    # Business
    "rustok_orders_placed_total",
    "rustok_order_revenue_minor_units_total",
    "rustok_orders_cancelled_total",
    "rustok_content_published_total",
    "rustok_carts_abandoned_total",
)
_SUFFIXES: Final = ("_bucket", "_count", "_sum", "_total", "_created")


def family_of(name: str) -> str:
    """A sample name's family: ``x_bucket``, ``x_count``, ``x_sum`` and ``x_total`` are ``x``."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def exported(exposition: Exposition, name: str) -> bool:
    """Whether ``/metrics`` declares the family of ``name`` (a labelled family that has no
    series yet is still declared, with its HELP and TYPE)."""
    return name in exposition.names or family_of(name) in exposition.names
