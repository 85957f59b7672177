"""``docs/guide.md`` runs: every ``sh`` block, in order, in one bash session against a real
``rustok serve`` on the demo data, and what each prints matches the output the guide shows
(statuses and the fields shown; see ``tests/guide_examples.py`` for the rules).

Shell variables set by one block (``$TOKEN``, ``$CART``) are there for the next, as for a
reader who pastes the blocks into one terminal. ``$API`` is this server; ``$HOOK_URL`` a
receiver run here that answers 204 and keeps what it got (the server may reach it:
``RUSTOK_WEBHOOKS_ALLOW_PRIVATE``).
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET
from tests.guide_examples import Example, examples, mismatches
from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide.md"
RETRY_SECONDS = 60
BLOCK_SECONDS = 120


def _rustok(*args: str, env: dict[str, str], cwd: Path) -> None:
    exe = Path(sys.executable).parent / "rustok"
    done = subprocess.run(
        [str(exe), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


class Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook receiver: 204 to every POST; the bodies it got."""

    received: list[str] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        Receiver.received.append(body.decode())
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``make run``'s steps (migrate, demo, serve) on a free port; the base URL."""
    tmp_path = tmp_path_factory.mktemp("guide-server")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/demo.db",
        RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_LOG_LEVEL="warning", RUSTOK_MEDIA_ROOT=str(tmp_path / "media"),
        RUSTOK_WEBHOOKS_ALLOW_PRIVATE="true",
    )  # fmt: skip
    _rustok("migrate", env=env, cwd=tmp_path)
    _rustok("demo", env=env, cwd=tmp_path)
    exe = Path(sys.executable).parent / "rustok"
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        _wait_for_the_catalogue(base)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(10)
        log.close()


def _wait_for_the_catalogue(base: str) -> None:
    """The storefront's read models are built from the demo's events once the server runs
    (seconds): the guide starts when all 30 demo products are listed."""
    deadline = time.monotonic() + 120
    url = f"{base}/api/store/products?limit=100"
    while len(httpx.get(url, headers={"X-Tenant-ID": "demo"}, timeout=30).json()["items"]) < 30:
        assert time.monotonic() < deadline, "the demo catalogue was not indexed"
        time.sleep(0.5)


class Shell:
    """One bash session; each block is sourced in it, so its variables stay."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd = cwd
        self.process = subprocess.Popen(
            ["bash", "--norc", "--noprofile"], cwd=cwd, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.count = 0

    def run(self, code: str) -> tuple[int, str]:
        """Run ``code``; its exit status and everything it printed."""
        self.count += 1
        script, out = self.cwd / f"block-{self.count}.sh", self.cwd / f"block-{self.count}.out"
        script.write_text(code)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f'source {script} > {out} 2>&1; echo "done $?"\n')
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line.startswith("done "), line
        return int(line.split()[1]), out.read_text()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)


def _check(shell: Shell, example: Example) -> None:
    deadline = time.monotonic() + (RETRY_SECONDS if example.retry else 0)
    while True:
        code, printed = shell.run(example.code)
        problems = [] if example.shown is None else mismatches(example.shown, printed)
        if code != 0:
            problems.insert(0, f"exit status {code}")
        if not problems or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    assert not problems, (
        f"docs/guide.md line {example.line}: " + "; ".join(problems) + f"\nprinted:\n{printed}"
    )


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_example_of_the_guide_runs_as_shown(
    server: str, receiver: str, tmp_path: Path
) -> None:
    found = examples(GUIDE.read_text())
    assert len(found) >= 20 and sum(e.shown is not None for e in found) >= 15
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "API": server, "HOOK_URL": receiver}
    shell = Shell(tmp_path, env)
    try:
        for example in found:
            _check(shell, example)
    finally:
        shell.close()
    # The webhook example reached a receiver.
    assert sum('"order.status_changed"' in body for body in Receiver.received) == 2


SHOWN = """HTTP 201
{"id": "…", "token": "rk_…", "items": [{"sku": "A"}, "…"], "total": 0}
HTTP 200
{"status": "paid"}
"""


def test_the_output_check_fails_when_an_answer_changes() -> None:
    printed = (
        'HTTP 201\n{"id": "x", "token": "rk_1", "items": [{"sku": "A"}, {"sku": "B"}], '
        '"total": 0, "extra": 1}\nHTTP 200\n{"status": "paid"}\n'
    )
    assert mismatches(SHOWN, printed) == []
    assert mismatches(SHOWN, printed.replace("HTTP 201", "HTTP 200")) == [
        "answer 1: status 200, shown 201"
    ]
    assert mismatches(SHOWN, printed.replace('"paid"', '"confirmed"')) == [
        "answer 2.status: 'confirmed', shown 'paid'"
    ]
    assert mismatches(SHOWN, printed.replace('"rk_1"', '"xx"')) == ["answer 1.token: 'xx' ≠ 'rk_…'"]
    assert mismatches(SHOWN, printed.replace(', "total": 0', "")) == ["answer 1: no 'total'"]
    assert mismatches(SHOWN, printed.replace('{"sku": "A"}, ', "")) == [
        "answer 1.items[0].sku: 'B', shown 'A'"
    ]
    assert mismatches(SHOWN, printed.split("HTTP 200")[0]) == ["2 answers shown, 1 printed"]
    assert mismatches("true\n", "false\n") == ["answer 1: False, shown True"]
    assert mismatches("a … c\n", "a b c\n") == []
    assert mismatches("a … c\n", "a b d\n") == ["answer 1: 'a b d' does not match 'a … c'"]


def test_only_sh_blocks_run_and_each_takes_the_text_block_right_after_it() -> None:
    markdown = (
        "```console\n$ make run\n```\n\n```sh\necho 1\n```\n\n```text\n1\n```\n\n"
        "```sh retry\necho 2\n```\nprose\n```text\n2\n```\n"
    )
    found = examples(markdown)
    assert [(e.code, e.shown, e.retry, e.line) for e in found] == [
        ("echo 1\n", "1\n", False, 5),
        ("echo 2\n", None, True, 13),
    ]
