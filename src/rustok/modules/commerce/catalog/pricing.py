"""Which price a buyer pays: the lowest of the variant's base price and the prices of active
price lists whose ``min_quantity`` the line reaches, in the cart's currency (CO-2).

One query for any number of variants. A variant with no base price in the currency is not
for sale in it (``None``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.modules.commerce.catalog.models import Price, PriceList


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
    now = at or utcnow()
    active_list = and_(
        PriceList.status == "active",
        or_(PriceList.starts_at.is_(None), PriceList.starts_at <= now),
        or_(PriceList.ends_at.is_(None), PriceList.ends_at > now),
    )
    rows = await session.execute(
        select(Price.variant_id, Price.price_list_id, Price.amount, Price.min_quantity)
        .outerjoin(PriceList, PriceList.id == Price.price_list_id)
        .where(
            Price.variant_id.in_(list(quantities)),
            Price.currency_code == currency,
            or_(Price.price_list_id.is_(None), active_list),
        )
    )
    base: dict[uuid.UUID, int] = {}
    best: dict[uuid.UUID, int] = {}
    for variant_id, price_list_id, amount, min_quantity in rows.tuples():
        if min_quantity > quantities[variant_id]:
            continue
        if price_list_id is None:
            base[variant_id] = amount
        best[variant_id] = min(amount, best.get(variant_id, amount))
    return {v: (best[v] if v in base else None) for v in quantities}
