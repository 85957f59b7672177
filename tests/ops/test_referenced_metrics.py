"""O-2: every metric an alert rule or a dashboard query reads is one the server really
exports, checked on ``/metrics`` of the app after the smoke workload."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from tests.ops.dashboards import queries
from tests.ops.deploy_files import alert_rules, metric_names
from tests.ops.families import exported
from tests.ops.smoke import run_smoke_workload, scrape


def referenced_metrics() -> dict[str, set[str]]:
    """Metric name → the alerts and dashboard panels that read it."""
    readers: dict[str, set[str]] = {}
    for rule in alert_rules():
        for name in metric_names(rule["expr"]):
            readers.setdefault(name, set()).add(f"alert {rule['alert']}")
    for uid, title, expr in queries():
        for name in metric_names(expr):
            readers.setdefault(name, set()).add(f"{uid}: {title}")
    return readers


async def test_every_referenced_metric_is_exported(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await run_smoke_workload(client, app)
    exposition = await scrape(client)
    readers = referenced_metrics()
    assert len(readers) >= 40
    missing = {name: sorted(by) for name, by in readers.items() if not exported(exposition, name)}
    assert missing == {}
