"""Every tenant-owned model, enumerated from the metadata, is invisible across tenants (T-1).

Rows are made generically (required columns filled by type, foreign keys by creating the
referenced row in the same tenant), so a model added later is covered without editing this.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Integer,
    String,
    Text,
    Uuid,
    delete,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapper
from sqlalchemy.types import JSON

from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.db import Base, TenantScoped, UTCDateTime, tenant_scoped_models
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.migrations import load_models
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService, tenant_ref

_unique = itertools.count()
load_models()


def _model_for_table(table_name: str) -> type[Any]:
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table_name:
            return mapper.class_
    raise LookupError(table_name)


def _allowed_value(column: Any) -> str | None:
    """The first value a ``<column> IN ('a', ...)`` check constraint allows, if there is one."""
    for constraint in column.table.constraints:
        if isinstance(constraint, CheckConstraint):
            found = re.search(rf"\b{column.name} IN \('([^']*)'", str(constraint.sqltext))
            if found:
                return found.group(1)
    return None


def _value(column: Any) -> Any:
    kind = column.type
    if (allowed := _allowed_value(column)) is not None:
        return allowed
    if isinstance(kind, UTCDateTime | DateTime):
        return dt.datetime.now(dt.UTC)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, Uuid):
        return uuid.uuid4()
    if isinstance(kind, JSON) or getattr(kind, "impl", None).__class__ is JSON:
        return {}
    if isinstance(kind, String | Text):
        length = getattr(kind, "length", None) or 32
        return f"v{next(_unique)}"[:length]
    return {}  # JSON variants


async def make_row(uow: UnitOfWork, model: type[Any]) -> Any:
    """A row of ``model`` in the unit of work's tenant, with its parents."""
    mapper: Mapper[Any] = inspect(model)
    values: dict[str, Any] = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.name == "tenant_id":
            continue
        if column.foreign_keys:
            target = next(iter(column.foreign_keys)).column
            if column.nullable and target.table is column.table:
                continue  # a tree's parent link (nodes, menu items): a root needs none
            parent = await make_row(uow, _model_for_table(str(getattr(target.table, "name", ""))))
            values[prop.key] = getattr(parent, target.name)
        elif column.primary_key and column.default is not None:
            continue
        elif not column.nullable and column.default is None and column.server_default is None:
            values[prop.key] = _value(column)
    row = model(**values)
    uow.session.add(row)
    await uow.session.flush()
    return row


def _pk_filter(model: type[Any], row: Any) -> Any:
    mapper: Mapper[Any] = inspect(model)
    clauses = [
        col == getattr(row, mapper.get_property_by_column(col).key) for col in mapper.primary_key
    ]
    return clauses


async def _two_tenants(platform: Platform) -> tuple[TenantRef, TenantRef]:
    service = TenantService(platform)
    a = await service.create(TenantCreate(slug="tenant-a", name="A"))
    b = await service.create(TenantCreate(slug="tenant-b", name="B"))
    return tenant_ref(a), tenant_ref(b)


SCOPED = tenant_scoped_models()


def test_enumeration_finds_the_platform_models() -> None:
    names = {m.__tablename__ for m in SCOPED}
    assert {"users", "sessions", "roles", "permissions", "role_permissions", "user_roles",
            "tenant_modules", "tenant_locales"} <= names  # fmt: skip
    assert all(issubclass(m, TenantScoped) for m in SCOPED)


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__tablename__)
async def test_rows_of_tenant_b_are_invisible_from_tenant_a(
    platform: Platform, model: type[Any]
) -> None:
    a, b = await _two_tenants(platform)
    with use_context(RequestContext(tenant=b)):
        async with platform.uow() as uow:
            row = await make_row(uow, model)
            pk = _pk_filter(model, row)
            await uow.commit()
    with use_context(RequestContext(tenant=a)):
        async with platform.db.read_session() as session:
            listed = (await session.scalars(select(model))).all()
            assert all(item.tenant_id == a.id for item in listed)
            assert (await session.scalars(select(model).where(*pk))).first() is None
        async with platform.uow() as uow:
            # Any column will do: "set it to what it is" still matches rows only in tenant B.
            first_column = next(p.key for p in inspect(model).column_attrs if p.key != "tenant_id")
            changed = await uow.session.execute(
                update(model).where(*pk).values({first_column: getattr(row, first_column)})
            )
            removed = await uow.session.execute(delete(model).where(*pk))
            await uow.commit()
            assert changed.rowcount == 0  # type: ignore[attr-defined]
            assert removed.rowcount == 0  # type: ignore[attr-defined]
    with use_context(RequestContext(tenant=b)):
        async with platform.db.read_session() as session:
            assert (await session.scalars(select(model).where(*pk))).first() is not None
