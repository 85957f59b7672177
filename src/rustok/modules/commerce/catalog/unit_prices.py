"""The unit prices of variants in a currency: the catalogue's price rows, one query for any
number of variants, chosen by the pricing rule (pricing/selection.py). The statement is
compiled once per size of its IN list, with the tenant's criteria, and run on the session's
connection (core/db/scoped_rows.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec
from sqlalchemy import BindParameter, Select, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.core.db.scoped_rows import fetch_scoped, in_list_size, in_list_values
from rustok.modules.commerce.catalog.models import Price, PriceList
from rustok.modules.commerce.pricing import PriceCandidate, select_unit_prices

_NOW: BindParameter[dt.datetime] = bindparam("now")
_ACTIVE_LIST = and_(
    PriceList.status == "active",
    or_(PriceList.starts_at.is_(None), PriceList.starts_at <= _NOW),
    or_(PriceList.ends_at.is_(None), PriceList.ends_at > _NOW),
)


def _price_rows(size: int) -> Select[Any]:
    ids: list[BindParameter[uuid.UUID]] = [bindparam(f"variant_id{n}") for n in range(size)]
    return (
        select(Price.variant_id, Price.price_list_id, Price.amount, Price.min_quantity)
        .outerjoin(PriceList, PriceList.id == Price.price_list_id)
        .where(
            Price.variant_id.in_(ids),
            Price.currency_code == bindparam("currency"),
            or_(Price.price_list_id.is_(None), _ACTIVE_LIST),
        )
    )


class _PriceRow(msgspec.Struct, array_like=True, frozen=True, gc=False):
    variant_id: uuid.UUID
    price_list_id: uuid.UUID | None
    amount: int
    min_quantity: int


async def unit_prices(
    session: AsyncSession,
    currency: str,
    quantities: Mapping[uuid.UUID, int],
    *,
    at: dt.datetime | None = None,
) -> dict[uuid.UUID, int | None]:
    """The unit price of each variant for its quantity (``None``: not sold in ``currency``)."""
    if not quantities:
        return {}
    size = in_list_size(len(quantities))
    values = in_list_values("variant_id", list(quantities))
    values |= {"currency": currency, "now": at or utcnow()}
    rows = await fetch_scoped(session, ("unit_prices", size), lambda: _price_rows(size), values)
    candidates = (
        PriceCandidate(row.variant_id, row.price_list_id, row.amount, row.min_quantity)
        for row in msgspec.convert(rows, list[_PriceRow], strict=False)  # SQLite: hex UUIDs
    )
    return select_unit_prices(candidates, quantities)
