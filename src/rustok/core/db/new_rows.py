"""New rows inserted as they were built, without the session's unit-of-work flush.

For a write that creates rows it never changes afterwards (a checkout: about ten rows in six
tables), the flush (state tracking, dependency sort, per-object bookkeeping) cost more than
the INSERTs.
:func:`insert_new` sends one ORM ``INSERT`` per table instead, with the rows' values: the
session stamps the tenant on each row as it does at flush (core/db/tenant_scope.py), and
refuses a row of another tenant. The objects stay transient, readable as built: every column
the caller left unset gets its Python default here, on the object too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from sqlalchemy import Insert, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from rustok.core.db import Base

# Per model: its INSERT (built once) and, per column attribute, a maker of its default
# (None for ``tenant_id``: left out when unset, for the session to stamp).
_Defaults = tuple[tuple[str, Callable[[], Any] | None], ...]
_models: dict[type[Base], tuple[Insert, _Defaults]] = {}
_NO_VALUE: Final = object()


def _default_maker(column: Any) -> Callable[[], Any] | None:
    if column.key == "tenant_id":
        return None
    default = column.default
    if default is None:
        return _none if column.nullable else _required(column)
    return value_maker(default, f"{column} has a default insert_new cannot apply")


def value_maker(default: Any, refusal: str) -> Callable[[], Any]:
    """A maker of a column's Python default (or ``onupdate``) value, as the ORM computes it;
    ``TypeError(refusal)`` for one computed by SQL."""
    if default.is_callable:
        arg = default.arg
        return lambda: arg(None)  # SQLAlchemy wraps plain callables to take a context
    if default.is_scalar:
        value = default.arg
        return lambda: value
    raise TypeError(refusal)


def _none() -> None:
    return None


def _required(column: Any) -> Callable[[], Any]:
    def missing() -> Any:
        raise ValueError(f"{column} has no value")

    return missing


def _model(model: type[Base]) -> tuple[Insert, _Defaults]:
    found = _models.get(model)
    if found is None:
        mapper = inspect(model)
        defaults = tuple(
            (attr.key, _default_maker(attr.columns[0])) for attr in mapper.column_attrs
        )
        found = _models[model] = (insert(model), defaults)
    return found


def _values(row: Base, defaults: _Defaults) -> dict[str, Any]:
    state = row.__dict__
    values: dict[str, Any] = {}
    for key, make in defaults:
        value = state.get(key, _NO_VALUE)
        if value is _NO_VALUE:
            if make is None:
                continue
            value = make()
            set_committed_value(row, key, value)
        values[key] = value
    return values


async def insert_new(session: AsyncSession, rows: Sequence[Base]) -> None:
    """Insert ``rows`` (new, never added to a session), one statement per model, in the
    order of their models' first appearance (a referenced row first)."""
    by_model: dict[type[Base], list[Base]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, same in by_model.items():
        statement, defaults = _model(model)
        await session.execute(statement, [_values(row, defaults) for row in same])
