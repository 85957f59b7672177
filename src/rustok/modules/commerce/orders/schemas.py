"""Bodies of the order API: the order as read, and the transitions' data."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from rustok.modules.commerce.fields import NOT_BLANK, Text
from rustok.modules.commerce.orders.state import OrderAction, OrderStatus
from rustok.modules.commerce.payments.service import PaymentRead

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]


class OrderPay(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Without ``payment_id`` the payment made at checkout is captured and used."""

    payment_id: Text | None = None


class OrderShip(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    tracking_number: Text
    carrier: Text | None = None


class OrderCancel(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason | None = None


class OrderLineRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    variant_id: uuid.UUID | None
    product_id: uuid.UUID | None
    sku: str
    title: str
    variant_title: str | None
    quantity: int
    unit_price: int
    subtotal: int
    discount_total: int
    total: int


class OrderHistoryRead(msgspec.Struct, frozen=True, kw_only=True):
    action: str
    from_status: str | None
    to_status: str
    actor_id: uuid.UUID | None
    data: dict[str, str | None]
    created_at: dt.datetime


class OrderRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    display_number: int
    status: OrderStatus
    allowed_actions: list[OrderAction]
    email: str
    customer_id: uuid.UUID | None
    currency_code: str
    subtotal: int
    discount_total: int
    tax_total: int
    shipping_total: int
    total: int
    tax_rate_bps: int
    discount_code: str | None
    shipping_method_id: uuid.UUID | None
    shipping_method_name: str | None
    shipping_address: dict[str, str | None]
    billing_address: dict[str, str | None] | None
    payment_provider: str
    payment: PaymentRead | None
    inventory_reserved: bool
    payment_id: str | None
    tracking_number: str | None
    carrier: str | None
    cancel_reason: str | None
    refunded: bool
    lines: list[OrderLineRead]
    history: list[OrderHistoryRead]
    placed_at: dt.datetime
    confirmed_at: dt.datetime | None
    paid_at: dt.datetime | None
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    updated_at: dt.datetime
    # In the checkout's answer only: with the number and email it finds the order again
    # without an account (POST /api/store/orders/lookup, orders/lookup.py).
    lookup_token: str | None = None


class OrderPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[OrderRead]
    page: int
    per_page: int
    total: int
