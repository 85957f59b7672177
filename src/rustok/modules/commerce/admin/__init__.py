"""Commerce's admin UI pages (issue 18): ``ModuleAdmin`` for ``module.py`` (docs/admin-kit.md)."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import AdminScreen, ModuleAdmin
from rustok.modules.commerce import permissions as perm
from rustok.web.admin.i18n import N_

COMMERCE_ADMIN = ModuleAdmin(
    handlers="rustok.modules.commerce.admin.handlers:HANDLERS",
    screens=(
        AdminScreen(N_("Products"), "/admin/commerce/products", perm.PRODUCTS_LIST),
        AdminScreen(N_("Orders"), "/admin/commerce/orders", perm.ORDERS_LIST),
        AdminScreen(N_("Customers"), "/admin/commerce/customers", perm.CUSTOMERS_LIST),
        AdminScreen(N_("Stock locations"), "/admin/commerce/stock-locations", perm.INVENTORY_LIST),
        AdminScreen(N_("Regions and shipping"), "/admin/commerce/regions", perm.SETTINGS_LIST),
        AdminScreen(N_("Discounts"), "/admin/commerce/discounts", perm.DISCOUNTS_LIST),
        AdminScreen(N_("Product categories"), "/admin/commerce/categories", perm.CATEGORIES_LIST),
        AdminScreen(N_("Collections"), "/admin/commerce/collections", perm.CATEGORIES_LIST),
        AdminScreen(N_("Price lists"), "/admin/commerce/price-lists", perm.PRODUCTS_LIST),
        AdminScreen(N_("Carts"), "/admin/commerce/carts", perm.CUSTOMERS_LIST),
    ),
    templates=Path(__file__).parent.joinpath("templates"),
    locale=Path(__file__).parent.joinpath("locale"),
)
