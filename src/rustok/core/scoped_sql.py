"""Tenant-scoped SQL compiled once, for the raw read pool (``core/read_pool.py``).

The ORM scopes its statements in the session (``core/db.py``); raw reads have no session,
so the scope goes into the statement when it is compiled: :func:`compile_scoped` adds
``<table>.tenant_id = <the tenant>`` for every table in the statement's FROM clause (joins
included) and refuses a statement over a table without a ``tenant_id`` column. The compiled
read takes the tenant as a required argument of :meth:`ScopedRead.params`: there is no way
to run it for "no tenant" or to leave a table out.

Parameters are converted the way SQLAlchemy binds them (UUIDs as 32 hex digits and naive UTC
datetimes on SQLite), so the statements use the same indexes as the ORM's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, Uuid, and_, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.util import find_tables
from sqlalchemy.sql.visitors import cloned_traverse

TENANT_UUID = "rustok_tenant_uuid"
TENANT_TEXT = "rustok_tenant_text"
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


class UnscopedRead(Exception):
    """A read over a table that cannot be scoped to a tenant: a programming error."""


def _bind(value: Any, dialect: str) -> Any:
    if dialect != "sqlite":
        return value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).strftime(SQLITE_DATETIME)
    if isinstance(value, bool):
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class ScopedRead:
    """A compiled SELECT that runs for exactly one tenant."""

    sql: str
    names: tuple[str, ...]  # parameter names in positional order
    dialect: str
    defaults: Mapping[str, Any]  # values the compiler made up (SQLite's OFFSET 0 …)

    def params(self, tenant_id: uuid.UUID, values: Mapping[str, Any]) -> list[Any]:
        if not isinstance(tenant_id, uuid.UUID):
            raise UnscopedRead("a scoped read needs the tenant's id")
        merged = {**self.defaults, **values, TENANT_UUID: tenant_id, TENANT_TEXT: str(tenant_id)}
        return [_bind(merged[name], self.dialect) for name in self.names]


def scoped_tables(statement: Select[Any]) -> list[Any]:
    """The tables of the statement's FROM clause, joins included (not subqueries')."""
    tables: list[Any] = []
    for source in statement.get_final_froms():
        for table in find_tables(source, include_joins=False, include_aliases=True):
            if table not in tables:
                tables.append(table)
    return tables


def _criterion(table: Any) -> Any:
    column = table.c.get("tenant_id")
    if column is None:
        raise UnscopedRead(f"table {table.name} has no tenant_id: it cannot be scoped")
    if isinstance(column.type, String):  # the search table keeps it as text
        return column == bindparam(TENANT_TEXT, type_=String())
    # A UUID (typed through its foreign key to tenants.id, maybe not resolved yet).
    return column == bindparam(TENANT_UUID, type_=Uuid())


def compile_scoped(statement: Select[Any], dialect: Dialect) -> ScopedRead:
    """``statement`` with every FROM table filtered to the tenant, compiled for ``dialect``.

    A joined table gets its criterion in the join's ON clause (so an outer join keeps its
    meaning), the others in the WHERE clause.
    """
    tables = scoped_tables(statement)
    if not tables:
        raise UnscopedRead("a scoped read must select from a table")
    criteria = {table: _criterion(table) for table in tables}
    joined: set[Any] = set()

    def visit_join(join: Any) -> None:
        if join.right in criteria:
            join.onclause = and_(join.onclause, criteria[join.right])
            joined.add(join.right)

    statement = cloned_traverse(statement, {}, {"join": visit_join})
    for table in tables:
        if table not in joined:
            statement = statement.where(criteria[table])
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    if TENANT_UUID not in names and TENANT_TEXT not in names:
        raise UnscopedRead("the compiled statement lost its tenant criteria")
    defaults = {k: v for k, v in compiled.params.items() if v is not None}
    return ScopedRead(sql=str(compiled), names=names, dialect=dialect.name, defaults=defaults)


class ScopedReads:
    """Compiled reads by shape, compiled on first use (one per filter combination)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._compiled: dict[Any, ScopedRead] = {}

    def get(self, shape: Any, build: Callable[[], Select[Any]]) -> ScopedRead:
        read = self._compiled.get(shape)
        if read is None:
            read = self._compiled[shape] = compile_scoped(build(), self.dialect)
        return read
