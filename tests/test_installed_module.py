"""A module installed from its own distribution (``tests/fixtures/rustok_hello``) migrates,
serves, publishes and consumes, and offers an MCP tool, with nothing of it outside its folder.

The fixture is built and installed with pip into a directory of this test session, which
only the ``rustok`` subprocesses get on their ``PYTHONPATH``: the test process, and so every
other test, never sees the module (``installed_entry_points`` is read once per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.migrations import head_revision
from tests.api.mcp_support import mcp_client, result
from tests.conftest import TEST_SECRET
from tests.databases import run_in_thread
from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "rustok_hello"
EXE = Path(sys.executable).parent / "rustok"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def hello_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture distribution, installed (metadata and entry point included) by pip."""
    site = tmp_path_factory.mktemp("hello-site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
         str(FIXTURE)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert (site / "rustok_hello" / "migrations" / "hello_0001_greetings.py").is_file()
    entry_points = next(site.glob("rustok_hello-*.dist-info")) / "entry_points.txt"
    assert "hello = rustok_hello.module:MODULE" in entry_points.read_text()
    return site


def rustok(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture
def base_env(empty_db_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTOK_", "PYTHONPATH"))}
    env.update(
        RUSTOK_DATABASE_URL=empty_db_url, RUSTOK_DATA_DIR=str(tmp_path),
        RUSTOK_MEDIA_ROOT=str(tmp_path / "media"), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_LOG_LEVEL="warning", RUSTOK_RATE_LIMIT="0", RUSTOK_OUTBOX_POLL_INTERVAL="0.05",
    )  # fmt: skip
    return env


@pytest.fixture
def serve() -> Iterator[list[subprocess.Popen[str]]]:
    servers: list[subprocess.Popen[str]] = []
    yield servers
    for server in servers:
        server.terminate()
        server.wait(30)


def wait_until_live(server: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        assert time.monotonic() < deadline, "the server did not start"
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)


async def call_over_mcp(
    url: str, key: str, tool: str, arguments: dict[str, Any]
) -> tuple[set[str], dict[str, Any], bool]:
    """The tools an MCP client is offered with ``key``, and one call's answer and error flag."""
    async with mcp_client(url, {"X-Api-Key": key}) as mcp:
        offered = {t.name for t in (await mcp.list_tools()).tools}
        answer = await mcp.call_tool(tool, arguments)
        return offered, result(answer), answer.is_error


@pytest.mark.slow
def test_installed_module_migrates_serves_publishes_and_consumes(
    hello_site: Path, base_env: dict[str, str], serve: list[subprocess.Popen[str]]
) -> None:
    # A deployment without the module: the default tenant and its admin exist before it.
    first = rustok(base_env, "migrate")
    assert first.returncode == 0, first.stderr
    assert "hello" not in first.stdout
    admin = rustok(base_env, "user", "create", "--tenant", "default", "--email",
                   "admin@example.com", "--password", PASSWORD, "--role", "admin")  # fmt: skip
    assert admin.returncode == 0, admin.stderr

    # Installed: its branch is migrated next to the platform's line, and the existing
    # tenant's roles get its permission with their default grants.
    env = {**base_env, "PYTHONPATH": str(hello_site), "RUSTOK_HELLO_TEXT": "Howdy"}
    second = rustok(env, "migrate")
    assert second.returncode == 0, second.stderr
    platform = head_revision()  # the platform's line, wherever its head's file lives
    assert f"database migrated from {platform} to {platform}, hello_0001" in second.stdout
    assert "gave 1 tenant(s) the 8 permission(s) of newly installed modules" in second.stderr
    again = rustok(env, "migrate")
    assert f"already at revision {platform}, hello_0001" in again.stdout
    assert "gave" not in again.stderr

    # Its setting (set through its old name), its event.
    listed = rustok(env, "settings")
    assert "RUSTOK_HELLO_GREETING" in listed.stdout and "RUSTOK_HELLO_TEXT" in listed.stdout
    events = json.loads(rustok(env, "events", "list", "--json").stdout)
    assert {"event_type": "hello.greeted", "package": "rustok_hello"}.items() <= next(
        e for e in events if e["event_type"] == "hello.greeted"
    ).items()

    # Served: its route answers with its permission, its event is published and consumed.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(EXE), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    serve.append(server)
    wait_until_live(server, base)
    login = httpx.post(f"{base}/api/auth/login",
                       json={"email": "admin@example.com", "password": PASSWORD}, timeout=30)  # fmt: skip
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    anonymous = httpx.post(f"{base}/api/hello/greetings", json={"name": "Ada"}, timeout=30)
    assert anonymous.status_code == 401
    created = httpx.post(
        f"{base}/api/hello/greetings", json={"name": "Ada"}, headers=headers, timeout=30
    )
    assert created.status_code == 201, created.text
    greeting = created.json()
    assert (greeting["text"], greeting["echoed"]) == ("Howdy, Ada!", False)
    deadline = time.monotonic() + 60
    while True:
        read = httpx.get(f"{base}/api/hello/greetings/{greeting['id']}", headers=headers,
                         timeout=30)  # fmt: skip
        assert read.status_code == 200, read.text
        if read.json()["echoed"]:
            break
        assert time.monotonic() < deadline, "the consumer did not echo the greeting"
        time.sleep(0.2)
    modules = httpx.get(f"{base}/api/modules", headers=headers, timeout=30).json()
    assert "hello" in [m["slug"] for m in modules]

    # Its MCP tool, declared in its folder: listed and called with an API key, as its route
    # answers; once the tenant switches the module off, not found, as its route is.
    created_key = httpx.post(
        f"{base}/api/admin/api-keys", json={"name": "agent", "permissions": ["greetings:read"]},
        headers=headers, timeout=30,
    )  # fmt: skip
    assert created_key.status_code == 201, created_key.text
    key, mcp_url = created_key.json()["key"], f"{base}/mcp"
    offered, answer, failed = run_in_thread(
        lambda: call_over_mcp(mcp_url, key, "get_greeting", {"id": greeting["id"]})
    )
    assert "get_greeting" in offered and "outbox_status" in offered
    assert not failed
    assert answer == {"id": greeting["id"], "text": "Howdy, Ada!", "echoed": True}
    off = httpx.patch(f"{base}/api/admin/store", json={"modules": {"hello": False}},
                      headers=headers, timeout=30)  # fmt: skip
    assert off.status_code == 200, off.text
    offered, answer, failed = run_in_thread(
        lambda: call_over_mcp(mcp_url, key, "get_greeting", {"id": greeting["id"]})
    )
    assert "get_greeting" in offered  # listed for the deployment, refused for the tenant
    assert failed
    assert answer == {
        "code": "NOT_FOUND", "status": 404, "detail": "module hello is not enabled for this tenant"
    }  # fmt: skip
    hidden = httpx.get(f"{base}/api/hello/greetings/{greeting['id']}", headers=headers,
                       timeout=30)  # fmt: skip
    assert hidden.status_code == 404
    server.terminate()
    assert server.wait(30) == 0

    # Uninstalled again: the database holds a revision no installed module provides.
    gone = rustok(base_env, "tenant", "list")
    assert gone.returncode == 1
    assert "hello_0001, which no installed module provides" in gone.stderr


@pytest.mark.sql_free
def test_nothing_outside_its_folder_names_the_module() -> None:
    """The platform's code and docs tree know nothing of the installed module."""
    mentions = [
        path
        for path in (ROOT / "src").rglob("*")
        if path.is_file()
        and path.suffix in (".py", ".md", ".toml", ".txt")
        and any(name in path.read_text() for name in ("rustok_hello", "greetings:", "get_greeting"))
    ]
    assert mentions == []


@pytest.mark.slow
@pytest.mark.sql_free
def test_installed_module_carries_its_generated_readme(hello_site: Path, tmp_path: Path) -> None:
    """``rustok docs`` finds the module's README in its installed package, as a built-in's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTOK_", "PYTHONPATH"))}
    env.update(
        PYTHONPATH=str(hello_site), RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_LOG_LEVEL="warning",
    )  # fmt: skip
    readme = hello_site / "rustok_hello" / "README.md"
    shipped = (FIXTURE / "rustok_hello" / "README.md").read_text()
    assert readme.read_text() == shipped
    current = rustok(env, "docs", "--check", "--module", "hello")
    assert current.returncode == 0, current.stderr
    routes = rustok(env, "routes", "--markdown", "--module", "hello")
    assert routes.stdout.startswith("| Method | Path | Permission | GraphQL |\n")
    assert "| POST | `/api/hello/greetings` | `greetings:create` |" in routes.stdout
    assert routes.stdout in shipped
    settings = rustok(env, "settings", "--markdown", "--module", "hello")
    assert "| `RUSTOK_HELLO_GREETING` | `Hello` |" in settings.stdout
    assert settings.stdout in shipped

    # A stale table is found, and rewritten; the text around it is kept.
    readme.write_text(shipped.replace("greetings:read", "greetings:list") + "\nBy hand.\n")
    stale = rustok(env, "docs", "--check", "--module", "hello")
    assert stale.returncode == 1
    assert f"stale: {readme}" in stale.stderr
    rewritten = rustok(env, "docs", "--module", "hello")
    assert rewritten.returncode == 0, rewritten.stderr
    assert readme.read_text() == shipped + "\nBy hand.\n"
