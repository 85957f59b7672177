"""Each test starts from the migrated template's rows, although PostgreSQL reuses one database.

``tests/databases.py ReusedDatabase`` puts the template's state back before each test; these
tests compare every table, row by row, with the template's after writes, updates, deletes and
schema changes, and check that one test's rows are gone in the next.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import inspect, text

from rustok.bootstrap import bootstrap
from rustok.core.db import Database
from rustok.core.platform import Platform
from tests.auth.helpers import make_user
from tests.conftest import make_settings
from tests.databases import PostgresDatabases, ReusedDatabase, _asyncpg_dsn, run_in_thread

Contents = dict[str, list[str]]


async def _contents(url: str) -> Contents:
    """Every table's rows, in a stable order (rows as text: equal rows, equal text)."""
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            contents: Contents = {}
            for table in tables:
                rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).all()
                contents[table] = sorted(repr(tuple(row)) for row in rows)
            return contents
    finally:
        await db.dispose()


def _template_url(backend: str, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        return f"sqlite+aiosqlite:///{template}"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.url_of(databases.template)


async def _execute(url: str, *statements: str, **params: Any) -> None:
    db = Database(url)
    try:
        async with db.write_engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement), params)
    finally:
        await db.dispose()


@pytest.mark.xdist_group("database-reset")
async def test_a_test_writes_rows(platform: Platform) -> None:
    email = f"{uuid.uuid4().hex}@example.com"
    await make_user(platform, email, "admin")
    async with platform.db.read_session(all_tenants=True) as session:
        found = await session.scalar(
            text("SELECT count(*) FROM users WHERE email = :e"), {"e": email}
        )
    assert found == 1


@pytest.mark.xdist_group("database-reset")
async def test_the_next_test_sees_only_the_template_rows(
    db_url: str, backend: str, request: pytest.FixtureRequest
) -> None:
    contents = await _contents(db_url)
    assert contents == await _contents(_template_url(backend, request))
    assert contents["users"] == []
    assert len(contents["tenants"]) == 1 and len(contents["permissions"]) > 100


async def test_reset_restores_every_table_of_the_template(
    postgres_database: ReusedDatabase, postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    url = postgres_database.reset()
    template = await _contents(postgres_databases.url_of(postgres_databases.template))
    platform = bootstrap(make_settings(url, tmp_path))
    try:
        await make_user(platform, "reset@example.com", "admin")
    finally:
        await platform.aclose()
    await _execute(
        url,
        "UPDATE tenants SET name = 'Renamed'",
        "DELETE FROM role_permissions",
        "DELETE FROM alembic_version",
    )
    changed = await _contents(url)
    assert changed != template
    assert changed["role_permissions"] == [] and len(changed["users"]) == 1

    copies = postgres_database.copies
    assert postgres_database.reset() == url
    assert await _contents(url) == template
    assert postgres_database.copies == copies  # restored in place, not copied again


async def test_a_schema_change_gets_a_fresh_copy(
    postgres_database: ReusedDatabase, postgres_databases: PostgresDatabases
) -> None:
    url = postgres_database.reset()
    template = await _contents(postgres_databases.url_of(postgres_databases.template))
    await _execute(
        url,
        "CREATE TABLE stray (id integer)",
        "ALTER TABLE tenants ADD COLUMN stray text",
        "DELETE FROM permissions",
    )
    copies = postgres_database.copies
    postgres_database.reset()
    assert postgres_database.copies == copies + 1
    assert await _contents(url) == template


def test_other_sessions_end_before_the_reset(postgres_database: ReusedDatabase) -> None:
    """A connection a test left open, inside a transaction holding a row lock, is ended:
    the reset neither waits for it forever nor lets it go on."""
    url = postgres_database.reset()

    async def scenario() -> BaseException | None:
        stray = await asyncpg.connect(_asyncpg_dsn(url))
        try:
            await stray.execute("BEGIN; UPDATE tenants SET name = 'Locked'")
            postgres_database.reset()  # deletes the locked row, so needs the lock
            await stray.fetchval("SELECT 1")
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            return exc
        finally:
            stray.terminate()
        return None

    ended = run_in_thread(scenario)
    assert ended is not None, "the stray session survived the reset"
