"""PostgreSQL databases for the tests: a migrated template, copies of it, and one reused copy.

``CREATE DATABASE … TEMPLATE`` costs 0.2–0.9 s, so a test does not get its own copy: each
test process (each xdist worker) keeps one copy of the template and, before every test that
asks for it, puts it back into the template's state in one round trip of a few milliseconds —
the other sessions on it ended, every table emptied and the template's rows (the default
tenant, its roles and permissions, ``alembic_version`` …) put back, sequences set back to the
template's values. A test that changed the schema itself (a downgrade, a new table) is seen by
a fingerprint of the catalogue, and then the copy is made again from the template.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

T = TypeVar("T")
_counter = itertools.count()
_USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'"
# Any DDL adds or replaces catalogue rows (new oids); TRUNCATE, DELETE and INSERT do not.
SCHEMA_FINGERPRINT = f"""
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
    SELECT 'n' || n.oid FROM pg_namespace n WHERE {_USER_SCHEMA}
    UNION ALL
    SELECT 'c' || c.oid || c.relname || c.relkind::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMA}
    UNION ALL
    SELECT 'a' || a.attrelid || a.attname || a.atttypid || a.attnotnull || a.attisdropped
        || a.atthasdef || coalesce(d.oid, 0::oid)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE {_USER_SCHEMA} AND a.attnum > 0
    UNION ALL
    SELECT 'k' || k.oid FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
    WHERE {_USER_SCHEMA}
    UNION ALL
    SELECT 't' || t.oid FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMA}
    UNION ALL
    SELECT 'p' || p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE {_USER_SCHEMA}
    UNION ALL
    SELECT 'y' || y.oid FROM pg_type y JOIN pg_namespace n ON n.oid = y.typnamespace
    WHERE {_USER_SCHEMA}
    UNION ALL
    SELECT 'e' || e.oid FROM pg_extension e
) AS catalogue(item)
"""
# Plain tables only: a partitioned parent's rows are its partitions' rows.
USER_TABLES = f"""
SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND {_USER_SCHEMA} ORDER BY 1
"""
_INSERT_ROWS = """
SELECT format(
    'INSERT INTO %1$s (%2$s) OVERRIDING SYSTEM VALUE SELECT %2$s'
    ' FROM json_populate_recordset(NULL::%1$s, %3$L)',
    $1::regclass,
    (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''),
    json_agg(r)
) FROM {table} AS r HAVING count(*) > 0
"""
_SEQUENCE_VALUES = """
SELECT CASE WHEN last_value IS NULL
    THEN format('ALTER SEQUENCE %I.%I RESTART', schemaname, sequencename)
    ELSE format('SELECT setval(%L, %s, true)',
                quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value)
END FROM pg_sequences WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema'
"""
_OTHER_SESSIONS = """
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


def run_in_thread(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run async set-up from a sync fixture, on its own loop (the test loop may be busy)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresDatabases:
    """Creates throw-away databases from a migrated template on the private server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        # Per process: xdist workers may share one server (RUSTOK_TEST_POSTGRES_URL).
        self.prefix = f"rustok_{os.getpid()}"
        self.template = f"{self.prefix}_template"

    async def _execute(self, *statements: str) -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(self.admin_url))
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    def execute(self, *statements: str) -> None:
        run_in_thread(lambda: self._execute(*statements))

    def url_of(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, *, migrated: bool = True) -> str:
        name = f"{self.prefix}_test_{next(_counter)}"
        template = f' TEMPLATE "{self.template}"' if migrated else ""
        self.execute(f'CREATE DATABASE "{name}"{template}')
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ReusedDatabase:
    """One copy of the template, put back into the template's state before each use."""

    def __init__(self, databases: PostgresDatabases) -> None:
        self.databases = databases
        self.name = databases.create()
        self.url = databases.url_of(self.name)
        self.resets = 0
        self.copies = 1
        self._fingerprint, self._restore = run_in_thread(self._snapshot)
        self._fresh = True

    async def _snapshot(self) -> tuple[str, str]:
        """The schema's fingerprint and the script that restores the template's contents."""
        conn = await asyncpg.connect(_asyncpg_dsn(self.url))
        try:
            fingerprint: str = await conn.fetchval(SCHEMA_FINGERPRINT)
            tables = [row[0] for row in await conn.fetch(USER_TABLES)]
            script = [
                "BEGIN",
                # No triggers and no foreign-key checks while the rows go and come back.
                "SET LOCAL session_replication_role = replica",
                # Every other session was ended: a lock still held is an error, not a wait.
                "SET LOCAL lock_timeout = '10s'",
            ]
            script += [f"DELETE FROM ONLY {table}" for table in tables]
            for table in tables:
                insert = await conn.fetchval(_INSERT_ROWS.format(table=f"ONLY {table}"), table)
                if insert is not None:
                    script.append(insert)
            script += [row[0] for row in await conn.fetch(_SEQUENCE_VALUES)]
            script.append("COMMIT")
        finally:
            await conn.close()
        return fingerprint, ";\n".join(script)

    async def _restore_contents(self) -> bool:
        conn = await asyncpg.connect(_asyncpg_dsn(self.url))
        try:
            await conn.fetchval(_OTHER_SESSIONS)
            if await conn.fetchval(SCHEMA_FINGERPRINT) != self._fingerprint:
                return False
            await conn.execute(self._restore)
            return True
        finally:
            await conn.close()

    def reset(self) -> str:
        """Put the template's state back (unless nothing used it yet); return the URL."""
        if self._fresh:
            self._fresh = False
            return self.url
        self.resets += 1
        if not run_in_thread(self._restore_contents):
            self.databases.drop(self.name)
            self.databases.execute(
                f'CREATE DATABASE "{self.name}" TEMPLATE "{self.databases.template}"'
            )
            self.copies += 1
        return self.url
