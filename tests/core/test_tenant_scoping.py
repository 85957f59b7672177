"""Structural tenant scoping in the data layer (T-1)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import with_loader_criteria

from rustok.auth.models import User
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.db import TenantContextMissing, tenant_scoped_models
from rustok.core.platform import Platform
from rustok.rbac.models import Role
from rustok.tenancy.models import DEFAULT_TENANT_ID
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService, tenant_ref


async def _two_tenants(platform: Platform) -> tuple[TenantRef, TenantRef]:
    service = TenantService(platform)
    a = tenant_ref(await service.get(DEFAULT_TENANT_ID))
    b = tenant_ref(await service.create(TenantCreate(slug="other", name="Other")))
    return a, b


async def _tenant(platform: Platform, slug: str) -> TenantRef:
    return tenant_ref(await TenantService(platform).create(TenantCreate(slug=slug, name=slug)))


async def _add_user(platform: Platform, tenant: TenantRef, email: str) -> uuid.UUID:
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            user = User(email=email, password_hash="x", meta={})
            uow.session.add(user)
            await uow.commit()
            assert user.tenant_id == tenant.id  # stamped from the context
            return user.id


async def test_reads_are_filtered_by_the_context_tenant(platform: Platform) -> None:
    a, b = await _two_tenants(platform)
    a_user = await _add_user(platform, a, "a@example.com")
    b_user = await _add_user(platform, b, "b@example.com")
    with use_context(RequestContext(tenant=a)):
        async with platform.db.read_session() as session:
            emails = set(await session.scalars(select(User.email)))
            assert emails == {"a@example.com"}
            assert await session.get(User, b_user) is None
            assert (await session.get(User, a_user)) is not None
            # Joins to scoped models are filtered too.
            roles = await session.scalar(
                select(func.count()).select_from(Role).join(User, Role.tenant_id == User.tenant_id)
            )
            assert roles == 4


async def test_updates_and_deletes_cannot_touch_another_tenant(platform: Platform) -> None:
    a, b = await _two_tenants(platform)
    b_user = await _add_user(platform, b, "b@example.com")
    with use_context(RequestContext(tenant=a)):
        async with platform.uow() as uow:
            changed = await uow.session.execute(
                update(User).where(User.id == b_user).values(name="pwned")
            )
            deleted = await uow.session.execute(delete(User).where(User.id == b_user))
            await uow.commit()
    assert changed.rowcount == 0  # type: ignore[attr-defined]
    assert deleted.rowcount == 0  # type: ignore[attr-defined]
    with use_context(RequestContext(tenant=b)):
        async with platform.db.read_session() as session:
            user = await session.get(User, b_user)
            assert user is not None and user.name is None


async def test_queries_without_a_tenant_are_refused(platform: Platform) -> None:
    async with platform.db.read_session() as session:
        with pytest.raises(TenantContextMissing):
            await session.scalars(select(User))
    async with platform.uow() as uow:
        uow.session.add(User(email="x@example.com", password_hash="x", meta={}))
        with pytest.raises(TenantContextMissing):
            await uow.session.flush()


async def test_rows_for_another_tenant_are_refused(platform: Platform) -> None:
    a, b = await _two_tenants(platform)
    with use_context(RequestContext(tenant=a)):
        async with platform.uow() as uow:
            uow.session.add(User(email="x@example.com", password_hash="x", meta={}, tenant_id=b.id))
            with pytest.raises(TenantContextMissing):
                await uow.session.flush()
        async with platform.uow() as uow:
            with pytest.raises(TenantContextMissing):
                await uow.session.execute(
                    insert(User),
                    [
                        {
                            "email": "y@example.com",
                            "password_hash": "x",
                            "meta": {},
                            "tenant_id": b.id,
                        }
                    ],
                )
        async with platform.uow() as uow:
            # Bulk inserts get the context tenant when they do not name one.
            await uow.session.execute(
                insert(User), [{"email": "z@example.com", "password_hash": "x", "meta": {}}]
            )
            await uow.commit()
        async with platform.db.read_session() as session:
            assert (
                await session.scalar(select(User.tenant_id).where(User.email == "z@example.com"))
                == a.id
            )


def test_every_tenant_owned_table_is_scoped() -> None:
    import rustok.migrations

    metadata = rustok.migrations.load_models()
    scoped = {m.__tablename__ for m in tenant_scoped_models()}
    platform_owned = {"sys_events", "sys_event_dead_letters"}
    with_tenant_column = {
        t.name
        for t in metadata.tables.values()
        if "tenant_id" in t.c and t.name not in platform_owned
    }
    # The outbox tables are platform-owned (the relay and the event admin read across
    # tenants); everything else is scoped.
    assert scoped == with_tenant_column
    assert {"users", "sessions", "roles", "permissions", "role_permissions", "user_roles",
            "tenant_modules", "tenant_locales"} <= scoped  # fmt: skip


async def test_one_statement_built_once_runs_scoped_to_each_tenant_in_turn(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement built once (with a bound parameter) gets each session's tenant criteria;
    the criteria option of a tenant is built once and reused, never shared across tenants."""
    import rustok.core.db.tenant_scope as tenant_scope

    a, b = await _two_tenants(platform)
    await _add_user(platform, a, "a@example.com")
    await _add_user(platform, b, "b@example.com")
    built: list[object] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return with_loader_criteria(*args, **kwargs)

    monkeypatch.setattr(tenant_scope, "with_loader_criteria", counting)
    tenant_scope._tenant_criteria.clear()
    emails = select(User.email).where(User.email.like(bindparam("pattern")))
    seen = []
    for tenant in (a, b, a, b, a):
        with use_context(RequestContext(tenant=tenant)):
            async with platform.db.read_session() as session:
                seen.append(set(await session.scalars(emails, {"pattern": "%@example.com"})))
    assert seen == [{"a@example.com"}, {"b@example.com"}] * 2 + [{"a@example.com"}]
    assert len(built) == 2  # one option per tenant, not one per statement


class DriverUUID(uuid.UUID):
    """A tenant id as a driver may read it (asyncpg returns a subclass of ``uuid.UUID``)."""


async def test_a_tenant_id_read_as_a_uuid_subclass_scopes_like_the_plain_one(
    platform: Platform,
) -> None:
    """The criteria of a tenant are kept for its plain id: one process may meet the same
    tenant id as asyncpg's subclass (PostgreSQL) and as ``uuid.UUID`` (SQLite)."""
    a, _ = await _two_tenants(platform)
    await _add_user(platform, a, "a@example.com")
    as_driver_read = dataclasses.replace(a, id=DriverUUID(int=a.id.int))
    seen = []
    for tenant in (as_driver_read, a):
        with use_context(RequestContext(tenant=tenant)):
            async with platform.db.read_session() as session:
                seen.append(set(await session.scalars(select(User.email))))
    assert seen == [{"a@example.com"}, {"a@example.com"}]


async def test_a_statement_built_once_gets_one_scoped_copy_per_tenant(platform: Platform) -> None:
    """From its second run on, each run of a statement built once with one tenant's
    criteria is the same statement (SQLAlchemy computes its cache key once, not a walk of
    the statement per run); another tenant gets its own copy, and each copy reads its
    tenant's rows only."""
    from sqlalchemy import event

    from rustok.core.db.tenant_scope import ScopedSession

    a, b = await _two_tenants(platform)
    await _add_user(platform, a, "a@example.com")
    await _add_user(platform, b, "b@example.com")
    ran: list[object] = []

    def record(state: Any) -> None:  # after the scoping listener: what actually runs
        ran.append(state.statement)

    emails = select(User.email).where(User.email.like(bindparam("pattern")))
    seen = []
    event.listen(ScopedSession, "do_orm_execute", record)
    try:
        for tenant in (a, b, a, b, a, b):
            with use_context(RequestContext(tenant=tenant)):
                async with platform.db.read_session() as session:
                    seen.append(set(await session.scalars(emails, {"pattern": "%@example.com"})))
    finally:
        event.remove(ScopedSession, "do_orm_execute", record)
    assert seen == [{"a@example.com"}, {"b@example.com"}] * 3
    assert ran[2] is ran[4] and ran[3] is ran[5]
    assert ran[2] is not ran[3] and emails not in ran


async def test_scoped_copies_are_bounded_over_many_tenants(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement run for ever more tenants keeps at most the bound's copies (a platform of
    many tenants would otherwise hold constants × tenants of them); its answers stay right."""
    from rustok.core.db import tenant_scope

    monkeypatch.setattr(tenant_scope, "_MAX_SCOPED_COPIES", 3)
    tenants = [await _tenant(platform, f"t{n}") for n in range(6)]
    for n, tenant in enumerate(tenants):
        await _add_user(platform, tenant, f"u{n}@example.com")
    emails = select(User.email)
    for _ in range(2):
        for n, tenant in enumerate(tenants):
            with use_context(RequestContext(tenant=tenant)):
                async with platform.db.read_session() as session:
                    assert set(await session.scalars(emails)) == {f"u{n}@example.com"}
            assert len(tenant_scope._scoped_copies.get(emails, {})) <= 3
    assert sum(len(copies) for copies in tenant_scope._scoped_copies.values()) <= 3
