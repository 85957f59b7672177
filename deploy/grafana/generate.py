"""Generate RusToK's Grafana dashboards (``dashboards/*.json``) from the definitions below.

Run ``.venv/bin/python deploy/grafana/generate.py`` after changing them; a test checks that
the checked-in JSON is this script's output and that every metric a query reads is one the
server exports. Plain Grafana dashboard JSON (schema 39), no SDK: every panel is a time
series or a stat over the Prometheus data source chosen in the ``datasource`` variable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""


@dataclass(frozen=True)
class Panel:
    title: str
    queries: tuple[Query, ...]
    unit: str = "short"
    kind: str = "timeseries"  # or "stat"
    description: str = ""
    width: int = 12


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    panels: tuple[Panel, ...]
    tags: tuple[str, ...] = field(default=("rustok",))


def q(expr: str, legend: str = "") -> Query:
    return Query(expr, legend)


def _legend(by: str) -> str:
    return " ".join("{{" + label.strip() + "}}" for label in by.split(","))


def _select(metric: str, selector: str) -> str:
    return f"{metric}{{{selector}}}" if selector else metric


def rate(metric: str, by: str, selector: str = "") -> Query:
    """Per-second rate of a counter, summed by ``by`` (comma-separated labels)."""
    expr = f"sum by ({by}) (rate({_select(metric, selector)}[$__rate_interval]))"
    return Query(expr, _legend(by))


def hourly(metric: str, by: str) -> Query:
    """How much a counter grew over the last hour, by ``by``."""
    return Query(f"sum by ({by}) (increase({metric}[1h]))", _legend(by))


def quantile(level: float, metric: str, by: str, selector: str = "") -> Query:
    """A quantile of a histogram, by ``by``."""
    buckets = _select(f"{metric}_bucket", selector)
    expr = f"histogram_quantile({level}, sum by (le, {by}) (rate({buckets}[$__rate_interval])))"
    return Query(expr, _legend(by))


def gauge(metric: str, by: str, how: str = "sum") -> Query:
    return Query(f"{how} by ({by}) ({metric})", _legend(by))


JOB = 'job=~"$job"'
ERRORS = JOB + ',status=~"5.."'
HTTP = "rustok_http_requests_total"
ROUTE = "method, route"

DASHBOARDS = (
    Dashboard(
        "rustok-overview",
        "RusToK / Overview",
        "Rate, errors and duration per route template (REST) and per operation type (GraphQL).",
        (
            Panel("Requests per second by route", (rate(HTTP, ROUTE, JOB),), unit="reqps"),
            Panel(
                "5xx ratio by route",
                (
                    Query(
                        f"{rate(HTTP, ROUTE, ERRORS).expr} / {rate(HTTP, ROUTE, JOB).expr}",
                        _legend(ROUTE),
                    ),
                ),
                unit="percentunit",
            ),
            Panel(
                "p95 latency by route",
                (quantile(0.95, "rustok_http_request_duration_seconds", ROUTE, JOB),),
                unit="s",
            ),
            Panel(
                "p99 latency by route",
                (quantile(0.99, "rustok_http_request_duration_seconds", ROUTE, JOB),),
                unit="s",
            ),
            Panel("Responses by status", (rate(HTTP, "status", JOB),), unit="reqps"),
            Panel(
                "Requests in flight",
                (gauge(_select("rustok_http_requests_in_flight", JOB), "instance"),),
            ),
            Panel(
                "GraphQL operations by type and outcome",
                (rate("rustok_graphql_operations_total", "operation_type, outcome", JOB),),
                unit="ops",
            ),
            Panel(
                "GraphQL errors by code",
                (rate("rustok_graphql_errors_total", "code", JOB),),
                unit="ops",
            ),
            Panel(
                "GraphQL p95 duration by operation type",
                (quantile(0.95, "rustok_graphql_operation_duration_seconds", "operation_type"),),
                unit="s",
            ),
            Panel("Targets up", (q('up{job=~"rustok-.*"}', "{{job}} {{instance}}"),), kind="stat"),
        ),
    ),
    Dashboard(
        "rustok-events",
        "RusToK / Events and outbox",
        "The outbox relay, the dispatch queue, consumers, dead letters and read-model lag.",
        (
            Panel(
                "Events published by type",
                (rate("rustok_events_published_total", "event_type"),),
                unit="ops",
            ),
            Panel(
                "Events handled by consumer",
                (rate("rustok_events_dispatched_total", "consumer"),),
                unit="ops",
            ),
            Panel(
                "Failed handling attempts by consumer",
                (rate("rustok_events_failed_total", "consumer"),),
                unit="ops",
            ),
            Panel(
                "Dead letters parked and events replayed per hour",
                (
                    hourly("rustok_events_dead_lettered_total", "consumer"),
                    hourly("rustok_events_replayed_total", "event_type"),
                ),
            ),
            Panel(
                "Outbox rows pending and failed",
                (
                    q("max(rustok_outbox_pending)", "pending"),
                    q("max(rustok_outbox_failed)", "failed"),
                ),
            ),
            Panel(
                "Oldest pending outbox row",
                (q("max(rustok_outbox_oldest_pending_seconds)", "age"),),
                unit="s",
                description="RustokRelayLagging: above 60 s (RUSTOK_RELAY_LAG_DEGRADED_SECONDS)",
            ),
            Panel("Dispatch queue depth", (gauge("rustok_event_queue_depth", "instance"),)),
            Panel(
                "Backpressure state (0 normal, 1 warning, 2 critical)",
                (gauge("rustok_event_backpressure_state", "instance", "max"),),
            ),
            Panel(
                "p95 consumer lag",
                (quantile(0.95, "rustok_event_consumer_lag_seconds", "consumer"),),
                unit="s",
            ),
            Panel(
                "p95 read-model lag",
                (quantile(0.95, "rustok_index_lag_seconds", "read_model"),),
                unit="s",
            ),
            Panel(
                "Webhook deliveries by outcome",
                (rate("rustok_webhook_deliveries_total", "outcome"),),
                unit="ops",
            ),
            Panel(
                "Webhook backlog",
                (
                    q("max(rustok_webhook_pending)", "pending"),
                    q("max(rustok_webhook_oldest_pending_seconds)", "oldest (s)"),
                ),
            ),
        ),
    ),
    Dashboard(
        "rustok-tenancy",
        "RusToK / Tenancy and caches",
        "The tenant cache: hit ratio, lookups, evictions, loads from the database.",
        (
            Panel(
                "Tenant cache hit ratio",
                (
                    q(
                        'sum(rate(rustok_tenant_cache_requests_total{result=~"hit|negative_hit"}'
                        "[$__rate_interval])) / "
                        "sum(rate(rustok_tenant_cache_requests_total[$__rate_interval]))",
                        "hit ratio",
                    ),
                ),
                unit="percentunit",
            ),
            Panel(
                "Tenant lookups by result",
                (rate("rustok_tenant_cache_requests_total", "result"),),
                unit="ops",
            ),
            Panel(
                "Evictions by reason",
                (rate("rustok_tenant_cache_evictions_total", "reason"),),
                unit="ops",
            ),
            Panel("Entries per instance", (gauge("rustok_tenant_cache_entries", "instance"),)),
            Panel(
                "Loads from the database and coalesced lookups",
                (
                    q("sum(rate(rustok_tenant_cache_loads_total[$__rate_interval]))", "loads"),
                    q(
                        "sum(rate(rustok_tenant_cache_coalesced_total[$__rate_interval]))",
                        "coalesced",
                    ),
                ),
                unit="ops",
            ),
        ),
    ),
    Dashboard(
        "rustok-database",
        "RusToK / Database",
        "Statement duration by kind and the connection pools (main; SQLite's writer).",
        (
            Panel(
                "p95 statement duration by kind",
                (quantile(0.95, "rustok_db_query_duration_seconds", "kind"),),
                unit="s",
            ),
            Panel(
                "Statements per second by kind",
                (rate("rustok_db_query_duration_seconds_count", "kind"),),
                unit="ops",
            ),
            Panel(
                "Pool in use and capacity",
                (
                    gauge("rustok_db_pool_connections_in_use", "job, pool"),
                    gauge("rustok_db_pool_capacity", "job, pool"),
                ),
            ),
            Panel(
                "Overflow connections",
                (gauge("rustok_db_pool_overflow_connections", "job, pool"),),
            ),
            Panel(
                "p95 wait for a connection",
                (quantile(0.95, "rustok_db_pool_wait_seconds", "pool"),),
                unit="s",
            ),
            Panel(
                "Pool timeouts and database failures per hour",
                (
                    hourly("rustok_db_pool_timeouts_total", "pool"),
                    q("sum(increase(rustok_db_unavailable_total[1h]))", "unavailable"),
                ),
            ),
        ),
    ),
    Dashboard(
        "rustok-dependencies",
        "RusToK / Dependencies and breakers",
        "Circuit breakers per dependency (Redis, NATS, SMTP, S3, payments, webhooks), mail.",
        (
            Panel(
                "Breaker state (0 closed, 1 half-open, 2 open)",
                (gauge("rustok_circuit_breaker_state", "dependency", "max"),),
            ),
            Panel(
                "Calls through breakers by result",
                (rate("rustok_circuit_breaker_calls_total", "dependency, result"),),
                unit="ops",
            ),
            Panel(
                "Breaker transitions per hour",
                (hourly("rustok_circuit_breaker_transitions_total", "dependency, to_state"),),
            ),
            Panel(
                "Webhook endpoints by breaker state",
                (gauge("rustok_webhook_breakers", "state"),),
            ),
            Panel("Mails by outcome", (rate("rustok_mail_messages_total", "outcome"),), unit="ops"),
            Panel(
                "p95 webhook attempt duration",
                (quantile(0.95, "rustok_webhook_attempt_duration_seconds", "job"),),
                unit="s",
            ),
        ),
    ),
    Dashboard(
        "rustok-business",
        "RusToK / Business",
        "Orders, revenue, content, carts; sign-in failures and rate limits; periodic jobs.",
        (
            Panel("Orders placed per hour", (hourly("rustok_orders_placed_total", "currency"),)),
            Panel(
                "Revenue and refunds per hour (minor units)",
                (
                    hourly("rustok_order_revenue_minor_units_total", "currency"),
                    hourly("rustok_order_refunds_minor_units_total", "currency"),
                ),
            ),
            Panel(
                "Orders cancelled per hour by reason",
                (hourly("rustok_orders_cancelled_total", "reason"),),
            ),
            Panel(
                "Content published per hour by kind",
                (hourly("rustok_content_published_total", "kind"),),
            ),
            Panel(
                "Carts abandoned per hour",
                (q("sum(increase(rustok_carts_abandoned_total[1h]))", "abandoned"),),
            ),
            Panel(
                "Failed sign-ins by reason",
                (rate("rustok_login_failures_total", "reason"),),
                unit="ops",
            ),
            Panel(
                "Rate-limit rejections by limit",
                (rate("rustok_rate_limit_rejections_total", "limit"),),
                unit="ops",
            ),
            Panel(
                "Periodic job runs per hour by outcome",
                (hourly("rustok_job_runs_total", "periodic_job, outcome"),),
            ),
        ),
    ),
)


def _panel(panel: Panel, index: int) -> dict[str, Any]:
    per_row = 24 // panel.width
    return {
        "id": index + 1,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"h": 8, "w": panel.width, "x": (index % per_row) * panel.width,
                    "y": (index // per_row) * 8},
        "fieldConfig": {"defaults": {"unit": panel.unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                    "tooltip": {"mode": "multi", "sort": "desc"}}
        if panel.kind == "timeseries"
        else {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        "targets": [
            {"datasource": DATASOURCE, "expr": query.expr, "legendFormat": query.legend,
             "refId": chr(ord("A") + n)}
            for n, query in enumerate(panel.queries)
        ],
    }  # fmt: skip


def render(dashboard: Dashboard) -> dict[str, Any]:
    """The Grafana JSON model of ``dashboard``."""
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": list(dashboard.tags),
        "timezone": "utc",
        "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "graphTooltip": 1,
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource",
             "query": "prometheus", "current": {}, "hide": 0},
            {"name": "job", "label": "Job", "type": "query", "datasource": DATASOURCE,
             "query": {"query": 'label_values(up{job=~"rustok-.*"}, job)', "refId": "job"},
             "definition": 'label_values(up{job=~"rustok-.*"}, job)', "includeAll": True,
             "multi": True, "allValue": "rustok-.*", "current": {}, "refresh": 2, "hide": 0},
        ]},
        "annotations": {"list": []},
        "links": [
            {"title": "RusToK", "type": "dashboards", "tags": ["rustok"], "asDropdown": True}
        ],
        "panels": [_panel(panel, i) for i, panel in enumerate(dashboard.panels)],
    }  # fmt: skip


def rendered() -> dict[str, str]:
    """File name → JSON text of every dashboard."""
    return {
        f"{d.uid}.json": json.dumps(render(d), indent=2, ensure_ascii=False) + "\n"
        for d in DASHBOARDS
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    files = rendered()
    for stale in set(p.name for p in OUT.glob("*.json")) - set(files):
        (OUT / stale).unlink()
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
