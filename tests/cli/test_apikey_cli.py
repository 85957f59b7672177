"""``rustok apikey create|list|revoke`` (K-3)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from rustok.api.app import RustokApp
from rustok.cli.main import app as cli_app
from tests.auth.helpers import make_user
from tests.auth.keys import with_key
from tests.conftest import TEST_SECRET


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> CliRunner:
    return CliRunner(
        env={
            "RUSTOK_DATABASE_URL": db_url, "RUSTOK_DATA_DIR": str(tmp_path),
            "RUSTOK_SECRET_KEY": TEST_SECRET, "RUSTOK_LOG_LEVEL": "warning",
        }
    )  # fmt: skip


async def invoke(cli: CliRunner, args: list[str]) -> Result:
    """The command in a thread: it runs its own event loop, the test's is busy."""
    return await asyncio.to_thread(lambda: cli.invoke(cli_app, args))


async def test_create_list_revoke(
    cli: CliRunner, client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    result = await invoke(cli, [
        "apikey", "create", "--tenant", "default", "--user", "Admin@Example.com", "--name", "erp",
        "--permission", "users:list", "--permission", "products:read",
    ])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    assert key.startswith("rk_live_") and len(key) == 54
    assert "shown only now" in result.stderr
    me = await client.get("/api/auth/me", headers=with_key(key))
    assert me.status_code == 200 and me.json()["permissions"] == ["products:read", "users:list"]

    listed = await invoke(cli, ["apikey", "list", "--tenant", "default", "--json"])
    assert listed.exit_code == 0, listed.stderr
    [item] = json.loads(listed.stdout)
    assert item["name"] == "erp" and item["active"] is True and key not in listed.stdout
    table = await invoke(cli, ["apikey", "list", "--tenant", "default"])
    assert table.exit_code == 0 and "erp" in table.stdout and "active" in table.stdout

    revoked = await invoke(cli, ["apikey", "revoke", item["id"], "--tenant", "default"])
    assert revoked.exit_code == 0, revoked.stderr
    assert "revoked API key 'erp'" in revoked.stdout
    # The running app polls the change row the command wrote.
    from tests.outbox.support import wait_until

    async def refused() -> bool:
        response = await client.get("/api/auth/me", headers=with_key(key))
        return response.status_code == 401 and response.json()["code"] == "API_KEY_REVOKED"

    await wait_until(refused, within=5, what="the app to refuse the key revoked by the CLI")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--permission", "tenants:list"], 1, "a key cannot have permissions you lack"),
        (["--permission", "nope"], 2, "permissions"),
        (["--permission", "users:list", "--expires-at", "tomorrow"], 2, "expires_at"),
        (["--permission", "users:list", "--expires-at", "2020-01-01T00:00:00Z"], 1, "past"),
    ],
)
async def test_create_refusals(
    cli: CliRunner, app: RustokApp, args: list[str], code: int, message: str
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    result = await invoke(cli, [
        "apikey", "create", "--tenant", "default", "--user", "admin@example.com", "--name", "x",
        *args,
    ])  # fmt: skip
    assert result.exit_code == code, result.stdout + result.stderr
    assert message in result.stderr


async def test_unknown_user_tenant_and_key(cli: CliRunner) -> None:
    base = ["apikey", "create", "--name", "x", "--permission", "users:list"]
    nobody = await invoke(cli, [*base, "--tenant", "default", "--user", "nobody@example.com"])
    assert nobody.exit_code == 1 and "no active user" in nobody.stderr
    no_tenant = await invoke(cli, [*base, "--tenant", "nope", "--user", "a@example.com"])
    assert no_tenant.exit_code == 1
    bad_id = await invoke(cli, ["apikey", "revoke", "zzz", "--tenant", "default"])
    assert bad_id.exit_code == 2 and "is not a UUID or ULID" in bad_id.stderr
    missing = await invoke(
        cli, ["apikey", "revoke", "00000000-0000-0000-0000-00000000abcd", "--tenant", "default"]
    )
    assert missing.exit_code == 1 and "no API key" in missing.stderr
