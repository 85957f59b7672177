"""Per-tenant display numbers without gaps (``#1``, ``#2``, …).

The counter row is incremented by ``UPDATE … RETURNING`` inside the transaction that places
the order: concurrent checkouts queue on the row lock (PostgreSQL) or the single writer
(SQLite), and a checkout that rolls back rolls its increment back with it, so no number is
skipped or given twice. Checkout takes the number as its last lock, to hold it briefly.

Every checkout of a tenant queues on that one row, so on PostgreSQL the row is locked only
at the very end: the order is inserted (with its lines, reservations, payment) under a
provisional negative number, and one statement (:func:`assign_number`) increments the
counter and gives the order its number; then only the outbox insert and the commit follow.
On SQLite one writer runs at a time, so the number is taken before the order is inserted
(:func:`next_number`), one statement fewer.
"""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import current_context
from rustok.core.db.scoped_writes import execute_scoped
from rustok.core.db.upsert import upsert_for
from rustok.core.ids import new_id
from rustok.modules.commerce.orders.models import Order, Sequence

ORDER_SEQUENCE = "order"


# Both statements are built once and compiled once (core/db/scoped_writes.py adds the
# tenant's criteria as well). The tenant's bind is typed here: tenant_id takes its type from
# tenants.id, whose table a process may import after this module, and an untyped bind would
# hand sqlite3 a raw UUID.
_TENANT_ID = bindparam("counter_tenant_id", type_=Order.__table__.c.id.type)
_INCREMENT = (
    update(Sequence)
    .where(Sequence.name == bindparam("counter_name"))
    .values(last_value=Sequence.last_value + 1)
    .returning(Sequence.last_value)
    .execution_options(synchronize_session=False)
)
_COUNTER = (
    update(Sequence)
    .where(
        Sequence.tenant_id == _TENANT_ID,
        Sequence.name == bindparam("counter_name"),
    )
    .values(last_value=Sequence.last_value + 1)
    .returning(Sequence.last_value)
    .cte("next_number")
)
_ASSIGN = (
    update(Order)
    # Always true (a provisional number is negative): joins the two, for the FROM linter.
    .where(
        Order.id == bindparam("numbered_order_id"),
        Order.tenant_id == _TENANT_ID,
    )
    .where(Order.display_number < _COUNTER.c.last_value)
    # updated_at stays the creation time (its onupdate default is not applied here).
    .values(display_number=_COUNTER.c.last_value, updated_at=Order.updated_at)
    .returning(Order.display_number)
    .execution_options(synchronize_session=False)
)


async def _increment(session: AsyncSession, name: str) -> int | None:
    result = await execute_scoped(session, _INCREMENT, lambda: _INCREMENT, {"counter_name": name})
    value = result.scalar_one_or_none()
    return None if value is None else int(value)


def provisional_number(order_id: uuid.UUID) -> int:
    """A number no committed order has (negative), distinct for in-flight orders (from the
    random bits of the order's id; were two equal, the second insert would only wait for
    the first transaction, which renumbers its order before it commits)."""
    return -1 - order_id.int % (2**31 - 1)


async def _assign(session: AsyncSession, order_id: uuid.UUID, name: str) -> int | None:
    tenant_id = current_context().tenant_id
    assert tenant_id is not None
    values = {"numbered_order_id": order_id, "counter_tenant_id": tenant_id, "counter_name": name}
    result = await execute_scoped(session, _ASSIGN, lambda: _ASSIGN, values)
    value = result.scalar_one_or_none()
    return None if value is None else int(value)


async def assign_number(
    session: AsyncSession, order_id: uuid.UUID, name: str = ORDER_SEQUENCE
) -> int:
    """PostgreSQL: increment the counter and give the inserted order ``order_id`` its
    number, in one statement (a data-modifying CTE); returns the number."""
    value = await _assign(session, order_id, name)
    if value is None:
        await _create_counter(session, name)
        value = await _assign(session, order_id, name)
    assert value is not None
    return value


async def next_number(session: AsyncSession, name: str = ORDER_SEQUENCE) -> int:
    value = await _increment(session, name)
    if value is not None:
        return value
    await _create_counter(session, name)
    value = await _increment(session, name)
    assert value is not None
    return value


async def _create_counter(session: AsyncSession, name: str) -> None:
    # The tenant's first order: create the counter (a concurrent first order may win).
    tenant_id = current_context().tenant_id
    assert tenant_id is not None
    dialect = session.get_bind().dialect.name
    insert = upsert_for(dialect)
    await session.execute(
        insert(Sequence)
        .values(id=new_id(), tenant_id=tenant_id, name=name, last_value=0)
        .on_conflict_do_nothing(index_elements=["tenant_id", "name"])
    )
