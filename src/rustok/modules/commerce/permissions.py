"""The permissions commerce routes and GraphQL fields declare (catalogue: ``rustok.rbac``).

Regions and shipping methods are shop settings (``settings:*``); price lists, options and
images belong to products; collections share ``categories:*`` with categories.
"""

from __future__ import annotations

from typing import Final

PRODUCTS_CREATE: Final = "products:create"
PRODUCTS_READ: Final = "products:read"
PRODUCTS_UPDATE: Final = "products:update"
PRODUCTS_DELETE: Final = "products:delete"
PRODUCTS_LIST: Final = "products:list"

CATEGORIES_CREATE: Final = "categories:create"
CATEGORIES_READ: Final = "categories:read"
CATEGORIES_UPDATE: Final = "categories:update"
CATEGORIES_DELETE: Final = "categories:delete"
CATEGORIES_LIST: Final = "categories:list"

INVENTORY_CREATE: Final = "inventory:create"
INVENTORY_READ: Final = "inventory:read"
INVENTORY_UPDATE: Final = "inventory:update"
INVENTORY_LIST: Final = "inventory:list"

ORDERS_READ: Final = "orders:read"
ORDERS_UPDATE: Final = "orders:update"
ORDERS_LIST: Final = "orders:list"

CUSTOMERS_READ: Final = "customers:read"
CUSTOMERS_LIST: Final = "customers:list"

DISCOUNTS_CREATE: Final = "discounts:create"
DISCOUNTS_READ: Final = "discounts:read"
DISCOUNTS_UPDATE: Final = "discounts:update"
DISCOUNTS_DELETE: Final = "discounts:delete"
DISCOUNTS_LIST: Final = "discounts:list"

SETTINGS_CREATE: Final = "settings:create"
SETTINGS_UPDATE: Final = "settings:update"
SETTINGS_DELETE: Final = "settings:delete"
SETTINGS_LIST: Final = "settings:list"
