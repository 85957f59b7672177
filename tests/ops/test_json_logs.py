"""O-4: JSON log lines carry trace_id, span_id, tenant, request id and user id; an unexpected
5xx is logged once, with its exception; ``rustok worker`` logs event handling the same way
(the event's trace, tenant and id)."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Controller, get
from sqlalchemy import insert, select

from rustok.auth.models import User
from rustok.bootstrap import bootstrap
from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.logging import configure_logging
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.outbox.models import OutboxEvent
from rustok.rbac.declare import AUTHENTICATED
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import make_settings
from tests.ops.processes import EXE, base_env, start_worker

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
HEX16 = re.compile(r"^[0-9a-f]{16}$")


class FailingController(Controller):
    path = "/api/log-probe"

    @get("/boom", permission=AUTHENTICATED)
    async def boom(self) -> None:
        raise RuntimeError("connection failed")


LOG_PROBE = ModuleSpec(
    slug="logprobe", name="Log probe", description="Test-only module", version="0.0.1",
    route_handlers=[FailingController],
)  # fmt: skip


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [LOG_PROBE]


@pytest.fixture
def json_logs() -> Iterator[None]:
    configure_logging("json", "info")
    yield
    configure_logging("console", "warning")  # as tests/conftest.py sets it


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


@pytest.mark.sql_free
async def test_a_5xx_is_logged_once_with_its_exception_and_context(
    client: httpx.AsyncClient, platform: Platform, json_logs: None,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    await make_user(platform, "logged@example.com", "customer")
    auth = bearer(await sign_in(client, "logged@example.com"))
    async with platform.db.read_session(all_tenants=True) as session:
        user_id = await session.scalar(select(User.id).where(User.email == "logged@example.com"))
    capsys.readouterr()
    response = await client.get(
        "/api/log-probe/boom", headers={**auth, "traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"}
    )
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    mine = [line for line in json_lines(capsys.readouterr().err)
            if line.get("request_id") == request_id]  # fmt: skip
    assert len(mine) == 1, mine  # once, not once per layer
    (line,) = mine
    assert line["event"] == "unhandled error" and line["level"] == "error"
    assert "RuntimeError: connection failed" in line["exception"]
    assert "Traceback" in line["exception"]
    assert line["trace_id"] == TRACE_ID == response.json()["trace_id"]
    assert HEX16.match(line["span_id"]) and line["span_id"] != PARENT_ID
    assert line["tenant"] == "default"
    assert line["user_id"] == str(user_id)
    assert line["path"] == "/api/log-probe/boom"


@pytest.mark.slow
@pytest.mark.timeout(900)  # above its own 120 s bound and the migration on a loaded machine
def test_the_worker_logs_event_handling_with_the_events_context(tmp_path: Path) -> None:
    """A poison event (its payload does not fit its type) is parked by the worker's
    consumers; each "event parked" line names the event's trace, tenant and id."""
    import asyncio
    import subprocess

    url = f"sqlite+aiosqlite:///{tmp_path}/logs.db"
    env = base_env(tmp_path, url, RUSTOK_LOG_FORMAT="json", RUSTOK_LOG_LEVEL="info",
                   RUSTOK_OUTBOX_POLL_INTERVAL="0.1")  # fmt: skip
    subprocess.run([str(EXE), "migrate"], env=env, cwd=tmp_path, check=True, capture_output=True)
    event_id = uuid.uuid4()
    asyncio.run(_write_poison_event(url, tmp_path, event_id))
    worker = start_worker("worker", env, tmp_path)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert worker.alive(), worker.tail()
            parked = [line for line in json_lines(worker.log.read_text(errors="replace"))
                      if line.get("event") == "event parked"]  # fmt: skip
            if parked:
                break
            assert time.monotonic() < deadline, worker.tail()
            time.sleep(0.2)
    finally:
        worker.stop()
    for line in parked:
        assert line["event_id"] == str(event_id)
        assert line["request_id"] == f"event-{event_id}"
        assert line["trace_id"] == TRACE_ID
        assert HEX16.match(line["span_id"])
        assert line["tenant"] == str(DEFAULT_TENANT_ID)
        assert line["level"] == "error" and line["consumer"]


async def _write_poison_event(url: str, data_dir: Path, event_id: uuid.UUID) -> None:
    platform = bootstrap(make_settings(url, data_dir))
    try:
        async with platform.db.writer(), platform.db.write_engine.begin() as conn:
            await conn.execute(insert(OutboxEvent).values(
                id=event_id, tenant_id=DEFAULT_TENANT_ID, event_type="order.placed",
                schema_version=1, payload={"not": "an order"}, status="pending",
                occurred_at=dt.datetime.now(dt.UTC), attempts=0, replays=0,
                traceparent=f"00-{TRACE_ID}-{PARENT_ID}-01",
                created_at=dt.datetime.now(dt.UTC),
            ))  # fmt: skip
    finally:
        await platform.aclose()


async def test_pool_housekeeping_is_not_logged_at_info(
    db_url: str, tmp_path: Path, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLAlchemy's pool says "Pool disposed" / "Pool recreating" at info when an engine is
    disposed (every start does it): noise in an info-level JSON log, not events."""
    platform = bootstrap(make_settings(db_url, tmp_path))
    try:
        async with platform.db.read_session(all_tenants=True) as session:
            await session.scalar(select(User.id).limit(1))
        capsys.readouterr()
        await platform.db.dispose()
        async with platform.db.read_session(all_tenants=True) as session:
            await session.scalar(select(User.id).limit(1))
    finally:
        await platform.aclose()
    err = capsys.readouterr().err
    assert "Pool disposed" not in err and "Pool recreating" not in err, err
