"""``rustok serve`` sets Granian's header limits: a client that trickles its headers or sends
nothing is disconnected, an oversized request head is refused, normal requests pass."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rustok.core.settings import SettingsError, load_settings
from tests.conftest import TEST_SECRET
from tests.services import free_port

HEADER_READ_TIMEOUT = 1  # seconds, set for the server under test
MAX_HEADER_SIZE = 16 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp_path = tmp_path_factory.mktemp("serve-limits")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/serve.db",
        RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_LOG_LEVEL="warning", RUSTOK_RATE_LIMIT="0",
        RUSTOK_HEADER_READ_TIMEOUT=str(HEADER_READ_TIMEOUT),
        RUSTOK_MAX_HEADER_SIZE=str(MAX_HEADER_SIZE),
    )  # fmt: skip
    exe = Path(sys.executable).parent / "rustok"
    process = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(20)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(10)
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed the connection (without answering) by now."""
    sock.setblocking(False)
    try:
        data = sock.recv(1024)
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        sock.setblocking(True)
    assert data == b"", data[:200]  # closed, never answered
    return True


def test_headers_trickled_byte_by_byte_are_cut_off(server: int) -> None:
    head = b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 60 + b"\r\n\r\n"
    sent = 0
    with connect(server) as sock:
        while sent < len(head):
            try:
                sock.sendall(head[sent : sent + 1])
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += 1
            if closed_by_server(sock):
                break
            time.sleep(0.2)  # 25 s for the whole head: far beyond the timeout
    assert sent < len(head), "the server waited for the whole trickled head"


def test_a_connection_that_sends_nothing_is_closed(server: int) -> None:
    with connect(server) as sock:
        for _ in range(100):  # up to 20 s
            if closed_by_server(sock):
                return
            time.sleep(0.2)
    raise AssertionError("an idle connection was kept")


def test_an_oversized_request_head_is_refused(server: int) -> None:
    base = f"http://127.0.0.1:{server}/health/live"
    assert httpx.get(base, headers={"X-Big": "a" * 10_000}, timeout=10).status_code == 200
    too_big = httpx.get(base, headers={"X-Big": "a" * 100_000}, timeout=10)
    assert too_big.status_code == 431
    # The limit is on the head only: a body far larger still reaches the app.
    body = {"email": "a" * 300_000, "password": "x"}
    answer = httpx.post(f"http://127.0.0.1:{server}/api/auth/login", json=body, timeout=10)
    assert answer.status_code == 400 and answer.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RUSTOK_HEADER_READ_TIMEOUT", "0", "0.0 is out of range; allowed values: 0.1..60"),
        ("RUSTOK_HEADER_READ_TIMEOUT", "120", "120.0 is out of range; allowed values: 0.1..60"),
        ("RUSTOK_MAX_HEADER_SIZE", "4096", "4096 is out of range; allowed values: 8192..16777216"),
        ("RUSTOK_SHUTDOWN_TIMEOUT", "0", "0.0 is out of range; allowed values: 1..3600"),
        ("RUSTOK_HTTP2", "maybe", "invalid value 'maybe'; allowed values: true, false"),
    ],
)
def test_header_settings_are_checked(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    env = {"RUSTOK_SECRET_KEY": TEST_SECRET, "RUSTOK_DATA_DIR": str(tmp_path), variable: value}
    with pytest.raises(SettingsError) as error:
        load_settings(env, warn=False)
    assert str(error.value) == f"{variable}: {message}"
