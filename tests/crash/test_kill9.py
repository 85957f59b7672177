"""E-8: kill -9 the relay/consumer process at random moments during a write burst (and the
writer once); afterwards every committed event was handled exactly once in effect by every
consumer, in aggregate order. PostgreSQL, memory transport and NATS JetStream."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.conftest import TEST_SECRET, PostgresDatabases, _asyncpg_dsn, run_in_thread
from tests.crash.actors import CONSUMERS, EFFECTS_DDL
from tests.services import Service

TOTAL = 2000
# Longer than any wait in the design: ack_wait (the 2 s lease) and the nak back-off (2 s).
STALL_SECONDS = 20
ROOT = Path(__file__).resolve().parents[2]


class Actor:
    def __init__(self, role: str, env: dict[str, str], log: Path, *args: str) -> None:
        self.args = [sys.executable, "-m", "tests.crash.actors", role, *args]
        self.env = env
        self.log = log
        self.proc = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(self.args, env=self.env, cwd=ROOT, stdout=log, stderr=log)

    def kill9(self) -> None:
        self.proc.kill()  # SIGKILL: no clean-up of any kind
        self.proc.wait()

    def restart(self) -> None:
        self.proc = self._spawn()


async def _query(dsn: str, sql: str) -> list[Any]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


def query(dsn: str, sql: str) -> list[Any]:
    return run_in_thread(lambda: _query(dsn, sql))


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["memory", "nats"])
def test_kill9_loses_and_duplicates_nothing(
    transport: str,
    postgres_databases: PostgresDatabases,
    nats_service: Service,
    tmp_path: Path,
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    name = postgres_databases.create()
    url = postgres_databases.url_of(name)
    dsn = _asyncpg_dsn(url)
    query(dsn, EFFECTS_DDL)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")},
        "RUSTOK_DATABASE_URL": url, "RUSTOK_SECRET_KEY": TEST_SECRET,
        "RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_LOG_LEVEL": "warning",
        "RUSTOK_EVENT_TRANSPORT": transport, "RUSTOK_NATS_URL": nats_service.url,
        "RUSTOK_NATS_STREAM": f"CRASH{uuid.uuid4().hex[:8].upper()}",
        "RUSTOK_OUTBOX_LEASE_SECONDS": "2", "RUSTOK_OUTBOX_POLL_INTERVAL": "0.05",
        "RUSTOK_BROKER_TIMEOUT_SECONDS": "1",
    }  # fmt: skip
    worker = Actor("worker", env, tmp_path / "worker.log")
    writer = Actor("writer", env, tmp_path / "writer.log", str(TOTAL))
    kills = 0
    try:
        started = time.monotonic()
        while writer.proc.poll() is None or kills < 6:
            time.sleep(rng.uniform(0.4, 1.6))
            worker.kill9()
            kills += 1
            worker.restart()
            if kills == 2 and writer.proc.poll() is None:
                writer.kill9()
                writer.restart()
            # A liveness bound (a loaded machine restarts the writer slowly), not a speed goal.
            assert time.monotonic() - started < 150, f"writer too slow (seed {seed})"
        assert writer.proc.returncode == 0, (tmp_path / "writer.log").read_text()[-3000:]
        burst = time.monotonic() - started
        # Liveness, not speed: fail when the consumers stop making progress (a stuck
        # aggregate, a lost message), not when a loaded machine handles events slowly.
        progress, stalled_since = _progress(dsn), time.monotonic()
        while not _settled(dsn):
            assert worker.proc.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            if (now := _progress(dsn)) != progress:
                progress, stalled_since = now, time.monotonic()
            assert time.monotonic() - stalled_since < STALL_SECONDS, (
                f"stuck for {STALL_SECONDS} s (seed {seed}): {progress}\n"
                + (tmp_path / "worker.log").read_text()[-3000:]
            )
            assert time.monotonic() - started < 600, f"not settled in 600 s (seed {seed})"
            time.sleep(0.25)
    finally:
        for actor in (worker, writer):
            if actor.proc.poll() is None:
                actor.kill9()
        postgres_databases.drop(name)
    settle = time.monotonic() - started - burst
    print(f"{transport}: {kills} kills in a {burst:.1f} s burst, settled {settle:.1f} s later")
    assert kills >= 6


def _progress(dsn: str) -> dict[str, Any]:
    return {
        "outbox": {r["status"]: r["n"] for r in query(
            dsn, "SELECT status, count(*) AS n FROM sys_events "
                 "WHERE event_type = 'test.ticked' GROUP BY status")},
        "effects": {r["consumer"]: (r["n"], r["d"]) for r in query(
            dsn, "SELECT consumer, count(*) AS n, count(DISTINCT event_id) AS d "
                 "FROM crash_effects GROUP BY consumer")},
    }  # fmt: skip


def _settled(dsn: str) -> bool:
    """True once everything is handled; then checks exactly-once, completeness and order."""
    committed = {r["id"] for r in query(
        dsn, "SELECT id FROM sys_events WHERE event_type = 'test.ticked'")}  # fmt: skip
    pending = query(dsn, "SELECT count(*) AS n FROM sys_events WHERE status <> 'dispatched'")
    effects = query(
        dsn, "SELECT id, consumer, event_id, thing_id, n FROM crash_effects ORDER BY id"
    )
    by_consumer: dict[str, list[Any]] = defaultdict(list)
    for row in effects:
        by_consumer[row["consumer"]].append(row)
    # Exactly once in effect, at every moment: never two effects of one event.
    for consumer, rows in by_consumer.items():
        ids = [r["event_id"] for r in rows]
        assert len(ids) == len(set(ids)), f"{consumer} handled an event twice"
    if len(committed) < TOTAL or pending[0]["n"] > 0:
        return False
    if any({r["event_id"] for r in by_consumer[c]} != committed for c in CONSUMERS):
        return False
    assert len(committed) == TOTAL  # what the writer committed, no more, no less
    # Platform consumers (tenancy.cache) also run in the workers; only the test's count here.
    inbox = query(
        dsn,
        "SELECT consumer, count(*) AS n FROM sys_event_inbox"
        " WHERE consumer LIKE 'crash.%' GROUP BY consumer",
    )
    assert {r["consumer"]: r["n"] for r in inbox} == dict.fromkeys(CONSUMERS, TOTAL)
    for consumer in CONSUMERS:  # each aggregate's events took effect in the order raised
        seen: dict[uuid.UUID, int] = defaultdict(int)
        for row in by_consumer[consumer]:
            assert row["n"] == seen[row["thing_id"]], f"{consumer}: {row['thing_id']} out of order"
            seen[row["thing_id"]] += 1
    return True
