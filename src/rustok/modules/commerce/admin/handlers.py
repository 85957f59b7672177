"""The commerce module's admin pages: ``ModuleAdmin.handlers`` names this list, imported when
the admin is first asked for (``rustok.api.admin_mount``)."""

from __future__ import annotations

from typing import Any

from rustok.modules.commerce.admin.carts import CartAdminController
from rustok.modules.commerce.admin.customers import CustomerAdminController
from rustok.modules.commerce.admin.discounts import DiscountAdminController
from rustok.modules.commerce.admin.orders import OrderAdminController
from rustok.modules.commerce.admin.price_lists import PriceListAdminController
from rustok.modules.commerce.admin.product_images import ProductImageAdminController
from rustok.modules.commerce.admin.product_translations import ProductTranslationAdminController
from rustok.modules.commerce.admin.product_variants import ProductVariantAdminController
from rustok.modules.commerce.admin.products import ProductAdminController
from rustok.modules.commerce.admin.regions import RegionAdminController
from rustok.modules.commerce.admin.stock_locations import StockLocationAdminController
from rustok.modules.commerce.admin.taxonomy import (
    CategoryAdminController,
    CollectionAdminController,
)
from rustok.modules.commerce.admin.variant_edit import VariantEditAdminController

HANDLERS: list[Any] = [
    ProductAdminController,
    ProductVariantAdminController,
    ProductTranslationAdminController,
    ProductImageAdminController,
    VariantEditAdminController,
    OrderAdminController,
    CustomerAdminController,
    StockLocationAdminController,
    RegionAdminController,
    DiscountAdminController,
    CategoryAdminController,
    CollectionAdminController,
    PriceListAdminController,
    CartAdminController,
]
