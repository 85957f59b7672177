"""The unit prices of variants in a currency: the catalogue's price rows, one query for any
number of variants, chosen by the pricing rule (pricing/selection.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.modules.commerce.catalog.models import Price, PriceList
from rustok.modules.commerce.pricing import PriceCandidate, select_unit_prices


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
    candidates = (PriceCandidate(*row) for row in rows.tuples())
    return select_unit_prices(candidates, quantities)
