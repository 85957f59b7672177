"""The commerce module's services for one platform, wired together: built on first use and
kept in ``Platform.services``, so the routes and the periodic jobs share them (and, with
GraphQL, the payment providers and their circuit breakers: payments/providers.py).

This is the one place that knows every subpackage: the REST routes name the service they
need (``carts: Carts``) and :data:`SERVICE_DEPENDENCIES` provides it, for the router of
module.py; the subpackages themselves import only the ones below them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from litestar.di import NamedDependency, Provide

from rustok.core.platform import Platform
from rustok.modules.commerce.carts.routes import provide_cart_access
from rustok.modules.commerce.carts.service import CartService
from rustok.modules.commerce.catalog.price_lists import PriceListService
from rustok.modules.commerce.catalog.service import CatalogService
from rustok.modules.commerce.catalog.stock_items import STOCK_ITEMS
from rustok.modules.commerce.catalog.taxonomy import TaxonomyService
from rustok.modules.commerce.catalog.variants import VariantService
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


def commerce_runtime(platform: Platform) -> CommerceRuntime:
    """The platform's commerce runtime, built on first use."""
    runtime = platform.services.get(SERVICES_KEY)
    if not isinstance(runtime, CommerceRuntime):
        runtime = platform.services[SERVICES_KEY] = CommerceRuntime(platform)
    return runtime


SERVICES: tuple[str, ...] = (
    "catalog", "variants", "taxonomy", "price_lists", "inventory", "regions", "discounts",
    "customers", "carts", "checkout", "orders",
)  # fmt: skip


def _service_provider(name: str) -> Provide:
    async def provide(platform: NamedDependency[Platform]) -> object:
        return getattr(commerce_runtime(platform), name)

    return Provide(provide)


# Every service by its name, and who asks for a cart (``access``).
SERVICE_DEPENDENCIES: Mapping[str, Provide] = {
    **{name: _service_provider(name) for name in SERVICES},
    "access": Provide(provide_cart_access),
}
