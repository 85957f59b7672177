"""Compiled scoped reads on a session's connection (core/db/scoped_rows.py): the session's
tenant only, refused without one, over scoped tables only, after the session's pending
changes; IN lists padded to a handful of shapes."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import bindparam, select

from rustok.auth.models import User
from rustok.core.context import RequestContext, use_context
from rustok.core.db.scoped_rows import fetch_scoped, in_list_size, in_list_values
from rustok.core.platform import Platform
from rustok.core.scoped_sql import UnscopedRead
from rustok.tenancy.models import Tenant
from tests.core.two_tenants import two_tenants

_EMAILS = select(User.email).order_by(User.email)
_BY_EMAIL = select(User.email).where(User.email == bindparam("email"))


async def test_a_read_returns_the_rows_of_the_sessions_tenant_only(platform: Platform) -> None:
    a, b = await two_tenants(platform)
    for tenant, expected in ((a, ["a1@example.com", "a2@example.com"]), (b, ["b@example.com"])):
        with use_context(RequestContext(tenant=tenant)):
            async with platform.uow() as uow:
                rows = await fetch_scoped(uow.session, _EMAILS, lambda: _EMAILS, {})
        assert [email for (email,) in rows] == expected


async def test_a_read_sees_what_the_unit_of_work_has_not_flushed_yet(platform: Platform) -> None:
    a, _ = await two_tenants(platform)
    with use_context(RequestContext(tenant=a)):
        async with platform.uow() as uow:
            uow.session.add(User(email="new@example.com", password_hash="x", meta={}))
            rows = await fetch_scoped(
                uow.session, _BY_EMAIL, lambda: _BY_EMAIL, {"email": "new@example.com"}
            )
            assert rows == [("new@example.com",)]
            await uow.rollback()


async def test_a_session_without_one_tenant_cannot_read(platform: Platform) -> None:
    await two_tenants(platform)
    async with platform.uow(all_tenants=True) as uow:
        with pytest.raises(UnscopedRead):
            await fetch_scoped(uow.session, _EMAILS, lambda: _EMAILS, {})
    async with platform.db.read_session() as session:  # no context: no tenant
        with pytest.raises(UnscopedRead):
            await fetch_scoped(session, _EMAILS, lambda: _EMAILS, {})


async def test_a_table_without_a_tenant_cannot_be_read(platform: Platform) -> None:
    a, _ = await two_tenants(platform)
    tenants = select(Tenant.slug)
    with use_context(RequestContext(tenant=a)), pytest.raises(UnscopedRead, match="tenant_id"):
        async with platform.uow() as uow:
            await fetch_scoped(uow.session, ("tenants",), lambda: tenants, {})


def test_in_lists_come_in_powers_of_two_padded_with_their_last_value() -> None:
    assert [in_list_size(n) for n in (1, 2, 3, 4, 5, 9, 100)] == [1, 2, 4, 4, 8, 16, 128]
    ids = [uuid.UUID(int=n) for n in (1, 2, 3)]
    assert in_list_values("id", ids) == {"id0": ids[0], "id1": ids[1], "id2": ids[2], "id3": ids[2]}
