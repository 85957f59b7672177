"""``rustok worker`` serves ``/metrics`` on ``RUSTOK_WORKER_METRICS_PORT``: its relay's
figures, for Prometheus; other paths are 404; a busy port is a clear start-up error."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rustok.cli.worker_metrics import start_metrics_server
from tests.conftest import TEST_SECRET
from tests.ops.smoke import parse_exposition
from tests.services import free_port


async def test_metrics_server_answers_metrics_only() -> None:
    port = free_port()
    server = await start_metrics_server("127.0.0.1", port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            metrics = await client.get("/metrics")
            assert metrics.status_code == 200
            assert metrics.headers["content-type"].startswith("text/plain")
            assert "rustok_outbox_pending" in parse_exposition(metrics.text).names
            assert (await client.get("/metrics?x=1")).status_code == 200
            assert (await client.get("/")).status_code == 404
            assert (await client.post("/metrics")).status_code == 404
        # A request head that never ends within 8 KiB is dropped without an answer.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 10_000)
        await writer.drain()
        assert await asyncio.wait_for(reader.read(100), 10) == b""
        writer.close()
    finally:
        server.close()
        await server.wait_closed()


def _worker_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/worker.db",
        RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_WORKER_METRICS_PORT=str(port), RUSTOK_OUTBOX_POLL_INTERVAL="0.05",
    )  # fmt: skip
    return env


@pytest.mark.slow
def test_worker_serves_its_metrics(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "rustok"
    port = free_port()
    env = _worker_env(tmp_path, port)
    subprocess.run([str(exe), "migrate"], env=env, capture_output=True, check=True)
    worker = subprocess.Popen([str(exe), "worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        exposition = parse_exposition("")
        while True:
            assert worker.poll() is None, worker.communicate()[1]
            try:
                exposition = parse_exposition(
                    httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
                )
                # The relay published the migration's tenant event and counted it.
                if exposition.total("rustok_events_published_total") >= 1:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the worker did not serve its metrics"
            time.sleep(0.1)
        assert "rustok_outbox_pending" in exposition.names
        busy = subprocess.run([str(exe), "worker"], env=env, capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip
        assert busy.returncode == 1
        assert f"cannot serve worker metrics on 127.0.0.1:{port}" in busy.stderr
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=20)
    assert worker.returncode == 0, err
    assert f"metrics on :{port}" in out
