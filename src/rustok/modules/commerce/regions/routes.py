"""REST: regions and shipping methods (admin), and the storefront's shipping options."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.regions.service import (
    RegionCreate,
    RegionList,
    RegionRead,
    RegionService,
    ShippingMethodCreate,
    ShippingMethodList,
    ShippingMethodRead,
)

Regions = NamedDependency[RegionService]

CurrencyQuery = Annotated[str, QueryParameter(pattern=r"^[A-Z]{3}$")]
CountryQuery = Annotated[str | None, QueryParameter(pattern=r"^[A-Z]{2}$")]


class RegionController(Controller):
    path = "/api/commerce/regions"
    tags = ["commerce: regions"]

    @get("/", permission=perm.SETTINGS_LIST)
    async def list_regions(self, regions: Regions) -> RegionList:
        """Regions: currency, countries and tax rate (basis points)."""
        return await regions.list_regions()

    @post("/", permission=perm.SETTINGS_CREATE, status_code=201)
    async def create_region(self, regions: Regions, data: JSONBody[RegionCreate]) -> RegionRead:
        """Add a region."""
        return await regions.create_region(data)

    @delete("/{region_id:uuid}", permission=perm.SETTINGS_DELETE, status_code=HTTP_204_NO_CONTENT)
    async def delete_region(self, regions: Regions, region_id: FromPath[uuid.UUID]) -> None:
        """Delete a region and its shipping methods."""
        await regions.delete_region(region_id)


class ShippingMethodController(Controller):
    path = "/api/commerce/shipping-methods"
    tags = ["commerce: regions"]

    @get("/", permission=perm.SETTINGS_LIST)
    async def list_methods(self, regions: Regions) -> ShippingMethodList:
        """Every shipping method."""
        return await regions.list_methods()

    @post("/", permission=perm.SETTINGS_CREATE, status_code=201)
    async def create_method(
        self, regions: Regions, data: JSONBody[ShippingMethodCreate]
    ) -> ShippingMethodRead:
        """Add a flat-rate method (for a region, or everywhere in its currency)."""
        return await regions.create_method(data)

    @delete("/{method_id:uuid}", permission=perm.SETTINGS_DELETE, status_code=HTTP_204_NO_CONTENT)
    async def delete_method(self, regions: Regions, method_id: FromPath[uuid.UUID]) -> None:
        """Delete a shipping method."""
        await regions.delete_method(method_id)


class StoreShippingController(Controller):
    path = "/api/store/shipping-methods"
    tags = ["storefront"]

    @get("/", public=True)
    async def shipping_options(
        self,
        regions: Regions,
        currency: FromQuery[CurrencyQuery],
        country: CountryQuery = None,
    ) -> ShippingMethodList:
        """Shipping methods for a currency and destination country, cheapest first."""
        return await regions.list_methods(currency, country)
