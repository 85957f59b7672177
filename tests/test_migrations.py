"""One linear migration history that runs on SQLite and PostgreSQL (STYLE rule 19), its
revisions in the platform's ``versions/`` and in each module's ``migrations/`` folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from rustok.api.app import create_app
from rustok.cli import serving
from rustok.cli.migrate import migrate_and_seed
from rustok.core.db import Database
from rustok.migrations import (
    PLATFORM_VERSIONS,
    SCHEMA_HEADS_ENV,
    SchemaOutdated,
    alembic_config,
    compare_metadata,
    current_revision,
    downgrade,
    ensure_schema_current,
    found_modules,
    head_revision,
    upgrade,
    version_locations,
)
from rustok.tenancy.models import DEFAULT_TENANT_ID, Tenant
from tests.conftest import make_settings
from tests.lifespan import LifespanManager

ROOT = Path(__file__).resolve().parent.parent
HELLO_MIGRATIONS = ROOT / "tests" / "fixtures" / "rustok_hello" / "rustok_hello" / "migrations"
# The history as deployed databases hold it before the revisions moved into the modules'
# folders: its ids and order must not change, or those databases would not upgrade.
HISTORY_BEFORE_MODULE_FOLDERS = [
    "20261127_0001", "20261127_0002", "20261127_0003", "20261127_0004", "20261127_0005",
    "20261127_0006", "20261127_0007", "20261206_0008", "20261206_0009", "20261206_0010",
]  # fmt: skip

PLATFORM_TABLES = {
    "tenants", "users", "sessions", "roles", "permissions", "role_permissions", "user_roles",
    "tenant_modules", "tenant_locales", "sys_events",
}  # fmt: skip


def test_single_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None
    for revision in revisions:
        assert not revision.is_merge_point


def _chain() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


@pytest.mark.sql_free
def test_history_keeps_its_ids_across_the_folders() -> None:
    chain = _chain()
    assert chain[: len(HISTORY_BEFORE_MODULE_FOLDERS)] == HISTORY_BEFORE_MODULE_FOLDERS
    assert chain == sorted(chain, key=lambda r: r.rpartition("_")[2])  # numbered in order
    script = ScriptDirectory.from_config(alembic_config())
    folders = {Path(script.get_revision(r).path).parent for r in chain}
    # Every folder a built-in module declares holds part of the one chain, and the chain
    # lives nowhere else; a new module's folder joins without this test naming it.
    declared = [m.spec.migrations for m in found_modules() if m.spec.migrations is not None]
    assert len(declared) >= 4  # content, commerce, index, webhooks at least
    assert folders == {PLATFORM_VERSIONS, *declared}
    assert version_locations()[0] == PLATFORM_VERSIONS
    assert set(version_locations()) == {PLATFORM_VERSIONS, *declared}


@pytest.mark.sql_free
def test_an_installed_module_is_a_branch_of_its_own() -> None:
    """With the fixture module's folder, the history has its head next to the platform's,
    and its first revision depends on the platform's first."""
    config = alembic_config(locations=[*version_locations(), HELLO_MIGRATIONS])
    script = ScriptDirectory.from_config(config)
    assert sorted(script.get_heads()) == sorted([_chain()[-1], "hello_0001"])
    hello = script.get_revision("hello@head")
    assert hello is not None and hello.revision == "hello_0001"
    assert hello.down_revision is None and hello.dependencies == "20261127_0001"


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_migrate_from_empty_then_again_is_a_no_op(empty_db_url: str, tmp_path: Path) -> None:
    settings = make_settings(empty_db_url, tmp_path)
    before, after, created = await migrate_and_seed(settings)
    assert (before, after, created) == (None, head_revision(), True)

    db = Database(empty_db_url)
    try:
        assert PLATFORM_TABLES <= await _tables(db)
        async with db.read_session(all_tenants=True) as session:
            tenant = await session.get(Tenant, DEFAULT_TENANT_ID)
            assert tenant is not None and tenant.slug == "default"
            count_before = await session.scalar(select(func.count()).select_from(Tenant))

        again = await migrate_and_seed(settings)
        assert again == (head_revision(), head_revision(), False)
        async with db.read_session(all_tenants=True) as session:
            assert await session.scalar(select(func.count()).select_from(Tenant)) == count_before
    finally:
        await db.dispose()


@pytest.mark.parametrize("deployed", ["20261127_0003", "20261206_0009", "20261206_0010"])
async def test_a_database_of_an_earlier_head_upgrades(empty_db_url: str, deployed: str) -> None:
    """A database left at a head of an earlier version (before any module revision, before
    the revisions moved) upgrades to today's head, across the folders, to the models."""
    db = Database(empty_db_url)
    try:
        assert await upgrade(db, deployed) == (None, deployed)
        assert await upgrade(db) == (deployed, head_revision())
        await ensure_schema_current(db)
        async with db.engine.connect() as conn:
            assert await conn.run_sync(compare_metadata) == []
    finally:
        await db.dispose()


async def test_models_match_migrations(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(compare_metadata)
        assert diff == []
    finally:
        await db.dispose()


async def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    db = Database(db_url)
    try:
        await downgrade(db, "base")
        assert await current_revision(db) is None
        assert not (PLATFORM_TABLES & await _tables(db))
        assert await upgrade(db) == (None, head_revision())
        assert PLATFORM_TABLES <= await _tables(db)
    finally:
        await db.dispose()


async def test_unmigrated_database_is_refused(empty_db_url: str, tmp_path: Path) -> None:
    db = Database(empty_db_url)
    try:
        with pytest.raises(SchemaOutdated, match=r"not migrated.*run `rustok migrate`"):
            await ensure_schema_current(db)
    finally:
        await db.dispose()
    app = create_app(make_settings(empty_db_url, tmp_path))
    with pytest.raises(RuntimeError, match="lifespan"):
        async with LifespanManager(app):
            pass


async def test_a_serve_worker_checks_the_heads_serve_found(
    db_url: str, empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = head_revision()
    assert head is not None
    db, empty = Database(db_url), Database(empty_db_url)
    try:
        monkeypatch.setenv(SCHEMA_HEADS_ENV, head)
        await ensure_schema_current(db)
        monkeypatch.setenv(SCHEMA_HEADS_ENV, "20261127_0001")
        with pytest.raises(SchemaOutdated, match=rf"at revision {head}, .* needs 20261127_0001"):
            await ensure_schema_current(db)
        monkeypatch.setenv(SCHEMA_HEADS_ENV, head)
        with pytest.raises(SchemaOutdated, match=r"not migrated.*run `rustok migrate`"):
            await ensure_schema_current(empty)
    finally:
        await db.dispose()
        await empty.dispose()


_WORKER_CHECK = """
import asyncio, sys
from rustok.core.db import Database
from rustok.migrations import ensure_schema_current
db = Database(sys.argv[1])
asyncio.run(ensure_schema_current(db))
asyncio.run(db.dispose())
print(sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "mako")))
"""


def test_a_serve_worker_does_not_import_alembic(db_url: str) -> None:
    head = head_revision()
    assert head is not None
    env = {**os.environ, SCHEMA_HEADS_ENV: head}
    done = subprocess.run([sys.executable, "-c", _WORKER_CHECK, db_url], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert SCHEMA_HEADS_ENV == serving.SCHEMA_HEADS_ENV  # the name serve sets
