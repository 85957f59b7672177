"""Structural tenant scoping (T-1): in the session, not in the queries.

A session knows its tenant (taken from the request context when the unit of work opens) and

- adds ``tenant_id = <tenant>`` to every ORM SELECT/UPDATE/DELETE touching a
  :class:`TenantScoped` model (``with_loader_criteria``, also for joins and lazy loads);
- stamps ``tenant_id`` on new rows at flush, and refuses rows of another tenant;
- refuses to run a tenant-scoped statement at all when it has no tenant.

Platform code that must cross tenants (the outbox relay, the tenant admin) opens its session
with ``all_tenants=True``: the escape hatch is explicit and greppable.
"""

from __future__ import annotations

import uuid
import weakref
from typing import Any, Final, TypeAlias

from sqlalchemy import Executable, ForeignKey, event, false
from sqlalchemy.orm import (
    LoaderCriteriaOption,
    Mapped,
    ORMExecuteState,
    Session,
    UOWTransaction,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from rustok.core.db.base import Base


class _AllTenants:
    def __repr__(self) -> str:
        return "ALL_TENANTS"


ALL_TENANTS: Final = _AllTenants()
TENANT_KEY: Final = "rustok_tenant_id"
# What a session's ``info[TENANT_KEY]`` holds: its tenant, every tenant, or none.
TenantMarker: TypeAlias = uuid.UUID | _AllTenants | None


class TenantContextMissing(RuntimeError):
    """A tenant-scoped statement ran in a session that has no tenant: a programming error."""


class TenantScoped:
    """Mix into every tenant-owned model: the session filters and fills ``tenant_id``."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


def tenant_scoped_models() -> list[type[Any]]:
    """Every mapped model that mixes in :class:`TenantScoped` (used by the isolation tests)."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, TenantScoped)),
        key=lambda cls: cls.__tablename__,
    )


class ScopedSession(Session):
    """The sync session under :class:`AsyncSession`, carrying the tenant in ``info``."""


def _session_tenant(session: Session) -> TenantMarker:
    value = session.info.get(TENANT_KEY)
    if value is None or isinstance(value, uuid.UUID | _AllTenants):
        return value
    raise TypeError(f"bad tenant marker {value!r}")


# Joins to scoped models from an unscoped root still match nothing.
_NO_TENANT_CRITERIA: Final = with_loader_criteria(
    TenantScoped, lambda cls: false(), include_aliases=True
)
# One option per tenant, built once: building it (its lambda analysed) cost more than the
# rest of scoping a statement. The tenant is the lambda's closure variable, a bound
# parameter of the cached SQL. Cleared when full, so it stays small.
_CRITERIA_CACHE_SIZE: Final = 1024
_tenant_criteria: dict[uuid.UUID, LoaderCriteriaOption] = {}


def _criteria_of(tenant: uuid.UUID) -> LoaderCriteriaOption:
    criteria = _tenant_criteria.get(tenant)
    if criteria is None:
        if len(_tenant_criteria) >= _CRITERIA_CACHE_SIZE:
            _tenant_criteria.clear()
        # A plain UUID: an equal one read by a driver (asyncpg's subclass) would be bound
        # as it is, and SQLite's adapter knows the plain type only.
        plain = uuid.UUID(int=tenant.int)
        criteria = with_loader_criteria(
            TenantScoped, lambda cls: cls.tenant_id == plain, include_aliases=True
        )
        _tenant_criteria[plain] = criteria
    return criteria


def _touches_scoped(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)


@event.listens_for(ScopedSession, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    tenant = _session_tenant(state.session)
    if tenant is ALL_TENANTS or state.is_column_load or state.is_relationship_load:
        return  # relationship/column loads inherit the criteria of their parent query
    if state.is_insert:
        if isinstance(tenant, uuid.UUID) and _touches_scoped(state):
            params: Any = state.parameters
            rows: list[dict[str, Any]] = (
                params if isinstance(params, list) else [params] if params else []
            )
            for row in rows:
                if row.setdefault("tenant_id", tenant) != tenant:
                    raise TenantContextMissing("insert of a row for another tenant")
        elif tenant is None and _touches_scoped(state):
            raise TenantContextMissing("insert into a tenant-scoped table without a tenant")
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if tenant is None:
        if _touches_scoped(state):
            raise TenantContextMissing("tenant-scoped query in a session without a tenant")
        criteria = _NO_TENANT_CRITERIA
    else:
        assert isinstance(tenant, uuid.UUID)  # ALL_TENANTS returned above
        criteria = _criteria_of(tenant)
    state.statement = _scoped(state.statement, criteria)


# Each statement with each tenant's criteria, kept while the statement lives: a statement
# built once (a module's constant) then gets the same scoped copy on every run, whose cache
# key SQLAlchemy computes once (a walk of the whole statement: about a third of running a
# short SELECT). Statements are immutable, so a copy stays right for its statement. A copy is
# kept from a statement's second run on (one built per call never comes back), and at most
# _MAX_SCOPED_COPIES in all (~5 KB each with its cache key: constants × tenants would grow
# without bound on a platform of many tenants): when full, every copy is dropped.
_MAX_SCOPED_COPIES: Final = 4096
_scoped_copies: weakref.WeakKeyDictionary[Executable, dict[LoaderCriteriaOption, Executable]]
_scoped_copies = weakref.WeakKeyDictionary()
_kept = [0]  # copies made since the last drop (some of them freed with their statement)


def _scoped(statement: Executable, criteria: LoaderCriteriaOption) -> Executable:
    copies = _scoped_copies.get(statement)
    if copies is None:  # its first run
        _scoped_copies[statement] = {}
        return statement.options(criteria)
    scoped = copies.get(criteria)
    if scoped is None:
        if _kept[0] >= _MAX_SCOPED_COPIES:
            _scoped_copies.clear()
            _kept[0] = 0
        scoped = statement.options(criteria)
        _scoped_copies.setdefault(statement, {})[criteria] = scoped
        _kept[0] += 1
    return scoped


@event.listens_for(ScopedSession, "before_flush")
def _stamp_tenant(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    tenant = _session_tenant(session)
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        current = getattr(obj, "tenant_id", None)
        if isinstance(tenant, uuid.UUID):
            if current is None:
                obj.tenant_id = tenant
            elif current != tenant:
                raise TenantContextMissing(f"new {type(obj).__name__} belongs to another tenant")
        elif current is None:
            raise TenantContextMissing(f"new {type(obj).__name__} without a tenant")
    if isinstance(tenant, uuid.UUID):
        for obj in session.dirty:
            if isinstance(obj, TenantScoped) and obj.tenant_id != tenant:
                raise TenantContextMissing(f"{type(obj).__name__} moved to another tenant")
