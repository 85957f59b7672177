"""The command line: outputs and exit codes (0 ok, 1 failed, 2 bad usage or settings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rustok.cli.main import app
from tests.conftest import TEST_SECRET
from tests.services import free_port


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> CliRunner:
    return CliRunner(
        env={
            "RUSTOK_DATABASE_URL": db_url,
            "RUSTOK_DATA_DIR": str(tmp_path),
            "RUSTOK_SECRET_KEY": TEST_SECRET,
            "RUSTOK_LOG_LEVEL": "warning",
        }
    )


def invoke(cli: CliRunner, *args: str, **env: str) -> tuple[int, str, str]:
    result = cli.invoke(app, list(args), env=env or None)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.sql_free
def test_bad_setting_exits_2_with_message(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "migrate", RUSTOK_EVENT_TRANSPORT="kafka")
    assert code == 2
    assert "RUSTOK_EVENT_TRANSPORT: invalid value 'kafka'; allowed values: memory, nats" in err


@pytest.mark.sql_free
def test_missing_secret_in_production_exits_2(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "tenant", "list", RUSTOK_ENV="production", RUSTOK_SECRET_KEY="")
    assert code == 2
    assert "RUSTOK_SECRET_KEY: required when RUSTOK_ENV=production" in err


@pytest.mark.sql_free
def test_unknown_command_and_bad_option_exit_2(cli: CliRunner) -> None:
    assert invoke(cli, "frobnicate")[0] == 2
    assert invoke(cli, "serve", "--port", "0")[0] == 2
    assert invoke(cli, "tenant", "update", "acme")[0] == 2  # nothing to change


def test_tenant_lifecycle(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "tenant", "create", "--slug", "Acme", "--name", "Acme Inc",
                          "--domain", "shop.acme.test")  # fmt: skip
    assert code == 0, out
    assert "created tenant acme" in out

    code, out, _ = invoke(cli, "tenant", "list", "--json")
    assert code == 0
    tenants = {t["slug"]: t for t in json.loads(out)}
    assert set(tenants) == {"default", "acme"}
    assert tenants["acme"]["domain"] == "shop.acme.test"
    assert tenants["acme"]["is_active"] is True

    code, out, _ = invoke(cli, "tenant", "update", "acme", "--name", "ACME", "--domain", "")
    assert code == 0 and "domain -" in out
    code, out, _ = invoke(cli, "tenant", "disable", "acme")
    assert code == 0 and "disabled" in out
    tenants = {t["slug"]: t for t in json.loads(invoke(cli, "tenant", "list", "--json")[1])}
    assert tenants["acme"]["is_active"] is False
    assert tenants["acme"]["name"] == "ACME"
    assert tenants["acme"]["domain"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug", "admin", "--name", "X"], "tenant slug 'admin' is reserved"),
        (["--slug", "../etc", "--name", "X"], "tenant slug must be 1-63 characters"),
        (["--slug", "default", "--name", "X"], "tenant slug 'default' is taken"),
        (["--slug", "ok", "--name", "X", "--currency", "usd"], "currency_code"),
        (["--slug", "ok", "--name", "X", "--domain", "bad_host.test"], "host labels"),
    ],
)
def test_tenant_create_errors_exit_1(cli: CliRunner, args: list[str], message: str) -> None:
    code, out, err = invoke(cli, "tenant", "create", *args)
    assert code == 1
    assert message in err
    assert out == ""


def test_default_tenant_cannot_be_disabled(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "tenant", "disable", "default")
    assert code == 1
    assert "the default tenant cannot be disabled" in err
    code, _, err = invoke(cli, "tenant", "disable", "nosuch")
    assert code == 1 and "no tenant 'nosuch'" in err


def test_user_create(cli: CliRunner) -> None:
    base = ["user", "create", "--tenant", "default", "--email", "Ops@Example.com",
            "--password", "correct horse battery"]  # fmt: skip
    code, out, _ = invoke(cli, *base, "--role", "admin")
    assert code == 0, out
    assert "created user ops@example.com" in out and "as admin in default" in out
    code, _, err = invoke(cli, *base)
    assert code == 1 and "already registered" in err
    code, _, err = invoke(cli, *base[:-4], "--email", "x@example.com", "--password", "short")
    assert code == 1 and "at least 8 characters" in err
    code, _, err = invoke(cli, *base[:-4], "--email", "y@example.com", "--password", "long enough",
                          "--role", "pope")  # fmt: skip
    assert code == 1 and "must be one of super_admin, admin, manager, customer" in err
    code, _, err = invoke(cli, "user", "create", "--tenant", "nosuch", "--email", "z@example.com",
                          "--password", "long enough")  # fmt: skip
    assert code == 1 and "no tenant 'nosuch'" in err


def test_demo_is_idempotent(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "demo")
    assert code == 0, out
    assert out.count("demo login (created)") == 2
    assert "admin UI: http://127.0.0.1:8000/admin" in out
    code, out, _ = invoke(cli, "demo")
    assert code == 0
    assert out.count("demo login (exists)") == 2
    tenants = [t["slug"] for t in json.loads(invoke(cli, "tenant", "list", "--json")[1])]
    assert sorted(tenants) == ["default", "demo"]


def test_unmigrated_database_asks_for_migrate(empty_db_url: str, tmp_path: Path) -> None:
    runner = CliRunner(env={"RUSTOK_DATABASE_URL": empty_db_url, "RUSTOK_DATA_DIR": str(tmp_path)})
    result = runner.invoke(app, ["tenant", "list"])
    assert result.exit_code == 1
    assert "run `rustok migrate`" in result.stderr


def test_unreachable_database_exits_1(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x"
    runner = CliRunner(env={"RUSTOK_DATABASE_URL": url, "RUSTOK_DATA_DIR": str(tmp_path)})
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 1
    assert "database unavailable" in result.stderr


def test_console_script_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "rustok"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith("rustok 0.")
    bad = subprocess.run(
        [str(exe), "migrate"], capture_output=True, text=True, check=False, cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "RUSTOK_PORT": "0"},
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: RUSTOK_PORT: 0 is out of range; allowed values: 1..65535"
