"""O-2: the alert rules and the Prometheus configuration pass promtool, every alert has a
promtool test in which it fires and one in which it does not, and a runbook entry."""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from tests.ops.deploy_files import (
    PROMETHEUS,
    RULE_FILES,
    RULE_TEST_FILES,
    alert_rules,
    runbook_anchors,
)

# The original's 19 rules, each rewritten here against the metrics this server exports.
MIN_ALERTS = 19


def _promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    if promtool is None:  # never a skip: CI installs Debian's "prometheus" package
        pytest.fail("promtool is not installed: apt-get install prometheus")
    return subprocess.run(
        [promtool, *map(str, args)], cwd=PROMETHEUS, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_promtool_check_config() -> None:
    checked = _promtool("check", "config", "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(RULE_FILES)} rule files found" in checked.stdout


def test_promtool_check_rules() -> None:
    checked = _promtool("check", "rules", *RULE_FILES)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("SUCCESS") == len(RULE_FILES)


def test_promtool_test_rules() -> None:
    tested = _promtool("test", "rules", *RULE_TEST_FILES)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.count("SUCCESS") == len(RULE_TEST_FILES)


def test_every_alert_fires_and_stays_quiet_in_a_promtool_test() -> None:
    outcomes: dict[str, set[bool]] = defaultdict(set)
    for path in RULE_TEST_FILES:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case["alert_rule_test"]:
                outcomes[check["alertname"]].add(bool(check.get("exp_alerts")))
    names = [rule["alert"] for rule in alert_rules()]
    assert len(names) >= MIN_ALERTS and len(set(names)) == len(names)
    assert {name: outcomes[name] for name in names} == {name: {True, False} for name in names}


def test_every_alert_is_documented() -> None:
    anchors = runbook_anchors()
    for rule in alert_rules():
        annotations = rule["annotations"]
        assert annotations["summary"] and annotations["description"], rule["alert"]
        page, _, anchor = annotations["runbook_url"].partition("#")
        assert (page, anchor) == ("docs/runbooks.md", rule["alert"].lower()), rule["alert"]
        assert anchor in anchors, f"docs/runbooks.md has no section {rule['alert']}"
        assert rule["labels"]["severity"] in ("info", "warning", "critical")
