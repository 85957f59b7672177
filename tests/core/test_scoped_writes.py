"""Compiled scoped UPDATEs on a session's connection (core/db/scoped_writes.py): the
session's tenant's rows only, refused without one tenant or over a table without one, after
the session's pending changes, with the values converted as the ORM converts them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import bindparam, select, update

from rustok.auth.models import User
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.db.scoped_rows import fetch_scoped
from rustok.core.db.scoped_writes import execute_scoped
from rustok.core.platform import Platform
from rustok.core.scoped_sql import UnscopedRead
from rustok.tenancy.models import Tenant
from tests.core.two_tenants import two_tenants

_EVERY_HASH = update(User).values(password_hash=bindparam("hash"))
_RENAME = (
    update(User)
    .where(User.email == bindparam("old"))
    .values(email=bindparam("new"))
    .returning(User.id, User.email)
)
_HASHES = select(User.email, User.password_hash).order_by(User.email)
_UPDATED = select(User.updated_at).order_by(User.email)


async def _hashes(platform: Platform, tenant: TenantRef) -> list[tuple[str, str]]:
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            return [
                (e, h) for e, h in await fetch_scoped(uow.session, _HASHES, lambda: _HASHES, {})
            ]


async def _updated_at(platform: Platform, tenant: TenantRef) -> list[dt.datetime]:
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            rows = await fetch_scoped(uow.session, "upd", lambda: _UPDATED, {})
    # SQLite: text; PostgreSQL: datetimes.
    return [dt.datetime.fromisoformat(u) if isinstance(u, str) else u for (u,) in rows]


async def test_an_update_changes_the_rows_of_the_sessions_tenant_only(platform: Platform) -> None:
    a, b = await two_tenants(platform)
    before = await _updated_at(platform, a)
    with use_context(RequestContext(tenant=a)):
        async with platform.uow() as uow:
            result = await execute_scoped(uow.session, "hash", lambda: _EVERY_HASH, {"hash": "y"})
            assert result.rowcount == 2
            await uow.commit()
    assert await _hashes(platform, a) == [("a1@example.com", "y"), ("a2@example.com", "y")]
    assert await _hashes(platform, b) == [("b@example.com", "x")]
    after = await _updated_at(platform, a)  # the column's onupdate, as the ORM applies it
    assert all(later > earlier for earlier, later in zip(before, after, strict=True))


async def test_an_update_sees_pending_rows_and_returns_driver_rows(platform: Platform) -> None:
    a, _ = await two_tenants(platform)
    with use_context(RequestContext(tenant=a)):
        async with platform.uow() as uow:
            user = User(email="new@example.com", password_hash="x", meta={})
            uow.session.add(user)
            result = await execute_scoped(
                uow.session, "rename", lambda: _RENAME,
                {"old": "new@example.com", "new": "renamed@example.com"},
            )  # fmt: skip
            ((user_id, email),) = result.all()
            assert (uuid.UUID(str(user_id)), email) == (user.id, "renamed@example.com")
            await uow.rollback()


async def test_a_value_left_out_is_refused(platform: Platform) -> None:
    a, _ = await two_tenants(platform)
    with use_context(RequestContext(tenant=a)), pytest.raises(KeyError, match="hash"):
        async with platform.uow() as uow:
            await execute_scoped(uow.session, "hash", lambda: _EVERY_HASH, {})


async def test_a_session_without_one_tenant_cannot_write(platform: Platform) -> None:
    await two_tenants(platform)
    async with platform.uow(all_tenants=True) as uow:
        with pytest.raises(UnscopedRead):
            await execute_scoped(uow.session, "hash", lambda: _EVERY_HASH, {"hash": "y"})
    async with platform.db.read_session() as session:  # no context: no tenant
        with pytest.raises(UnscopedRead):
            await execute_scoped(session, "hash", lambda: _EVERY_HASH, {"hash": "y"})


async def test_a_table_without_a_tenant_cannot_be_written(platform: Platform) -> None:
    a, _ = await two_tenants(platform)
    rename = update(Tenant).values(name=bindparam("name"))
    with use_context(RequestContext(tenant=a)), pytest.raises(UnscopedRead, match="tenant"):
        async with platform.uow() as uow:
            await execute_scoped(uow.session, ("tenants",), lambda: rename, {"name": "x"})
