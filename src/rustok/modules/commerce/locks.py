"""The order in which commerce's write paths take their row locks, in one place.

Two transactions that lock the same rows in the same order queue one behind the other; in
opposite orders they deadlock. So every path below locks (``SELECT … FOR UPDATE`` or a
conditional ``UPDATE``) in the order of :data:`LOCK_ORDER`, skipping what it does not need:

- checkout: the cart → the stock levels of its variants (by level id, inventory/stock.py) →
  the discount's use count → the tenant's order number (last, to hold it briefly:
  orders/numbering.py); the new order's own rows are inserted after;
- an order's transitions (pay, ship, cancel): the order → the stock levels of its
  reservations (by level id) → its discount's use count.

An order's own rows (:data:`ORDER_OWNED`: its reservations, payment, lines, history) are
written only while the order is locked or being created, so they need no place of their own.
On SQLite one writer runs at a time (``BEGIN IMMEDIATE``), so the order matters on PostgreSQL.
"""

from __future__ import annotations

from typing import Final

LOCK_ORDER: Final[tuple[str, ...]] = (
    "commerce_carts",
    "commerce_orders",
    "commerce_inventory_levels",
    "commerce_discounts",
    "commerce_sequences",
)
ORDER_OWNED: Final[frozenset[str]] = frozenset(
    {
        "commerce_reservations",
        "commerce_payments",
        "commerce_order_lines",
        "commerce_order_history",
    }
)
