"""Order mails (W-7): the customer hears that their order was placed, paid, shipped (with the
tracking number) or cancelled (and refunded).

The ``commerce.order_mails`` consumer turns each such event into one mail row through the
mail package's :func:`~rustok.mail.queue.queue_mail`, in the consumer's own unit of work:
the inbox mark and the row commit together, so a redelivered event never mails twice and a
crash before the commit loses nothing. The order is read by id at that moment (with its
cart's token, then its lines) and its lines, totals, address and tracking go into the row,
so the mail shows what the customer bought.

Recipient: the order's email. Language: the order's ``locale``, chosen at checkout by
:func:`customer_locale` (the body's ``locale``, else the best ``Accept-Language`` match among
the tenant's locales, else the tenant's default); orders placed before it existed use the
tenant's default.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import bindparam, select

from rustok.core.consumer import consumer
from rustok.core.context import current_context
from rustok.core.errors import field_error
from rustok.core.events import Envelope
from rustok.core.uow import UnitOfWork
from rustok.mail.queue import queue_mail
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.events import OrderCancelled, OrderPlaced, OrderStatusChanged
from rustok.modules.commerce.orders.lookup import lookup_token
from rustok.modules.commerce.orders.models import Order, OrderLine
from rustok.modules.commerce.orders.queries import to_order_read
from rustok.modules.commerce.orders.schemas import OrderRead
from rustok.modules.content.interface import negotiate

ADDRESS_FIELDS = (
    "first_name", "last_name", "company", "address1", "address2", "city", "province",
    "postal_code", "country_code", "phone",
)  # fmt: skip
OrderNews = OrderPlaced | OrderStatusChanged | OrderCancelled


def customer_locale(requested: str | None, accept_language: str | None) -> str:
    """The language of a new order's mails, among the current tenant's locales.

    An explicit ``requested`` locale the tenant does not offer (not even by its language:
    ``ru-RU`` matches ``ru``) is a 400 naming ``locale``.
    """
    tenant = current_context().tenant
    if tenant is None:
        return requested or "en"
    enabled = list(dict.fromkeys([tenant.default_locale, *(loc for loc, _ in tenant.locales)]))
    if requested is not None:
        found = negotiate(requested, enabled)
        if found is None:
            raise field_error("locale", f"this shop writes in {', '.join(enabled)} only")
        return found
    return negotiate(accept_language, enabled) or tenant.default_locale


def template_for(payload: OrderNews) -> str | None:
    match payload:
        case OrderPlaced():
            return "order/placed"
        case OrderStatusChanged(new_status="paid"):
            return "order/paid"
        case OrderStatusChanged(new_status="shipped"):
            return "order/shipped"
        case OrderCancelled():
            return "order/cancelled"
    return None  # other transitions (confirmed, delivered, the status change of a cancel)


def order_mail_data(order: OrderRead) -> dict[str, Any]:
    """What an order mail shows (the shape of ``rustok.mail.catalogue``'s order sample)."""
    address = order.shipping_address
    lines = [
        {"title": x.title, "variant_title": x.variant_title, "sku": x.sku,
         "quantity": x.quantity, "unit_price": x.unit_price, "subtotal": x.subtotal,
         "total": x.total}
        for x in order.lines
    ]  # fmt: skip
    data = {
        "id": str(order.id), "number": order.display_number, "status": order.status,
        "email": order.email, "currency": order.currency_code, "subtotal": order.subtotal,
        "discount_total": order.discount_total, "tax_total": order.tax_total,
        "shipping_total": order.shipping_total, "total": order.total,
        "discount_code": order.discount_code, "shipping_method": order.shipping_method_name,
        "shipping_address": {k: address.get(k) for k in ADDRESS_FIELDS}, "lines": lines,
        "placed_at": order.placed_at.isoformat(), "tracking_number": order.tracking_number,
        "carrier": order.carrier, "cancel_reason": order.cancel_reason,
        "refunded": order.refunded,
    }  # fmt: skip
    name = " ".join(str(address.get(k) or "") for k in ("first_name", "last_name")).strip()
    return {"order": msgspec.to_builtins(data), "customer_name": name or order.email}


@consumer("commerce.order_mails", on=[OrderPlaced, OrderStatusChanged, OrderCancelled])
async def mail_order_news(payload: OrderNews, envelope: Envelope, uow: UnitOfWork) -> None:
    """One mail per order event that the customer should hear about."""
    template = template_for(payload)
    if template is None:
        return
    found = await uow.session.execute(_ORDER_AND_CART_TOKEN, {"order_id": payload.order_id})
    row = found.tuples().first()
    if row is None:
        return
    order, cart_token = row
    lines = await uow.session.scalars(_LINES, {"order_id": order.id})
    # What a mail shows of the order: neither its history nor its payment.
    read = to_order_read(order, list(lines), [], None)
    tenant = current_context().tenant
    locale = order.locale or (tenant.default_locale if tenant else "en")
    data = order_mail_data(read)
    if isinstance(payload, OrderPlaced):
        data["order"]["lookup_token"] = lookup_token(cart_token, order.id)
    queue_mail(uow, to=order.email, template=template, locale=locale, data=data)


# Built once, run with the event's order id (the session adds the tenant's criteria, to the
# join's ON clause for the cart): the order and its cart's token in one statement, its lines
# in a second (they were five: the order, its lines, history and payment, then the cart).
_ORDER_AND_CART_TOKEN = (
    select(Order, Cart.token)
    .outerjoin(Cart, Cart.id == Order.cart_id)
    .where(Order.id == bindparam("order_id"))
)
_LINES = select(OrderLine).where(OrderLine.order_id == bindparam("order_id"))
