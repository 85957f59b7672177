"""Commerce business counters (O-1), recorded after the transaction commits, so a rolled-back
checkout or transition counts nothing. Labels stay bounded: currency codes and reasons, never
tenants or orders."""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter

ORDERS_PLACED = Counter(
    "rustok_orders_placed_total", "Orders placed at checkout, by currency.", ["currency"]
)
ORDER_REVENUE = Counter(
    "rustok_order_revenue_minor_units_total",
    "Order totals in minor units, counted when an order is paid, by currency.",
    ["currency"],
)
ORDER_REFUNDS = Counter(
    "rustok_order_refunds_minor_units_total",
    "Refunded order totals in minor units, by currency.",
    ["currency"],
)
ORDERS_CANCELLED = Counter(
    "rustok_orders_cancelled_total",
    "Orders cancelled, by reason: expired (by the platform), refunded (after payment), requested.",
    ["reason"],
)
CARTS_ABANDONED = Counter(
    "rustok_carts_abandoned_total",
    "Open carts abandoned after RUSTOK_CART_TTL without a change (not carts merged at sign-in).",
)
CANCEL_REASONS: Final = ("expired", "refunded", "requested")
for _reason in CANCEL_REASONS:  # exported at 0 from the start, so rates work at once
    ORDERS_CANCELLED.labels(_reason)
