"""``rustok serve --workers 2``: two processes answer, and ``/metrics`` adds up both."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET
from tests.services import free_port


@pytest.mark.slow
def test_metrics_add_up_every_worker(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/serve.db",
        RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_LOG_LEVEL="warning", RUSTOK_RATE_LIMIT="0",
    )  # fmt: skip
    exe = Path(sys.executable).parent / "rustok"
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--workers", "2"], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        for _ in range(10):  # each on a new connection: both workers answer some
            assert httpx.get(f"{base}/health/live", timeout=5).status_code == 200
        metrics = httpx.get(f"{base}/metrics", timeout=5).text
        live = re.search(
            r'^rustok_http_requests_total\{method="GET",route="/health/live",status="200"\} (\S+)$',
            metrics, re.M,
        )  # fmt: skip
        assert live is not None, metrics[:2000]
        # Every answered /health/live is counted once, whichever worker answered it.
        assert float(live.group(1)) >= 11
        # The main process and both workers write their values to the shared directory.
        assert len(list((tmp_path / "prometheus").glob("counter_*.db"))) >= 2
    finally:
        server.terminate()
        server.wait(20)
