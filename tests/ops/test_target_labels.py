"""No metric has a label Prometheus attaches to every target itself (``job``, ``instance``):
scraped, such a label is renamed ``exported_job`` / ``exported_instance`` (with the default
``honor_labels: false``), which the rules and dashboards would then have to know about.
``rustok_job_runs_total`` had a ``job`` label: it is ``periodic_job`` now."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client import REGISTRY

from tests.ops.smoke import scrape

TARGET_LABELS = {"job", "instance"}


@pytest.mark.sql_free
async def test_no_metric_uses_a_target_label(client: httpx.AsyncClient) -> None:
    await scrape(client)  # the app is built: every installed module's families exist
    clashing = {
        name: sorted(TARGET_LABELS & set(getattr(collector, "_labelnames", ())))
        for name, collector in REGISTRY._names_to_collectors.items()
        if TARGET_LABELS & set(getattr(collector, "_labelnames", ()))
    }
    assert clashing == {}
    assert any(
        "periodic_job" in getattr(c, "_labelnames", ())
        for n, c in REGISTRY._names_to_collectors.items()
        if n.startswith("rustok_job_runs")
    )
