"""The checked-in Prometheus files: alert rules, their promtool tests, the runbook anchors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
RULE_TEST_FILES = sorted((PROMETHEUS / "tests").glob("*.yml"))
RUNBOOKS = ROOT / "docs" / "runbooks.md"
_METRIC = re.compile(r"\b(rustok_[a-z0-9_]+)\b")


def alert_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            rules += [rule for rule in group["rules"] if "alert" in rule]
    return rules


def metric_names(expression: str) -> set[str]:
    """The ``rustok_*`` metric names an expression reads."""
    return set(_METRIC.findall(expression))


def runbook_anchors() -> set[str]:
    """GitHub's anchors of the runbook headings (lower case, spaces to dashes)."""
    headings = re.findall(r"^#{2,3} (.+)$", RUNBOOKS.read_text(), re.M)
    return {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-") for h in headings}
