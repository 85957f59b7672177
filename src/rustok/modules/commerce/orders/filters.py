"""Which orders a list shows: status, payment status, placing date and a search by number
or e-mail (the admin's order list; the REST list filters by status only)."""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from rustok.core.db.text_match import contains_text
from rustok.modules.commerce.orders.models import Order
from rustok.modules.commerce.payments.models import Payment

ORDER_SORTS: Final[dict[str, InstrumentedAttribute[int] | InstrumentedAttribute[dt.datetime]]] = {
    "number": Order.display_number, "placed": Order.placed_at, "total": Order.total,
}  # fmt: skip


class OrderFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: str | None = None
    # The status of the order's payment (payments/service.py: PaymentStatus).
    payment: str | None = None
    # Placed on or after the first day and on or before the last (UTC days).
    placed_from: dt.date | None = None
    placed_to: dt.date | None = None
    # "#12" or "12": that order number; otherwise a substring of the e-mail address.
    q: str | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def order_filter(f: OrderFilter) -> Select[tuple[Order]]:
    statement = select(Order)
    if f.status is not None:
        statement = statement.where(Order.status == f.status)
    if f.payment is not None:
        paid = select(Payment.order_id).where(Payment.status == f.payment)
        statement = statement.where(Order.id.in_(paid))
    if f.placed_from is not None:
        statement = statement.where(Order.placed_at >= _day_start(f.placed_from))
    if f.placed_to is not None:
        next_day = _day_start(f.placed_to) + dt.timedelta(days=1)
        statement = statement.where(Order.placed_at < next_day)
    if f.q:
        text = f.q.strip()
        email = contains_text(Order.email, text)
        number = text.removeprefix("#")
        if number.isdigit() and len(number) <= 9:
            statement = statement.where(or_(Order.display_number == int(number), email))
        else:
            statement = statement.where(email)
    return statement
