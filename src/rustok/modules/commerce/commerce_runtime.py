"""The commerce module's services for one platform, wired together: built on first use and
kept in ``Platform.services``, so routes, GraphQL and the periodic jobs share them (and the
payment providers with their circuit breakers: payments/providers.py).

This is the one place that knows every subpackage; the subpackages' services import only
the ones below them, and the transports reach the runtime through deps.py (REST) and
graphql_support.py (GraphQL).
"""

from __future__ import annotations

from dataclasses import dataclass

from rustok.core.platform import Platform
from rustok.modules.commerce.carts.service import CartService
from rustok.modules.commerce.catalog.price_lists import PriceListService
from rustok.modules.commerce.catalog.service import CatalogService
from rustok.modules.commerce.catalog.stock_items import STOCK_ITEMS
from rustok.modules.commerce.catalog.taxonomy import TaxonomyService
from rustok.modules.commerce.catalog.variants import VariantService
from rustok.modules.commerce.checkout.guest_orders import GuestOrders
from rustok.modules.commerce.checkout.service import CheckoutService
from rustok.modules.commerce.customers.service import CustomerService
from rustok.modules.commerce.discounts.service import DiscountService
from rustok.modules.commerce.inventory.service import InventoryService
from rustok.modules.commerce.orders.service import OrderService
from rustok.modules.commerce.payments.providers import PaymentProviders, payment_providers
from rustok.modules.commerce.regions.service import RegionService

SERVICES_KEY = "commerce"


@dataclass
class CommerceRuntime:
    platform: Platform

    def __post_init__(self) -> None:
        platform = self.platform
        self.payments: PaymentProviders = payment_providers(platform)
        self.catalog = CatalogService(platform)
        self.variants = VariantService(platform)
        self.taxonomy = TaxonomyService(platform)
        self.price_lists = PriceListService(platform)
        self.inventory = InventoryService(platform, STOCK_ITEMS)
        self.regions = RegionService(platform)
        self.discounts = DiscountService(platform)
        self.customers = CustomerService(platform)
        self.carts = CartService(platform)
        self.checkout = CheckoutService(platform, self.payments)
        self.orders = OrderService(platform, self.payments)
        self.guest_orders = GuestOrders(platform)


def commerce_runtime(platform: Platform) -> CommerceRuntime:
    """The platform's commerce runtime, built on first use."""
    runtime = platform.services.get(SERVICES_KEY)
    if not isinstance(runtime, CommerceRuntime):
        runtime = platform.services[SERVICES_KEY] = CommerceRuntime(platform)
    return runtime
