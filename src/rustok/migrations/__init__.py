"""Alembic migrations for SQLite and PostgreSQL, driven from code.

The platform's revisions live in ``versions/``, each module's in the folder its spec names
(``ModuleSpec.migrations``): together they are Alembic's ``version_locations``. The platform
and the built-in modules share one linear history (``down_revision``); a module installed
from another distribution starts its own branch (``branch_labels=(slug,)``, ``depends_on`` a
platform revision), so ``upgrade`` goes to every head. Every module found is migrated,
selected by ``RUSTOK_MODULES`` or not: its tables exist before a tenant may enable it.

``upgrade`` runs inside an async connection of our own engine (the Alembic cookbook's
"connection sharing" recipe), so ``rustok migrate`` needs no ``alembic.ini``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from rustok.core.db import Base, Database
from rustok.core.registry import FoundModule, discover_modules
from rustok.modules import BUILTIN_MODULES

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (and the template engine it brings) is imported by the functions that use it: a
# server worker checks its schema against the heads `rustok serve` found (SCHEMA_HEADS_ENV)
# with one query, without it.
SCHEMA_HEADS_ENV = "RUSTOK_SCHEMA_HEADS"

MIGRATIONS_DIR = Path(__file__).parent
PLATFORM_VERSIONS = MIGRATIONS_DIR / "versions"


def found_modules() -> list[FoundModule]:
    """The modules whose tables the database holds: built-in and installed alike."""
    return discover_modules(BUILTIN_MODULES)


def load_models() -> MetaData:
    """Import every model so the metadata is complete; return it."""
    import rustok.audit.models
    import rustok.auth.api_keys.models
    import rustok.auth.models
    import rustok.mail.models
    import rustok.outbox.models
    import rustok.rbac.models
    import rustok.tenancy.models  # noqa: F401

    found_modules()  # imports each module's models
    return Base.metadata


def version_locations(modules: Sequence[FoundModule] | None = None) -> list[Path]:
    """The platform's revisions, then each module's folder."""
    found = found_modules() if modules is None else modules
    folders = [m.spec.migrations for m in found if m.spec.migrations is not None]
    return [PLATFORM_VERSIONS, *folders]


def alembic_config(
    connection: Connection | None = None, *, locations: Sequence[Path] | None = None
) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    folders = version_locations() if locations is None else locations
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(f).replace("%", "%%") for f in folders)
    )
    config.attributes["connection"] = connection
    return config


def head_revisions() -> tuple[str, ...]:
    """The heads of the history: one for the platform's line, one per installed branch."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def head_revision() -> str | None:
    """The single head of a deployment without installed branches (the tests')."""
    heads = head_revisions()
    if len(heads) > 1:
        raise RuntimeError(f"the history has several heads: {', '.join(heads)}")
    return heads[0] if heads else None


def _current(connection: Connection) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


async def current_revisions(db: Database) -> tuple[str, ...]:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


async def current_revision(db: Database) -> str | None:
    current = await current_revisions(db)
    return ", ".join(current) if current else None


def _checked_current(connection: Connection) -> tuple[str, ...]:
    current = _current(connection)
    if unknown := _unknown_revisions(current):
        raise SchemaOutdated(
            f"the database has revision {', '.join(unknown)}, which no installed module "
            "provides: install the module that created it again"
        )
    return current


def _unknown_revisions(current: Sequence[str]) -> list[str]:
    """Revisions applied to the database that no installed module provides any more."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    unknown = []
    for revision in current:
        try:
            script.get_revision(revision)
        except CommandError:
            unknown.append(revision)
    return unknown


def _upgrade(connection: Connection, target: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), target)


def _downgrade(connection: Connection, target: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(connection), target)


def _joined(revisions: tuple[str, ...]) -> str | None:
    return ", ".join(revisions) if revisions else None


async def upgrade(db: Database, target: str = "heads") -> tuple[str | None, str | None]:
    """Apply migrations up to ``target`` (every head); return (revisions before, after),
    each a comma-separated list of heads, or None for an empty database."""
    async with db.write_engine.begin() as conn:
        before = await conn.run_sync(_checked_current)
        await conn.run_sync(_upgrade, target)
        after = await conn.run_sync(_current)
    return _joined(before), _joined(after)


async def downgrade(db: Database, target: str) -> None:
    async with db.write_engine.begin() as conn:
        await conn.run_sync(_downgrade, target)


def compare_metadata(connection: Connection) -> list[Any]:
    """Differences between the models and the migrated schema (empty when in sync)."""
    from alembic.autogenerate import compare_metadata as _compare
    from alembic.runtime.migration import MigrationContext

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
    """Refuse to serve a database that is not migrated to every head.

    In a worker of ``rustok serve``, which checked (or migrated) the schema just before,
    the heads it found come in ``SCHEMA_HEADS_ENV``: the database must still be at them.
    """
    if expected := os.environ.get(SCHEMA_HEADS_ENV):
        await _ensure_schema_at(db, tuple(sorted(expected.split(","))))
        return
    async with db.engine.connect() as conn:
        current = await conn.run_sync(_checked_current)
    heads = head_revisions()
    if current != heads:
        state = "not migrated" if not current else f"at revision {', '.join(current)}"
        raise SchemaOutdated(
            f"the database is {state}, this version needs {', '.join(heads)}: run `rustok migrate`"
        )


async def _ensure_schema_at(db: Database, heads: tuple[str, ...]) -> None:
    async with db.engine.connect() as conn:
        try:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        except (OperationalError, ProgrammingError):  # no such table: never migrated
            rows = []
    current = tuple(sorted(row[0] for row in rows))
    if current != heads:
        state = "not migrated" if not current else f"at revision {', '.join(current)}"
        raise SchemaOutdated(
            f"the database is {state}, this version needs {', '.join(heads)}: run `rustok migrate`"
        )
