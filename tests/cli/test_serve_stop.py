"""``rustok serve`` stops on SIGTERM: every process of it exits, with code 0, whenever the
signal comes — also while its workers are still importing the app."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.cli.test_serve_main_process import EXE, _env
from tests.services import free_port

# A liveness bound: a stopped server exits in about a second; one that lost the signal never.
EXIT_BOUND = 90


def _start(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(EXE), "serve", "--port", str(port), "--workers", "2"], env=_env(tmp_path),
        start_new_session=True, cwd=tmp_path, stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "serve.log").open("wb"),
    )  # fmt: skip


def _stop_and_wait(server: subprocess.Popen[bytes], tmp_path: Path) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(EXIT_BOUND)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        pytest.fail("serve did not exit after SIGTERM\n" + _log(tmp_path))
    assert code == 0, _log(tmp_path)
    deadline = time.monotonic() + 10  # the workers are reaped just before the main exits
    while _group_alive(server.pid):
        assert time.monotonic() < deadline, "a worker outlived serve"
        time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _log(tmp_path: Path) -> str:
    return (tmp_path / "serve.log").read_text()[-3000:]


@pytest.mark.slow
def test_sigterm_while_the_workers_import_the_app_stops_serve(tmp_path: Path) -> None:
    # The window that used to lose the signal: after the fork, before the worker's own
    # handlers. A worker imports the app for most of a second, so "as soon as both workers
    # exist" is inside it.
    server = _start(tmp_path, free_port())
    try:
        deadline = time.monotonic() + 120
        main = psutil.Process(server.pid)
        while len(workers := main.children()) < 2:
            assert server.poll() is None, _log(tmp_path)
            assert time.monotonic() < deadline, "the workers were not spawned"
            time.sleep(0.005)
        assert all(w.is_running() for w in workers)
        _stop_and_wait(server, tmp_path)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.slow
def test_sigterm_after_traffic_stops_serve_gracefully(tmp_path: Path) -> None:
    port = free_port()
    server = _start(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, _log(tmp_path)
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{base}/api/store/products", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        with httpx.Client(base_url=base, timeout=10) as client:
            for path in ("/", "/health/ready", "/metrics", "/api/store/products", "/mcp"):
                for _ in range(4):  # both workers, most likely
                    assert client.get(path).status_code < 500
        _stop_and_wait(server, tmp_path)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
