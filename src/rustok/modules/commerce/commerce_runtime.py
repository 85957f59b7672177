"""The commerce module's long-lived parts for one platform: the payment providers (with
their circuit breakers) and the services, built on first use and kept in
``Platform.services``, so routes, GraphQL and the periodic jobs share them."""

from __future__ import annotations

from dataclasses import dataclass, field

from rustok.core.platform import Platform
from rustok.modules.commerce.carts.service import CartService
from rustok.modules.commerce.catalog.price_lists import PriceListService
from rustok.modules.commerce.catalog.service import CatalogService
from rustok.modules.commerce.catalog.taxonomy import TaxonomyService
from rustok.modules.commerce.catalog.variants import VariantService
from rustok.modules.commerce.checkout.service import CheckoutService
from rustok.modules.commerce.customers.service import CustomerService
from rustok.modules.commerce.discounts.service import DiscountService
from rustok.modules.commerce.inventory.service import InventoryService
from rustok.modules.commerce.orders.service import OrderService
from rustok.modules.commerce.payments.providers import PaymentProviders
from rustok.modules.commerce.regions.service import RegionService

SERVICES_KEY = "commerce"


@dataclass
class CommerceRuntime:
    platform: Platform
    payments: PaymentProviders = field(default_factory=PaymentProviders.default)

    def __post_init__(self) -> None:
        platform = self.platform
        self.catalog = CatalogService(platform)
        self.variants = VariantService(platform)
        self.taxonomy = TaxonomyService(platform)
        self.price_lists = PriceListService(platform)
        self.inventory = InventoryService(platform)
        self.regions = RegionService(platform)
        self.discounts = DiscountService(platform)
        self.customers = CustomerService(platform)
        self.carts = CartService(platform)
        self.checkout = CheckoutService(platform, self.payments)
        self.orders = OrderService(platform, self.payments)


def commerce_runtime(platform: Platform) -> CommerceRuntime:
    """The platform's commerce runtime, built on first use."""
    runtime = platform.services.get(SERVICES_KEY)
    if not isinstance(runtime, CommerceRuntime):
        runtime = platform.services[SERVICES_KEY] = CommerceRuntime(platform)
    return runtime
