"""O-2: the checked-in Grafana dashboards are the generator's output, their PromQL parses
(promtool), and provisioning points at them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.ops.dashboards import GRAFANA, checked_in, generated, queries

DASHBOARD_UIDS = {
    "rustok-overview", "rustok-events", "rustok-tenancy", "rustok-database",
    "rustok-dependencies", "rustok-business",
}  # fmt: skip


def test_checked_in_dashboards_are_the_generators_output() -> None:
    assert checked_in() == generated()


def test_dashboards_are_complete() -> None:
    models = [json.loads(text) for text in checked_in().values()]
    assert {m["uid"] for m in models} == DASHBOARD_UIDS
    for model in models:
        assert len(model["panels"]) >= 5, model["uid"]
        ids = [p["id"] for p in model["panels"]]
        assert len(set(ids)) == len(ids)
        assert all(p["targets"] and p["title"] for p in model["panels"])
        names = {v["name"] for v in model["templating"]["list"]}
        assert names == {"datasource", "job"}
    overview = next(m for m in models if m["uid"] == "rustok-overview")
    # RED per route: rate, errors and duration, each by route template.
    by_route = [
        t["expr"] for p in overview["panels"] for t in p["targets"] if "route)" in t["expr"]
    ]
    assert any("status=~" in e for e in by_route) and any(
        "histogram_quantile" in e for e in by_route
    )
    assert any(e.startswith("sum by (method, route) (rate(") for e in by_route)


def test_dashboard_queries_parse(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is not installed: apt-get install prometheus")
    # Grafana's variables replaced by values, each query checked as a recording rule.
    rules = [
        {"record": f"dashboard:query_{n}",
         "expr": re.sub(r"\$__rate_interval", "5m", expr).replace("$job", "rustok-.*")}
        for n, (_, _, expr) in enumerate(queries())
    ]  # fmt: skip
    path = tmp_path / "dashboard_queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    checked = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True,
                             text=True, timeout=120, check=False)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules)} rules found" in checked.stdout


def test_provisioning_points_at_the_dashboards() -> None:
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "rustok.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards/rustok"
    source = yaml.safe_load(
        (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    assert source["datasources"][0]["type"] == "prometheus"
