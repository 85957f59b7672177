"""One linear migration history that runs on SQLite and PostgreSQL (STYLE rule 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from rustok.api.app import create_app
from rustok.cli.migrate import migrate_and_seed
from rustok.core.db import Database
from rustok.migrations import (
    SchemaOutdated,
    alembic_config,
    compare_metadata,
    current_revision,
    downgrade,
    ensure_schema_current,
    head_revision,
    upgrade,
)
from rustok.tenancy.models import DEFAULT_TENANT_ID, Tenant
from tests.conftest import make_settings
from tests.lifespan import LifespanManager

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
