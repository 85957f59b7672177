"""Per-tenant display numbers without gaps (``#1``, ``#2``, …).

The counter row is incremented by ``UPDATE … RETURNING`` inside the transaction that places
the order: concurrent checkouts queue on the row lock (PostgreSQL) or the single writer
(SQLite), and a checkout that rolls back rolls its increment back with it, so no number is
skipped or given twice. Checkout takes the number as its last lock, to hold it briefly.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import current_context
from rustok.core.ids import new_id
from rustok.modules.commerce.orders.models import Sequence

ORDER_SEQUENCE = "order"


async def _increment(session: AsyncSession, name: str) -> int | None:
    result = await session.execute(
        update(Sequence)
        .where(Sequence.name == name)
        .values(last_value=Sequence.last_value + 1)
        .returning(Sequence.last_value)
        .execution_options(synchronize_session=False)
    )
    value = result.scalar_one_or_none()
    return None if value is None else int(value)


async def next_number(session: AsyncSession, name: str = ORDER_SEQUENCE) -> int:
    value = await _increment(session, name)
    if value is not None:
        return value
    # The tenant's first order: create the counter (a concurrent first order may win).
    tenant_id = current_context().tenant_id
    assert tenant_id is not None
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(Sequence)
        .values(id=new_id(), tenant_id=tenant_id, name=name, last_value=0)
        .on_conflict_do_nothing(index_elements=["tenant_id", "name"])
    )
    value = await _increment(session, name)
    assert value is not None
    return value
