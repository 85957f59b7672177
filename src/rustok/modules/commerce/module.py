"""The commerce module's contract: routes, GraphQL, events, permissions, jobs, hooks, demo."""

from __future__ import annotations

from rustok.core.events import CATALOGUE, EventPayload
from rustok.core.module import ModuleHookContext, ModuleSpec
from rustok.modules.commerce import events as commerce_events
from rustok.modules.commerce import permissions
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
from rustok.modules.commerce.graphql import CommerceMutation, CommerceQuery
from rustok.modules.commerce.inventory.routes import InventoryController, StockLocationController
from rustok.modules.commerce.inventory.stock import ensure_default_location
from rustok.modules.commerce.jobs import JOBS
from rustok.modules.commerce.notifications import mail_order_news
from rustok.modules.commerce.orders.routes import AdminOrderController, StoreOrderController
from rustok.modules.commerce.regions.routes import (
    RegionController,
    ShippingMethodController,
    StoreShippingController,
)


async def _on_enable(ctx: ModuleHookContext) -> None:
    # Every tenant has a default stock location: made here, or on first use.
    await ensure_default_location(ctx.session)


def _event_types() -> tuple[type[EventPayload], ...]:
    return tuple(cls for cls in CATALOGUE.types() if cls.__module__ == commerce_events.__name__)


MODULE = ModuleSpec(
    slug="commerce",
    name="Commerce",
    description="Catalogue, prices, inventory, carts, checkout, orders, payments, discounts",
    version="0.1.0",
    permissions=permissions.ALL,
    event_types=_event_types(),
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
    graphql_query=CommerceQuery,
    graphql_mutation=CommerceMutation,
    consumers=[mail_order_news],
    jobs=JOBS,
    on_enable=_on_enable,
    demo=seed_demo,
    route_prefixes=(
        "/api/commerce",
        "/api/store/carts",
        "/api/store/orders",
        "/api/store/customers",
        "/api/store/shipping-methods",
    ),
)
