"""Commerce's dashboard panel: orders and revenue per currency (today, 7 days) and the
variants running low. Two statements (the sales aggregate, the low-stock list)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, func, select

from rustok.core.db import utcnow
from rustok.core.platform import Platform
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.models import Variant
from rustok.modules.commerce.inventory.models import InventoryLevel
from rustok.modules.commerce.orders.models import Order
from rustok.web.admin.panels import DashboardPanel

LOW_STOCK_SHOWN = 10
# Orders that never became sales are not revenue.
NOT_SALES = ("cancelled",)


def _midnight(days_ago: int) -> dt.datetime:
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=days_ago)


async def sales_panel(platform: Platform) -> Mapping[str, Any]:
    today, week = _midnight(0), _midnight(6)
    is_today = Order.created_at >= today
    sales = (
        select(
            Order.currency_code,
            func.sum(case((is_today, 1), else_=0)),
            func.sum(case((is_today, Order.total), else_=0)),
            func.count(),
            func.sum(Order.total),
        )
        .where(Order.created_at >= week, Order.status.not_in(NOT_SALES))
        .group_by(Order.currency_code)
        .order_by(Order.currency_code)
    )
    available = InventoryLevel.stocked - InventoryLevel.reserved
    low = (
        select(Variant.sku, func.sum(available), func.min(InventoryLevel.low_stock_threshold))
        .join(InventoryLevel, InventoryLevel.variant_id == Variant.id)
        .group_by(Variant.id, Variant.sku)
        .having(func.sum(available) <= func.min(InventoryLevel.low_stock_threshold))
        .order_by(func.sum(available), Variant.sku)
        .limit(LOW_STOCK_SHOWN)
    )
    async with platform.db.read_session() as session:
        currencies = [
            {"currency": r[0], "orders_today": int(r[1] or 0), "revenue_today": int(r[2] or 0),
             "orders_week": int(r[3]), "revenue_week": int(r[4] or 0)}
            for r in (await session.execute(sales)).all()
        ]  # fmt: skip
        low_stock = [
            {"sku": r[0], "available": int(r[1] or 0), "threshold": int(r[2] or 0)}
            for r in (await session.execute(low)).all()
        ]
    return {"currencies": currencies, "low_stock": low_stock}


SALES_PANEL = DashboardPanel("commerce", "commerce/panel_sales.html", perm.ORDERS_LIST, sales_panel)
