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
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, Uuid, and_, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Join
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
        # The tenant's values, then ``values``, then the defaults; only the values that need
        # converting go through _bind (a storefront read binds a handful per request).
        tenant = _tenant_params(tenant_id, self.dialect)
        bound = []
        for name in self.names:
            value = tenant.get(name, _UNSET)
            if value is _UNSET:
                value = values[name] if name in values else self.defaults[name]
                if type(value) not in _AS_THEY_ARE:
                    value = _bind(value, self.dialect)
            bound.append(value)
        return bound


_UNSET: Any = object()
_AS_THEY_ARE = frozenset({str, int, float, type(None)})  # bound unchanged on both databases


@functools.lru_cache(maxsize=1024)
def _tenant_params(tenant_id: uuid.UUID, dialect: str) -> dict[str, Any]:
    return {TENANT_UUID: _bind(tenant_id, dialect), TENANT_TEXT: str(tenant_id)}


def scoped_tables(statement: Select[Any]) -> list[Any]:
    """The items of the statement's FROM clause, joins walked: tables, aliases and
    subqueries as themselves (a subquery is one item; what it reads is its own affair, so it
    needs a ``tenant_id`` column or an inner join to vouch for it)."""
    items: list[Any] = []

    def walk(source: Any) -> None:
        if isinstance(source, Join):
            walk(source.left)
            walk(source.right)
        elif source not in items:
            items.append(source)

    for source in statement.get_final_froms():
        walk(source)
    return items


def _criterion(table: Any) -> Any:
    column = table.c.get("tenant_id")
    if column is None:
        raise UnscopedRead(f"table {table.name} has no tenant_id: it cannot be scoped")
    if isinstance(column.type, String):  # the search table keeps it as text
        return column == bindparam(TENANT_TEXT, type_=String())
    # A UUID (typed through its foreign key to tenants.id, maybe not resolved yet).
    return column == bindparam(TENANT_UUID, type_=Uuid())


def _explicit_joins(statement: Select[Any]) -> Select[Any]:
    """``select(...).join(...)`` keeps its joins aside until it is compiled, where no
    traversal meets them as joins: rebuilt over its final FROM items (the same joins, as
    ``Join`` objects), so an outer-joined table gets its criterion in ON, not in WHERE."""
    if not statement._setup_joins:
        return statement
    froms = statement.get_final_froms()
    plain = statement._generate()
    plain._setup_joins = ()
    plain._from_obj = ()
    return plain.select_from(*froms)


def compile_scoped(
    statement: Select[Any], dialect: Dialect, *, inner_joined: Sequence[Any] = ()
) -> ScopedRead:
    """``statement`` with every FROM table filtered to the tenant, compiled for ``dialect``.

    A joined table gets its criterion in the join's ON clause (so an outer join keeps its
    meaning), the others in the WHERE clause. ``inner_joined``: FROM items (a subquery of
    ranked ids, say) that get no criterion of their own because each of their rows reaches
    the result only through an inner join with a scoped table; that join is checked here.
    """
    statement = _explicit_joins(statement)
    tables = [item for item in scoped_tables(statement) if item not in inner_joined]
    if not tables:
        raise UnscopedRead("a scoped read must select from a table")
    criteria = {table: _criterion(table) for table in tables}
    joined: set[Any] = set()
    vouched: set[Any] = set()

    def visit_join(join: Any) -> None:
        if join.right in criteria:
            join.onclause = and_(join.onclause, criteria[join.right])
            joined.add(join.right)
            if join.left in inner_joined and not join.isouter:
                vouched.add(join.left)

    # Tables, aliases and vouched items are kept as they are (not cloned), so the joins
    # met below name the very objects the criteria are keyed by.
    keep = {"stop_on": {*tables, *inner_joined}}
    statement = cloned_traverse(statement, keep, {"join": visit_join})
    for table in tables:
        if table not in joined:
            statement = statement.where(criteria[table])
    if unvouched := [item for item in inner_joined if item not in vouched]:
        named = ", ".join(getattr(item, "name", "?") for item in unvouched)
        raise UnscopedRead(f"{named} must be inner-joined with a scoped table")
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    if TENANT_UUID not in names and TENANT_TEXT not in names:
        raise UnscopedRead("the compiled statement lost its tenant criteria")
    defaults = {k: v for k, v in compiled.params.items() if v is not None}
    return ScopedRead(sql=str(compiled), names=names, dialect=dialect.name, defaults=defaults)


@dataclass(frozen=True, slots=True)
class InnerJoined:
    """A statement and its FROM items vouched for by an inner join (see compile_scoped)."""

    statement: Select[Any]
    items: tuple[Any, ...]


class ScopedReads:
    """Compiled reads by shape, compiled on first use (one per filter combination)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._compiled: dict[Any, ScopedRead] = {}

    def get(self, shape: Any, build: Callable[[], Select[Any] | InnerJoined]) -> ScopedRead:
        read = self._compiled.get(shape)
        if read is None:
            built = build()
            if isinstance(built, InnerJoined):
                read = compile_scoped(built.statement, self.dialect, inner_joined=built.items)
            else:
                read = compile_scoped(built, self.dialect)
            self._compiled[shape] = read
        return read
