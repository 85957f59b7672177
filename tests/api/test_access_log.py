"""The access log: one ``info`` line per request with method, route template (never the raw
path or query), status, duration, request id and tenant; ``RUSTOK_ACCESS_LOG=false`` turns
it off."""

from __future__ import annotations

import json
import uuid
from typing import Any

import msgspec
import pytest

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from rustok.core.logging import configure_logging
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from tests.conftest import serve_app


async def _logged(
    settings: Settings, platform: Platform, capsys: pytest.CaptureFixture[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The access lines of three requests, and their request ids."""
    configure_logging("json", "info")
    try:
        # A fresh app: its access logger is made now, under this logging configuration.
        app = create_app(settings, platform=platform)
        capsys.readouterr()
        async with serve_app(app) as client:
            answers = [
                await client.get("/api/tenant", headers={"X-Tenant-ID": "default"}),
                await client.get(f"/api/content/nodes/{uuid.uuid4()}?token=secret-in-query"),
                await client.post("/no/such/path", content=b"{}"),
            ]
    finally:
        configure_logging("console", "warning")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    access = [line for line in lines if line.get("event") == "request" and "route" in line]
    return access, [answer.headers["x-request-id"] for answer in answers]


async def test_one_line_per_request(
    settings: Settings, platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    access, ids = await _logged(settings, platform, capsys)
    seen = [
        {k: line[k] for k in ("level", "method", "route", "status", "request_id", "tenant")}
        for line in access
    ]
    assert seen == [
        {"level": "info", "method": "GET", "route": "/api/tenant", "status": 200,
         "request_id": ids[0], "tenant": "default"},
        {"level": "info", "method": "GET", "route": "/api/content/nodes/{node_id}",
         "status": 404, "request_id": ids[1], "tenant": "default"},
        {"level": "info", "method": "POST", "route": "<unmatched>", "status": 404,
         "request_id": ids[2], "tenant": None},  # outside the API: no tenant resolved
    ]  # fmt: skip
    assert all(
        isinstance(line["duration_ms"], float) and line["duration_ms"] > 0 for line in access
    )
    assert "secret-in-query" not in json.dumps(access)


async def test_the_setting_turns_it_off(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet = msgspec.structs.replace(settings, access_log=False)
    platform = bootstrap(quiet)
    try:
        access, _ = await _logged(quiet, platform, capsys)
    finally:
        await platform.aclose()
    assert access == []
