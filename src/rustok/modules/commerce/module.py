"""The commerce module's contract: migrations, settings, permissions, routes, GraphQL, jobs,
hooks, demo."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import ModuleHookContext, ModuleSpec
from rustok.modules.commerce.admin import COMMERCE_ADMIN
from rustok.modules.commerce.admin.dashboard import SALES_PANEL
from rustok.modules.commerce.carts.routes import StoreCartController
from rustok.modules.commerce.catalog.routes import ProductController, VariantController
from rustok.modules.commerce.catalog.taxonomy_routes import (
    CategoryController,
    CollectionController,
    PriceListController,
)
from rustok.modules.commerce.checkout.routes import CheckoutController
from rustok.modules.commerce.customers.routes import (
    AdminCustomerController,
    StoreCustomerController,
)
from rustok.modules.commerce.demo import seed_demo
from rustok.modules.commerce.discounts.routes import DiscountController
from rustok.modules.commerce.inventory.routes import InventoryController, StockLocationController
from rustok.modules.commerce.inventory.stock import ensure_default_location
from rustok.modules.commerce.jobs import JOBS
from rustok.modules.commerce.mcp import COMMERCE_TOOLS
from rustok.modules.commerce.notifications import mail_order_news
from rustok.modules.commerce.orders.routes import AdminOrderController, StoreOrderController
from rustok.modules.commerce.regions.routes import (
    RegionController,
    ShippingMethodController,
    StoreShippingController,
)
from rustok.modules.commerce.settings import CommerceSettings

CRUDL = ("create", "read", "update", "delete", "list")
RESOURCES = ("products", "categories", "orders", "customers", "inventory", "discounts")


async def _on_enable(ctx: ModuleHookContext) -> None:
    # Every tenant has a default stock location: made here, or on first use.
    await ensure_default_location(ctx.session)


GRANTS = {
    "admin": tuple(f"{resource}:manage" for resource in RESOURCES),
    "manager": (
        *(f"{resource}:{action}" for resource in ("products", "categories") for action in CRUDL),
        "orders:read", "orders:update", "orders:list", "customers:read", "customers:list",
        "inventory:create", "inventory:read", "inventory:update", "inventory:list",
    ),
    "customer": (
        "products:read", "products:list", "categories:read", "categories:list",
        "orders:read:own", "orders:list:own", "orders:create:own",
    ),
}  # fmt: skip


MODULE = ModuleSpec(
    slug="commerce",
    name="Commerce",
    description="Catalogue, prices, inventory, carts, checkout, orders, payments, discounts",
    version="0.1.0",
    migrations=Path(__file__).with_name("migrations"),  # no "/": see test_money_scan.py
    settings=CommerceSettings,
    # Regions and shipping methods are shop settings: the platform's ``settings`` resource.
    resources=RESOURCES,
    grants=GRANTS,
    route_handlers=[
        ProductController,
        VariantController,
        CategoryController,
        CollectionController,
        PriceListController,
        StockLocationController,
        InventoryController,
        RegionController,
        ShippingMethodController,
        DiscountController,
        AdminOrderController,
        AdminCustomerController,
        StoreCartController,
        CheckoutController,
        StoreOrderController,
        StoreCustomerController,
        StoreShippingController,
    ],
    admin=COMMERCE_ADMIN,
    contributions=(SALES_PANEL,),
    graphql_query="rustok.modules.commerce.graphql:CommerceQuery",
    graphql_mutation="rustok.modules.commerce.graphql:CommerceMutation",
    mcp_tools=COMMERCE_TOOLS,
    consumers=[mail_order_news],
    jobs=JOBS,
    on_enable=_on_enable,
    demo=seed_demo,
)
