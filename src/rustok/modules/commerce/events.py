"""Commerce event types: products, variants, inventory, prices, carts, checkout, orders,
payments.

Money is integer minor units with an ISO 4217 code. Product, variant, inventory and price
events are ordered per product (the storefront read model is one row per product); cart,
checkout, order and payment events per cart or order.
"""

from __future__ import annotations

import uuid
from typing import Literal

from rustok.core.events import (
    CurrencyCode,
    EventPayload,
    NonNegative,
    Positive,
    Text50,
    Text64,
    Text500,
)

OrderStatus = Literal["pending", "confirmed", "paid", "shipped", "delivered", "cancelled"]
InventoryReason = Literal["adjust", "set", "reserve", "release", "fulfil"]


class _ProductEvent(EventPayload, frozen=True, kw_only=True):
    product_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.product_id


class ProductCreated(_ProductEvent, frozen=True, kw_only=True):
    event_type = "product.created"


class ProductUpdated(_ProductEvent, frozen=True, kw_only=True):
    event_type = "product.updated"


class ProductPublished(_ProductEvent, frozen=True, kw_only=True):
    event_type = "product.published"


class ProductUnpublished(_ProductEvent, frozen=True, kw_only=True):
    """An active (or archived) product went back to draft."""

    event_type = "product.unpublished"


class ProductArchived(_ProductEvent, frozen=True, kw_only=True):
    event_type = "product.archived"


class ProductDeleted(_ProductEvent, frozen=True, kw_only=True):
    event_type = "product.deleted"


class _CatalogCategoryEvent(EventPayload, frozen=True, kw_only=True):
    category_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.category_id


class CatalogCategoryUpdated(_CatalogCategoryEvent, frozen=True, kw_only=True):
    """A catalogue category's name, handle or place in the tree changed."""

    event_type = "catalog_category.updated"


class CatalogCategoryDeleted(_CatalogCategoryEvent, frozen=True, kw_only=True):
    """A catalogue category is gone; its products lose it, its children move up."""

    event_type = "catalog_category.deleted"


class _CollectionEvent(EventPayload, frozen=True, kw_only=True):
    collection_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.collection_id


class CollectionDeleted(_CollectionEvent, frozen=True, kw_only=True):
    """A collection is gone; its products are no longer in it."""

    event_type = "collection.deleted"


class _VariantEvent(_ProductEvent, frozen=True, kw_only=True):
    variant_id: uuid.UUID


class VariantCreated(_VariantEvent, frozen=True, kw_only=True):
    event_type = "variant.created"


class VariantUpdated(_VariantEvent, frozen=True, kw_only=True):
    event_type = "variant.updated"


class VariantDeleted(_VariantEvent, frozen=True, kw_only=True):
    event_type = "variant.deleted"


class _StockEvent(_VariantEvent, frozen=True, kw_only=True):
    # A real stock location, never nil (the original sent a nil id here).
    location_id: uuid.UUID


class InventoryUpdated(_StockEvent, frozen=True, kw_only=True):
    """Stock of a variant at one location changed.

    ``old_quantity``/``new_quantity`` are the *available* units (stocked minus reserved, 0
    when a backorder took it below); ``stocked`` and ``reserved`` are the new counts.
    """

    event_type = "inventory.updated"
    old_quantity: NonNegative
    new_quantity: NonNegative
    stocked: NonNegative | None = None
    reserved: NonNegative | None = None
    reason: InventoryReason | None = None


class InventoryLow(_StockEvent, frozen=True, kw_only=True):
    """Stock fell to or below the threshold (the original fired only strictly below)."""

    event_type = "inventory.low"
    remaining: NonNegative
    threshold: NonNegative

    def check(self) -> None:
        if self.remaining > self.threshold:
            raise ValueError("remaining must be at or below threshold - at `$.remaining`")


class InventoryReserved(_StockEvent, frozen=True, kw_only=True):
    """Stock was reserved for an order at checkout."""

    event_type = "inventory.reserved"
    order_id: uuid.UUID
    quantity: Positive


class InventoryReleased(_StockEvent, frozen=True, kw_only=True):
    """A reservation was released (order cancelled or reservation expired)."""

    event_type = "inventory.released"
    order_id: uuid.UUID
    quantity: Positive


class PriceUpdated(_VariantEvent, frozen=True, kw_only=True):
    """A variant's base price in one currency was set, or its amount or compare-at changed.

    Version 2 added the compare-at amounts (a change of the compare-at alone raises it too);
    a version 1 payload reads as one without them.
    """

    event_type = "price.updated"
    schema_version = 2
    currency: CurrencyCode
    old_amount: NonNegative | None = None
    new_amount: NonNegative
    old_compare_at_amount: NonNegative | None = None
    new_compare_at_amount: NonNegative | None = None


class PriceRemoved(_VariantEvent, frozen=True, kw_only=True):
    """A variant is no longer sold in ``currency``: its base price there was dropped."""

    event_type = "price.removed"
    currency: CurrencyCode
    old_amount: NonNegative


class _CartEvent(EventPayload, frozen=True, kw_only=True):
    cart_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.cart_id


class CartCreated(_CartEvent, frozen=True, kw_only=True):
    event_type = "cart.created"
    currency: CurrencyCode
    customer_id: uuid.UUID | None = None


class CartUpdated(_CartEvent, frozen=True, kw_only=True):
    """Line items or quantities changed."""

    event_type = "cart.updated"
    item_count: NonNegative
    subtotal: NonNegative
    currency: CurrencyCode


class CartCompleted(_CartEvent, frozen=True, kw_only=True):
    event_type = "cart.completed"
    order_id: uuid.UUID


class CartAbandoned(_CartEvent, frozen=True, kw_only=True):
    event_type = "cart.abandoned"


class CheckoutStarted(_CartEvent, frozen=True, kw_only=True):
    event_type = "checkout.started"


class CheckoutCompleted(_CartEvent, frozen=True, kw_only=True):
    """Checkout placed an order (idempotency key echoed for tracing duplicates)."""

    event_type = "checkout.completed"
    order_id: uuid.UUID
    idempotency_key: Text64 | None = None


class _OrderEvent(EventPayload, frozen=True, kw_only=True):
    order_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.order_id


class OrderPlaced(_OrderEvent, frozen=True, kw_only=True):
    event_type = "order.placed"
    total: NonNegative
    currency: CurrencyCode
    customer_id: uuid.UUID | None = None
    display_number: Positive | None = None


class OrderStatusChanged(_OrderEvent, frozen=True, kw_only=True):
    event_type = "order.status_changed"
    old_status: OrderStatus
    new_status: OrderStatus

    def check(self) -> None:
        if self.old_status == self.new_status:
            raise ValueError("new_status must differ from old_status - at `$.new_status`")


class OrderCompleted(_OrderEvent, frozen=True, kw_only=True):
    event_type = "order.completed"


class OrderCancelled(_OrderEvent, frozen=True, kw_only=True):
    event_type = "order.cancelled"
    reason: Text500 | None = None


class _PaymentEvent(_OrderEvent, frozen=True, kw_only=True):
    payment_id: uuid.UUID
    provider: Text50
    amount: NonNegative
    currency: CurrencyCode


class PaymentAuthorized(_PaymentEvent, frozen=True, kw_only=True):
    event_type = "payment.authorized"


class PaymentCaptured(_PaymentEvent, frozen=True, kw_only=True):
    event_type = "payment.captured"


class PaymentFailed(_PaymentEvent, frozen=True, kw_only=True):
    event_type = "payment.failed"
    reason: Text500


class PaymentVoided(_PaymentEvent, frozen=True, kw_only=True):
    """An authorisation was given back because its order was cancelled before payment."""

    event_type = "payment.voided"


class PaymentRefunded(_PaymentEvent, frozen=True, kw_only=True):
    event_type = "payment.refunded"
    reason: Text500 | None = None
