"""Every commerce table, so ``rustok.migrations.load_models`` finds them all."""

from __future__ import annotations

from rustok.modules.commerce.carts.models import Cart, CartItem
from rustok.modules.commerce.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    Price,
    PriceList,
    Product,
    ProductCategory,
    ProductImage,
    ProductOption,
    ProductOptionValue,
    ProductTranslation,
    Variant,
    VariantOptionValue,
)
from rustok.modules.commerce.checkout.models import IdempotencyRecord
from rustok.modules.commerce.customers.models import CustomerAddress
from rustok.modules.commerce.discounts.models import Discount
from rustok.modules.commerce.inventory.models import InventoryLevel, Reservation, StockLocation
from rustok.modules.commerce.orders.models import Order, OrderHistory, OrderLine, Sequence
from rustok.modules.commerce.payments.models import Payment
from rustok.modules.commerce.regions.models import Region, ShippingMethod

__all__ = [
    "Cart", "CartItem", "Category", "Collection", "CollectionProduct", "CustomerAddress",
    "Discount", "IdempotencyRecord", "InventoryLevel", "Order", "OrderHistory", "OrderLine",
    "Payment", "Price", "PriceList", "Product", "ProductCategory", "ProductImage",
    "ProductOption", "ProductOptionValue", "ProductTranslation", "Region", "Reservation",
    "Sequence", "ShippingMethod", "StockLocation", "Variant", "VariantOptionValue",
]  # fmt: skip
