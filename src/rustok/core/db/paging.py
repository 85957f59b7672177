"""Page-numbered reads: a page of a statement's rows and the count of all of them."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def fetch_page(
    session: AsyncSession, statement: Select[tuple[T]], *, page: int, per_page: int
) -> tuple[list[T], int]:
    """Page ``page`` (from 1) of an ordered ``statement``'s entities, and the total count.

    The count runs on the statement as a subquery, so its filters — and the tenant scope
    the session adds — apply to both.
    """
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    rows = await session.scalars(statement.offset((page - 1) * per_page).limit(per_page))
    return list(rows), total or 0
