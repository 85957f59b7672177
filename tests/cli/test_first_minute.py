"""What a new user meets on the command line: demo logins with their tenant selector, a
password asked for rather than required, tenant ids shown whole."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select
from typer.testing import CliRunner

from rustok.auth.models import User
from rustok.auth.passwords import verify_password
from rustok.bootstrap import bootstrap
from rustok.cli.main import app
from tests.conftest import TEST_SECRET, make_settings, run_in_thread

PASSWORD = "correct horse battery"


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "RUSTOK_DATABASE_URL": db_url, "RUSTOK_DATA_DIR": str(tmp_path),
        "RUSTOK_SECRET_KEY": TEST_SECRET, "RUSTOK_LOG_LEVEL": "warning",
    }  # fmt: skip


def invoke(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _password_matches(db_url: str, tmp_path: Path, email: str, password: str) -> bool:
    async def check() -> bool:
        platform = bootstrap(make_settings(db_url, tmp_path))
        try:
            async with platform.db.read_session(all_tenants=True) as session:
                query = sql_select(User.password_hash).where(User.email == email)
                stored = await session.scalar(query)
        finally:
            await platform.aclose()
        return stored is not None and await verify_password(stored, password)

    return run_in_thread(check)


def test_demo_prints_the_tenant_selector_of_each_login(env: dict[str, str]) -> None:
    code, out, _ = invoke(env, "demo")
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith("demo login")]
    assert len(lines) == 2
    assert "tenant demo (admin)" in lines[1] and "header X-Tenant-ID: demo" in lines[1]
    assert "tenant default (super_admin)" in lines[0]
    assert "X-Tenant-ID: default (or none)" in lines[0]
    code, out, _ = invoke({**env, "RUSTOK_TENANT_RESOLUTION": "path"}, "demo")
    assert code == 0
    assert "path prefix /t/demo (POST /t/demo/api/auth/login)" in out


def test_user_create_reads_a_piped_password(
    env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    args = ("user", "create", "--tenant", "default", "--email", "piped@example.com")
    code, out, err = invoke(env, *args, stdin=f"{PASSWORD}\n")
    assert code == 0, err
    assert "created user piped@example.com" in out
    assert PASSWORD not in out + err
    assert _password_matches(db_url, tmp_path, "piped@example.com", PASSWORD)
    code, _, err = invoke(env, "user", "create", "--tenant", "default", "--email", "x@example.com",
                          stdin="")  # fmt: skip
    assert code == 2
    assert "no password: pass --password" in err
    code, out, _ = invoke(env, "user", "create", "--help")
    assert "asked for" in out and "[required]" not in out.split("--password")[1].split("--")[0]


def _talk(master: int, process: subprocess.Popen[bytes], answers: dict[bytes, bytes]) -> bytes:
    """Answer prompts on a terminal; everything the command wrote to it."""
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the command exited and closed the terminal
                break
            seen += chunk
            for prompt, answer in answers.items():
                # The prompt's last space comes once echo is off (and pending input flushed).
                if seen.endswith(prompt):
                    os.write(master, answer)
        elif process.poll() is not None:
            break
    return seen


def _controlling_terminal() -> None:  # pragma: no cover - runs in the child
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_user_create_asks_for_the_password_in_a_terminal(
    env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    master, terminal = pty.openpty()
    exe = Path(sys.executable).parent / "rustok"
    process = subprocess.Popen(
        [str(exe), "user", "create", "--tenant", "default", "--email", "asked@example.com"],
        stdin=terminal, stdout=terminal, stderr=terminal, env={**os.environ, **env},
        cwd=tmp_path, preexec_fn=_controlling_terminal,  # the pty is its terminal
    )  # fmt: skip
    os.close(terminal)
    try:
        answer = PASSWORD.encode() + b"\n"
        seen = _talk(master, process, {b"Password: ": answer, b"confirmation: ": answer})
        assert process.wait(60) == 0, seen.decode(errors="replace")
    finally:
        os.close(master)
    text = seen.decode(errors="replace")
    assert "Password:" in text and "Repeat for confirmation:" in text
    assert PASSWORD not in text  # typed without echo
    assert "created user asked@example.com" in text
    assert _password_matches(db_url, tmp_path, "asked@example.com", PASSWORD)


def test_tenant_list_shows_whole_slugs_and_ids(env: dict[str, str]) -> None:
    slug = "a-rather-long-tenant-slug-for-narrow-terminals"
    code, _, err = invoke(env, "tenant", "create", "--slug", slug, "--name",
                          "A Rather Long Tenant Name, Longer Than Any Column")  # fmt: skip
    assert code == 0, err
    tenants = json.loads(invoke(env, "tenant", "list", "--json")[1])
    code, out, _ = invoke({**env, "COLUMNS": "40"}, "tenant", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["slug", "id", "active", "locale", "currency", "domain", "name"]
    for tenant in tenants:
        row = next(line for line in lines if line.startswith(tenant["slug"] + " "))
        assert row.split()[1] == tenant["id"]
        assert row.endswith(tenant["name"])
    assert "…" not in out
