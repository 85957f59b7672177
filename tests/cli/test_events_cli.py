"""``rustok events``, ``rustok outbox`` and ``rustok worker``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rustok.bootstrap import bootstrap, load_event_catalogue
from rustok.cli.main import app
from rustok.core.ids import id_to_ulid
from rustok.outbox.models import OutboxEvent
from rustok.outbox.store import OutboxStore
from tests.cli.test_jobs_cli import cart_status, old_open_cart
from tests.conftest import TEST_SECRET, make_settings, run_in_thread


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "RUSTOK_DATABASE_URL": db_url,
        "RUSTOK_DATA_DIR": str(tmp_path),
        "RUSTOK_SECRET_KEY": TEST_SECRET,
        "RUSTOK_LOG_LEVEL": "warning",
    }


def test_events_list_and_schema() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["events", "list", "--json"])
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    names = {r["event_type"] for r in rows}
    assert {"order.placed", "inventory.low", "tenant.created", "forum.reply.moderated"} <= names
    by_type = {r["event_type"]: r for r in rows}
    assert by_type["order.placed"]["package"] == "rustok.modules.commerce"
    table = runner.invoke(app, ["events", "list"])
    assert table.exit_code == 0 and f"{len(rows)} event types" in table.stdout

    schema = runner.invoke(app, ["events", "schema"])
    assert schema.exit_code == 0
    document = json.loads(schema.stdout)  # stdout holds nothing but the JSON
    assert set(document["events"]) == {t.event_type for t in load_event_catalogue().types()}
    assert document["$schema"].endswith("2020-12/schema")


async def _fail_only_event(db_url: str, tmp_path: Path) -> uuid.UUID:
    platform = bootstrap(make_settings(db_url, tmp_path))
    try:
        async with platform.db.read_session(all_tenants=True) as session:
            event_id = await session.scalar(select(OutboxEvent.id))
        assert event_id is not None  # the default tenant's tenant.created
        store = OutboxStore(platform.db, max_attempts=1)
        await store.record_failures([(event_id, 0, "broker gone")])
        return event_id
    finally:
        await platform.aclose()


def test_outbox_status_and_replay(db_url: str, tmp_path: Path) -> None:
    event_id = run_in_thread(lambda: _fail_only_event(db_url, tmp_path))
    runner = CliRunner(env=_env(db_url, tmp_path))
    status = runner.invoke(app, ["outbox", "status", "--json"])
    assert status.exit_code == 0, status.stderr
    body = json.loads(status.stdout)
    assert (body["pending"], body["failed"]) == (0, 1)
    # The installed ones: the tenant cache's and the read models' projectors.
    consumers = {c["name"]: c for c in body["consumers"]}
    assert {"tenancy.cache", "index.content"} <= set(consumers)
    assert "tenant.created" in consumers["tenancy.cache"]["event_types"]
    text = runner.invoke(app, ["outbox", "status"])
    assert "pending 0, failed 1" in text.stdout and "tenancy.cache" in text.stdout

    replayed = runner.invoke(app, ["outbox", "replay", id_to_ulid(event_id)])
    assert replayed.exit_code == 0, replayed.stderr
    assert f"replaying tenant.created {event_id} (was failed)" in replayed.stdout
    again = runner.invoke(app, ["outbox", "replay", str(event_id)])
    assert again.exit_code == 1 and "still being delivered" in again.stderr
    missing = runner.invoke(app, ["outbox", "replay", str(uuid.uuid4())])
    assert missing.exit_code == 1 and "no event" in missing.stderr
    assert runner.invoke(app, ["outbox", "replay", "not-an-id"]).exit_code == 2


@pytest.mark.slow
def test_worker_relays_until_terminated(db_url: str, tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "rustok"
    env = {
        **os.environ, **_env(db_url, tmp_path), "RUSTOK_OUTBOX_POLL_INTERVAL": "0.05",
        "RUSTOK_JOBS_INTERVAL": "0.2",
    }  # fmt: skip
    idle_cart = old_open_cart(db_url, tmp_path)  # the worker's periodic jobs abandon it
    created = subprocess.run(
        [str(exe), "tenant", "create", "--slug", "acme", "--name", "Acme"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    status = subprocess.run([str(exe), "outbox", "status", "--json"], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(status.stdout)["pending"] == 3  # default tenant + acme + the cart
    worker = subprocess.Popen([str(exe), "worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            status = subprocess.run([str(exe), "outbox", "status", "--json"], env=env,
                                    capture_output=True, text=True, check=True)  # fmt: skip
            abandoned = cart_status(db_url, tmp_path, idle_cart) == "abandoned"
            if json.loads(status.stdout)["pending"] == 0 and abandoned:
                break
            assert time.monotonic() < deadline, "worker did not relay the events or run the jobs"
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=20)
    assert worker.returncode == 0, err
    assert "rustok worker: memory transport" in out
