"""The access log: one ``info`` line per request with method, route template (never the raw
path or query), status, duration, request id and tenant, in the log format of the
deployment; ``RUSTOK_ACCESS_LOG=false`` (or a level above ``info``) turns it off."""

from __future__ import annotations

import json
import uuid
from typing import Any

import msgspec
import pytest

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from rustok.core.settings import Settings
from tests.conftest import serve_app


async def _logged(
    settings: Settings, capsys: pytest.CaptureFixture[str], **changes: Any
) -> tuple[list[str], list[str]]:
    """The access lines of three requests, and their request ids."""
    changed = msgspec.structs.replace(settings, **changes)
    platform = bootstrap(changed)
    try:
        app = create_app(changed, platform=platform)
        async with serve_app(app) as client:
            capsys.readouterr()
            answers = [
                await client.get("/api/tenant", headers={"X-Tenant-ID": "default"}),
                await client.get(f"/api/content/nodes/{uuid.uuid4()}?token=secret-in-query"),
                await client.post("/no/such/path", content=b"{}"),
            ]
            lines = [line for line in capsys.readouterr().err.splitlines() if "request" in line]
    finally:
        await platform.aclose()
    return lines, [answer.headers["x-request-id"] for answer in answers]


async def test_one_json_line_per_request(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    lines, ids = await _logged(settings, capsys, log_format="json")
    access = [json.loads(line) for line in lines]
    seen = [
        {k: line[k] for k in ("event", "level", "method", "route", "status", "request_id",
                              "tenant")}
        for line in access
    ]  # fmt: skip
    assert seen == [
        {"event": "request", "level": "info", "method": "GET", "route": "/api/tenant",
         "status": 200, "request_id": ids[0], "tenant": "default"},
        {"event": "request", "level": "info", "method": "GET",
         "route": "/api/content/nodes/{node_id}", "status": 404, "request_id": ids[1],
         "tenant": "default"},
        {"event": "request", "level": "info", "method": "POST", "route": "<unmatched>",
         "status": 404, "request_id": ids[2], "tenant": None},  # outside the API: no tenant
    ]  # fmt: skip
    assert all(
        isinstance(line["duration_ms"], float) and line["duration_ms"] > 0 for line in access
    )
    assert all(line["timestamp"].endswith("Z") and len(line["trace_id"]) == 32 for line in access)
    assert "secret-in-query" not in "".join(lines)


async def test_console_lines(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    lines, ids = await _logged(settings, capsys, log_format="console")
    assert len(lines) == 3
    assert " [info     ] request GET /api/tenant 200 " in lines[0]
    assert f"request_id={ids[0]} tenant=default trace_id=" in lines[0]
    assert " request POST <unmatched> 404 " in lines[2] and "tenant=-" in lines[2]


@pytest.mark.parametrize("changes", [{"access_log": False}, {"log_level": "warning"}])
async def test_the_setting_or_the_level_turns_it_off(
    settings: Settings, capsys: pytest.CaptureFixture[str], changes: dict[str, Any]
) -> None:
    lines, _ = await _logged(settings, capsys, **changes)
    assert lines == []
