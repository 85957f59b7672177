"""W-3: kill -9 of the sending process between the POST and its record. After a restart
every delivery is sent again (at least once) with the same ``webhook-id``; no delivery row
is lost, and no event has two rows for the endpoint. SQLite and PostgreSQL, real processes."""

from __future__ import annotations

import http.server
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.modules.webhooks.schemas import WebhookCreate
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from tests.conftest import TEST_SECRET, _asyncpg_dsn, make_settings, run_in_thread
from tests.crash.test_kill9 import query as postgres_query
from tests.outbox.support import TENANT, Ticked

EVENTS = 200
KILL_AT = (15, 70, 140)  # the worker dies while these requests wait for their answer
ROOT = Path(__file__).resolve().parents[3]


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.ids: list[str] = []
        self.lock = threading.Lock()
        self.kill_now = threading.Event()
        self.killed = threading.Event()
        self.held: list[str] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        webhook_id = self.headers["webhook-id"]
        with self.server.lock:
            self.server.ids.append(webhook_id)
            number = len(self.server.ids)
        if number in KILL_AT:
            self.server.held.append(webhook_id)
            self.server.killed.clear()
            self.server.kill_now.set()  # the test kills the worker while we hold the answer
            self.server.killed.wait(30)
            self.close_connection = True
            return
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def _prepare(url: str, data: Path, receiver_url: str) -> list[uuid.UUID]:
    platform = bootstrap(make_settings(url, data, webhooks_allow_private=True))
    try:
        with use_context(RequestContext(tenant=TENANT)):
            await webhooks_runtime(platform).endpoints.create(
                WebhookCreate(url=receiver_url, event_types=["test.ticked"])
            )
            ids = []
            for start in range(0, EVENTS, 20):
                async with platform.uow() as uow:
                    for n in range(start, start + 20):
                        ids.append(uow.publish(Ticked(thing_id=uuid.UUID(int=n + 1), n=0)).id)
                    await uow.commit()
        return ids
    finally:
        await platform.aclose()


def _query(url: str, sql: str) -> list[Any]:
    """Rows as mappings, read beside the worker (SQLite: the file; PostgreSQL: asyncpg)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return postgres_query(_asyncpg_dsn(url), sql)
    with sqlite3.connect(str(parsed.database), timeout=30) as conn:
        conn.row_factory = sqlite3.Row
        return list(conn.execute(sql).fetchall())


@pytest.mark.slow
def test_kill9_between_post_and_record(db_url: str, tmp_path: Path) -> None:
    url = db_url
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    port = receiver.server_address[1]
    committed = run_in_thread(lambda: _prepare(url, tmp_path, f"http://127.0.0.1:{port}/in"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")},
        "RUSTOK_DATABASE_URL": url, "RUSTOK_SECRET_KEY": TEST_SECRET,
        "RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_LOG_LEVEL": "warning",
        "RUSTOK_WEBHOOKS_ALLOW_PRIVATE": "true", "RUSTOK_WEBHOOKS_TIMEOUT_SECONDS": "1",
        "RUSTOK_OUTBOX_POLL_INTERVAL": "0.1", "RUSTOK_OUTBOX_LEASE_SECONDS": "2",
        "RUSTOK_WEBHOOKS_RETRY_SCHEDULE": "0.5",
    }  # fmt: skip
    log = (tmp_path / "worker.log").open("ab")
    args = [sys.executable, "-m", "tests.modules.webhooks.worker_actor"]

    def spawn() -> subprocess.Popen[bytes]:
        return subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=log)

    worker = spawn()
    kills = 0
    try:
        deadline = time.monotonic() + 300  # a liveness bound: a loaded machine restarts slowly
        while _succeeded(url) < EVENTS:
            assert time.monotonic() < deadline, (
                f"not settled after {kills} kills: {_statuses(url)}\n"
                + (tmp_path / "worker.log").read_text()[-3000:]
            )
            if receiver.kill_now.wait(0.2):
                receiver.kill_now.clear()
                worker.kill()  # SIGKILL: no clean-up of any kind
                worker.wait()
                kills += 1
                receiver.killed.set()
                worker = spawn()
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        receiver.shutdown()
        log.close()
    rows = _query(url, "SELECT event_id, status FROM webhook_deliveries")
    assert kills == len(KILL_AT)
    # One row per event for the endpoint: none lost, none doubled, all delivered.
    assert sorted(uuid.UUID(str(r["event_id"])) for r in rows) == sorted(committed)
    assert {r["status"] for r in rows} == {"succeeded"}
    seen = Counter(receiver.ids)
    assert set(seen) == {str(i) for i in committed}  # every event, nothing else
    for held in receiver.held:  # the ones in flight at a kill came again, same webhook-id
        assert seen[held] >= 2, held


def _succeeded(url: str) -> int:
    rows = _query(url, "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'succeeded'")
    return int(rows[0]["n"])


def _statuses(url: str) -> dict[str, int]:
    rows = _query(url, "SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
