"""Bodies of the cart API."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
from msgspec import UNSET

from rustok.modules.commerce.fields import Code, CountryCode, CurrencyCode, Email, Quantity


class CartCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    currency_code: CurrencyCode | None = None
    email: Email | None = None


class CartItemCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    variant_id: uuid.UUID
    quantity: Quantity


class CartItemUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    quantity: Quantity


class CartUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH: ``null`` clears a field."""

    email: Email | msgspec.UnsetType | None = UNSET
    discount_code: Code | msgspec.UnsetType | None = UNSET
    shipping_method_id: uuid.UUID | msgspec.UnsetType | None = UNSET
    country_code: CountryCode | msgspec.UnsetType | None = UNSET


class CartItemRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str
    variant_title: str | None
    quantity: int
    unit_price: int
    subtotal: int
    discount: int
    total: int


class CartRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    token: str
    status: str
    currency_code: str
    email: str | None
    customer_id: uuid.UUID | None
    country_code: str | None
    discount_code: str | None
    shipping_method_id: uuid.UUID | None
    region_id: uuid.UUID | None
    items: list[CartItemRead]
    item_count: int
    subtotal: int
    discount_total: int
    tax_total: int
    shipping_total: int
    total: int
    order_id: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
