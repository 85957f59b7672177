"""The unit prices of variants in a currency: the catalogue's price rows, one query for any
number of variants, chosen by the pricing rule (pricing/selection.py). The statement is
built once (the session adds the tenant's criteria when it runs)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import BindParameter, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.modules.commerce.catalog.models import Price, PriceList
from rustok.modules.commerce.pricing import PriceCandidate, select_unit_prices

_NOW: BindParameter[dt.datetime] = bindparam("now")
_ACTIVE_LIST = and_(
    PriceList.status == "active",
    or_(PriceList.starts_at.is_(None), PriceList.starts_at <= _NOW),
    or_(PriceList.ends_at.is_(None), PriceList.ends_at > _NOW),
)
_PRICE_ROWS = (
    select(Price.variant_id, Price.price_list_id, Price.amount, Price.min_quantity)
    .outerjoin(PriceList, PriceList.id == Price.price_list_id)
    .where(
        Price.variant_id.in_(bindparam("variant_ids", expanding=True)),
        Price.currency_code == bindparam("currency"),
        or_(Price.price_list_id.is_(None), _ACTIVE_LIST),
    )
)


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
    rows = await session.execute(
        _PRICE_ROWS,
        {"variant_ids": list(quantities), "currency": currency, "now": at or utcnow()},
    )
    candidates = (PriceCandidate(*row) for row in rows.tuples())
    return select_unit_prices(candidates, quantities)
