"""``insert_new`` (core/db/new_rows.py): rows inserted without the flush keep the session's
tenant scoping (stamped; another tenant's row refused) and get their defaults, on the
object too."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.core.db import TenantContextMissing
from rustok.core.db.new_rows import insert_new
from rustok.modules.commerce.orders.models import Sequence
from tests.modules.commerce.helpers import tenant_context


async def test_new_rows_get_the_tenant_and_their_defaults(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    context = await tenant_context(app)
    first, second = Sequence(name="first"), Sequence(name="second", last_value=7)
    with use_context(context):
        async with app.platform.uow() as uow:
            await insert_new(uow.session, [first, second])
            await uow.commit()
    assert isinstance(first.id, uuid.UUID) and first.last_value == 0  # defaults, kept
    async with app.platform.db.read_session(all_tenants=True) as session:
        rows = {r.name: r for r in await session.scalars(select(Sequence))}
    assert rows["first"].id == first.id
    assert (rows["first"].last_value, rows["second"].last_value) == (0, 7)
    assert rows["first"].tenant_id == rows["second"].tenant_id == context.tenant_id


async def test_a_new_row_of_another_tenant_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    context = await tenant_context(app)
    stranger = Sequence(name="stranger", tenant_id=uuid.UUID(int=12345))
    with use_context(context):
        async with app.platform.uow() as uow:
            with pytest.raises(TenantContextMissing):
                await insert_new(uow.session, [stranger])
    async with app.platform.db.read_session(all_tenants=True) as session:
        assert list(await session.scalars(select(Sequence.name))) == []
