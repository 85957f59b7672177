"""The dashboard generator (``deploy/grafana/generate.py``), loaded from its file."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from tests.ops.deploy_files import ROOT

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD_DIR = GRAFANA / "dashboards"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("rustok_dashboards", GRAFANA / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def generated() -> dict[str, str]:
    """File name → JSON text, as the generator writes them."""
    files: dict[str, str] = _generator().rendered()
    return files


def checked_in() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in DASHBOARD_DIR.glob("*.json")}


def queries(files: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(dashboard uid, panel title, PromQL) of every query of the checked-in dashboards."""
    found = []
    for text in (files or checked_in()).values():
        model: dict[str, Any] = json.loads(text)
        for panel in model["panels"]:
            found += [(model["uid"], panel["title"], t["expr"]) for t in panel["targets"]]
    return found


def dashboard_path(name: str) -> Path:
    return DASHBOARD_DIR / name
