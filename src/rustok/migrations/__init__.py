"""Alembic migrations, one linear history for SQLite and PostgreSQL, driven from code.

``upgrade`` runs inside an async connection of our own engine (the Alembic cookbook's
"connection sharing" recipe), so ``rustok migrate`` needs no ``alembic.ini``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from rustok.core.db import Base, Database

MIGRATIONS_DIR = Path(__file__).parent


def load_models() -> MetaData:
    """Import every model so the metadata is complete; return it."""
    import rustok.audit.models
    import rustok.auth.models
    import rustok.mail.models
    import rustok.outbox.models
    import rustok.rbac.models
    import rustok.tenancy.models  # noqa: F401
    from rustok.modules import BUILTIN_MODULES

    for path in BUILTIN_MODULES:
        package = path.partition(":")[0].rsplit(".", 1)[0]
        try:
            __import__(f"{package}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.models":
                raise
    return Base.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


def _upgrade(connection: Connection, target: str) -> None:
    command.upgrade(alembic_config(connection), target)


def _downgrade(connection: Connection, target: str) -> None:
    command.downgrade(alembic_config(connection), target)


async def upgrade(db: Database, target: str = "head") -> tuple[str | None, str | None]:
    """Apply migrations up to ``target``; return (revision before, revision after)."""
    async with db.write_engine.begin() as conn:
        before = await conn.run_sync(_current)
        await conn.run_sync(_upgrade, target)
        after = await conn.run_sync(_current)
    return before, after


async def downgrade(db: Database, target: str) -> None:
    async with db.write_engine.begin() as conn:
        await conn.run_sync(_downgrade, target)


def compare_metadata(connection: Connection) -> list[Any]:
    """Differences between the models and the migrated schema (empty when in sync)."""
    from alembic.autogenerate import compare_metadata as _compare

    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "render_as_batch": True, "include_object": include_object},
    )
    return list(_compare(context, load_models()))


# Tables the migrations create per dialect, outside the ORM metadata (full-text search).
UNMODELLED_TABLE_PREFIXES = ("index_search",)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Autogenerate hook: leave the per-dialect search tables alone."""
    return not (
        type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIXES)
    )


class SchemaOutdated(RuntimeError):
    """The database is not at the migration head this code expects."""


async def ensure_schema_current(db: Database) -> None:
    """Refuse to serve a database that is not migrated to head."""
    current, head = await current_revision(db), head_revision()
    if current != head:
        state = "not migrated" if current is None else f"at revision {current}"
        raise SchemaOutdated(
            f"the database is {state}, this version needs {head}: run `rustok migrate`"
        )
