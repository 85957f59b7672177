"""``rustok serve``: the main process only supervises; a forked child loads the modules'
settings and migrates, the workers import the app."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from rustok import __version__
from rustok.migrations import head_revision
from tests.conftest import TEST_SECRET
from tests.services import free_port

# A compiled extension of SQLAlchemy: mapped into a process once it imported SQLAlchemy.
SQLALCHEMY_EXTENSION = "sqlalchemy/cyextension"
EXE = Path(sys.executable).parent / "rustok"


def _maps(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(RUSTOK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/serve.db",
               RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
               RUSTOK_LOG_LEVEL="warning", **extra)  # fmt: skip
    return env


@pytest.mark.slow
def test_the_main_process_never_imports_the_platform_and_the_child_migrates(
    tmp_path: Path,
) -> None:
    # An empty database: the child migrates it through every module's folder (the index
    # module's search scope revision lives in its own) before the workers start.
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port), "--workers", "2"], env=_env(tmp_path),
        start_new_session=True,
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/store/products", timeout=1)
                if response.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        workers = psutil.Process(server.pid).children(recursive=True)
        assert workers and all(SQLALCHEMY_EXTENSION in _maps(w.pid) for w in workers)
        assert SQLALCHEMY_EXTENSION not in _maps(server.pid)
        with sqlite3.connect(tmp_path / "serve.db") as conn:
            revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        assert revisions == [head_revision()]
    finally:
        # Start-up is what this test checks (stopping is tests/cli/test_serve_stop.py): the
        # whole process group goes, so that no worker outlives the test.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        log.close()


@pytest.mark.slow
def test_a_bad_module_setting_stops_serve_with_exit_2(tmp_path: Path) -> None:
    # Module settings are loaded by the child only: its one-line error and exit code are
    # the command's, and nothing is served.
    result = subprocess.run(
        [str(EXE), "serve", "--port", str(free_port())], cwd=tmp_path, capture_output=True,
        text=True, timeout=300, env=_env(tmp_path, RUSTOK_STOREFRONT_CACHE_TTL="0"),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "RUSTOK_STOREFRONT_CACHE_TTL" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "serve.db").exists()  # stopped before the migration


# ``rustok serve`` up to the point where Granian would fork the workers.
_SERVE_UNTIL_GRANIAN = """
import gc, os, sys
from granian import Granian

exit_child = os._exit

def child_exit(code):  # the preparing child's last step
    print("child imported rich", "rich" in sys.modules, flush=True)
    exit_child(code)

os._exit = child_exit

def report(self):
    print("frozen", gc.get_freeze_count(), "platform", "rustok.api.app" in sys.modules,
          "framework", sorted({"typer", "click", "pydantic"} & set(sys.modules)),
          "consoles and file parsers", sorted({"rich", "yaml", "tomllib"} & set(sys.modules)))

Granian.serve = report
sys.argv = ["rustok", "serve", "--port", sys.argv[1], "--workers", "2"]
from rustok.cli.main import main
main()
"""


def _serve_until_granian(tmp_path: Path, port: int, **env: str) -> tuple[list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", _SERVE_UNTIL_GRANIAN, str(port)], env=_env(tmp_path, **env),
        cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    *printed, last = done.stdout.splitlines()
    return printed, last


def _addresses(port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    return [
        f"RusToK {__version__} on {base} (development, 2 workers, sqlite)",
        f"  Home      {base}/", f"  Admin     {base}/admin", f"  API docs  {base}/docs",
        f"  OpenAPI   {base}/api/openapi.json", f"  GraphQL   {base}/api/graphql",
        f"  Metrics   {base}/metrics", f"  Health    {base}/health/ready",
    ]  # fmt: skip


@pytest.mark.slow
def test_the_main_process_freezes_its_objects_before_granian_forks_the_workers(
    tmp_path: Path,
) -> None:
    # Frozen, they are neither walked nor written by the workers' collectors: their pages
    # stay shared between the main process and the workers.
    port = free_port()
    printed, last = _serve_until_granian(tmp_path, port)
    words = last.split()
    assert words[0] == "frozen" and int(words[1]) > 10_000
    assert words[2:4] == ["platform", "False"]
    # Plain options: no command framework either (typer, and pydantic for its options); the
    # preparing child printed the addresses, and there is no settings file to parse.
    assert " ".join(words[4:]) == "framework [] consoles and file parsers []"
    # The child's report of the migration, then the addresses, before Granian serves.
    assert printed[0].startswith("database migrated from empty to ")
    assert printed[2:-1] == _addresses(port)
    # Restarted (the database prepared): the child prints the addresses as plain text (not a
    # terminal) without importing rich.
    printed, _ = _serve_until_granian(tmp_path, port)
    assert printed == [*_addresses(port), "child imported rich False"]


@pytest.mark.slow
def test_the_addresses_are_rich_text_where_rich_would_style_them(tmp_path: Path) -> None:
    port = free_port()
    printed, _ = _serve_until_granian(tmp_path, port, FORCE_COLOR="1")
    title, *lines = _addresses(port)
    bold, rest = title.split(" on ", 1)
    assert printed[2:] == [f"\x1b[1m{bold}\x1b[0m on {rest}", *lines, "child imported rich True"]


# ``rustok serve`` up to Granian again, saying what was imported when the main process began
# to wait for its preparing child, and whether it imported ``limits``.
_SERVE_WAITING_FOR_THE_CHILD = """
import os, sys

waited = []
os_waitpid = os.waitpid

def waitpid(pid, options):
    waited.append("granian" in sys.modules)
    # Granian is imported by now (else the assertion fails): it reports instead of serving.
    sys.modules["granian"].Granian.serve = lambda self: print(
        "granian before the wait", waited, "limits", "limits" in sys.modules)
    return os_waitpid(pid, options)

os.waitpid = waitpid
sys.argv = ["rustok", "serve", "--port", sys.argv[1], "--workers", "2"]
from rustok.cli.main import main
main()
"""


@pytest.mark.slow
def test_the_main_process_imports_granian_while_the_child_prepares(tmp_path: Path) -> None:
    # The child's work and Granian's import both stand before the first answer: they run
    # side by side. A rate limit switched off ("0") needs no `limits` to be checked.
    env = _env(tmp_path, RUSTOK_RATE_LIMIT="0")
    done = subprocess.run(
        [sys.executable, "-c", _SERVE_WAITING_FOR_THE_CHILD, str(free_port())], env=env,
        cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == "granian before the wait [True] limits False"
