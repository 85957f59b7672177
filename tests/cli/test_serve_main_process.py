"""``rustok serve``: the main process only supervises; the workers import the app."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from rustok.cli.schema_probe import head_revision, schema_is_current
from tests.conftest import TEST_SECRET, migrate_fresh
from tests.services import free_port

# A compiled extension of SQLAlchemy: mapped into a process once it imported SQLAlchemy.
SQLALCHEMY_EXTENSION = "sqlalchemy/cyextension"


def _maps(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.slow
def test_the_main_process_of_a_current_database_never_imports_the_platform(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/serve.db"
    migrate_fresh(url, tmp_path)
    assert schema_is_current(url) is True
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(RUSTOK_DATABASE_URL=url, RUSTOK_DATA_DIR=str(tmp_path),
               RUSTOK_SECRET_KEY=TEST_SECRET, RUSTOK_LOG_LEVEL="warning")  # fmt: skip
    exe = Path(sys.executable).parent / "rustok"
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--workers", "2"], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
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
    finally:
        server.terminate()
        server.wait(60)


def test_the_schema_probe_reads_the_revision_without_the_platform(tmp_path: Path) -> None:
    assert head_revision() is not None
    missing = f"sqlite+aiosqlite:///{tmp_path}/missing.db"
    assert schema_is_current(missing) is False  # no file: not migrated yet
    url = f"sqlite+aiosqlite:///{tmp_path}/old.db"
    migrate_fresh(url, tmp_path)
    import sqlite3

    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '20261127_0001'")
    assert schema_is_current(url) is False
    # PostgreSQL that cannot be reached: no answer, not an error.
    assert schema_is_current(f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/x") is None
