"""The access log: one ``info`` line per request with method, route template (never the raw
path or query), status, duration, request id and tenant, in the log format of the
deployment; ``RUSTOK_ACCESS_LOG=false`` (or a level above ``info``) turns it off."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import uuid
from typing import Any

import msgspec
import pytest

from rustok.api.access_log import FLUSH_SECONDS, MAX_PENDING, AccessLog, _timestamp
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
        if app.access_log is not None:
            _wait_for_shutdown(app.access_log)
        async with serve_app(app) as client:
            capsys.readouterr()
            answers = [
                await client.get("/api/tenant", headers={"X-Tenant-ID": "default"}),
                await client.get(f"/api/content/nodes/{uuid.uuid4()}?token=secret-in-query"),
                await client.post("/no/such/path", content=b"{}"),
            ]
            assert "request" not in capsys.readouterr().err  # noted, not yet written
        # The app's shutdown wrote them.
        lines = [line for line in capsys.readouterr().err.splitlines() if "request" in line]
    finally:
        await platform.aclose()
    return lines, [answer.headers["x-request-id"] for answer in answers]


def _wait_for_shutdown(log: AccessLog) -> None:
    """The app's own access log, made to wait an hour: only the shutdown writes its lines."""
    log._flush_seconds = 3600.0


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
    # The keys in one order, the lines compact (what log shippers were set up for).
    assert [list(line) for line in access] == [
        ["method", "route", "status", "duration_ms", "request_id", "tenant", "trace_id",
         "event", "level", "logger", "timestamp"]
    ] * 3  # fmt: skip
    assert all(line.startswith('{"method":"') and ", " not in line for line in lines)


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


async def test_noted_lines_are_written_together_after_a_moment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = AccessLog(json=True, flush_seconds=0.05)
    capsys.readouterr()
    for n in range(3):
        log.write("GET", "/api/tenant", 200, 0.001, f"req-{n}".encode(), "default")
    assert capsys.readouterr().err == ""  # noted only
    written = ""
    for _ in range(200):  # the flush is due after 0.05 s
        await asyncio.sleep(0.01)
        if written := capsys.readouterr().err:
            break
    lines = [json.loads(line) for line in written.splitlines()]
    assert [line["request_id"] for line in lines] == ["req-0", "req-1", "req-2"]
    assert FLUSH_SECONDS <= 0.2  # the bound the README states


async def test_a_full_buffer_is_written_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    log = AccessLog(json=False, flush_seconds=3600.0)
    capsys.readouterr()
    for _ in range(MAX_PENDING - 1):
        log.write("GET", "/x", 200, 0.001, b"r", None)
    assert capsys.readouterr().err == ""
    log.write("GET", "/x", 404, 0.001, b"last", None)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == MAX_PENDING
    assert " request GET /x 404 " in lines[-1] and "request_id=last tenant=-" in lines[-1]
    log.flush()
    assert capsys.readouterr().err == ""  # nothing left, nothing twice


def test_without_a_loop_a_line_is_written_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    log = AccessLog(json=True)
    capsys.readouterr()
    log.write("GET", "/x", 200, 0.001, b"r", None)
    assert json.loads(capsys.readouterr().err)["route"] == "/x"


def test_timestamps_are_utc_with_microseconds_whatever_second_came_before() -> None:
    for seconds in (1.5, 1_765_000_000.25, 1_765_000_001.000001, 1_765_000_000.999, 0.0):
        text = _timestamp(seconds)  # the seconds change between calls: no stale date
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", text), text
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        expected = dt.datetime.fromtimestamp(seconds, dt.UTC)
        assert abs((parsed - expected).total_seconds()) < 2e-6, (text, expected)
