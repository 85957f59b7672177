"""REST: regions and shipping methods (admin), and the storefront's shipping options."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.regions.service import (
    RegionCreate,
    RegionList,
    RegionRead,
    ShippingMethodCreate,
    ShippingMethodList,
    ShippingMethodRead,
)

CurrencyQuery = Annotated[str, QueryParameter(pattern=r"^[A-Z]{3}$")]
CountryQuery = Annotated[str | None, QueryParameter(pattern=r"^[A-Z]{2}$")]


class RegionController(Controller):
    path = "/api/commerce/regions"
    tags = ["commerce: regions"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.SETTINGS_LIST, graphql_twin="regions")
    async def list_regions(self, commerce: Commerce) -> RegionList:
        """Regions: currency, countries and tax rate (basis points)."""
        return await commerce.regions.list_regions()

    @post("/", permission=perm.SETTINGS_CREATE, status_code=201, graphql_twin="createRegion")
    async def create_region(self, commerce: Commerce, data: JSONBody[RegionCreate]) -> RegionRead:
        """Add a region."""
        return await commerce.regions.create_region(data)

    @delete(
        "/{region_id:uuid}",
        permission=perm.SETTINGS_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteRegion",
    )
    async def delete_region(self, commerce: Commerce, region_id: FromPath[uuid.UUID]) -> None:
        """Delete a region and its shipping methods."""
        await commerce.regions.delete_region(region_id)


class ShippingMethodController(Controller):
    path = "/api/commerce/shipping-methods"
    tags = ["commerce: regions"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.SETTINGS_LIST, graphql_twin="shippingMethods")
    async def list_methods(self, commerce: Commerce) -> ShippingMethodList:
        """Every shipping method."""
        return await commerce.regions.list_methods()

    @post(
        "/", permission=perm.SETTINGS_CREATE, status_code=201, graphql_twin="createShippingMethod"
    )
    async def create_method(
        self, commerce: Commerce, data: JSONBody[ShippingMethodCreate]
    ) -> ShippingMethodRead:
        """Add a flat-rate method (for a region, or everywhere in its currency)."""
        return await commerce.regions.create_method(data)

    @delete(
        "/{method_id:uuid}",
        permission=perm.SETTINGS_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteShippingMethod",
    )
    async def delete_method(self, commerce: Commerce, method_id: FromPath[uuid.UUID]) -> None:
        """Delete a shipping method."""
        await commerce.regions.delete_method(method_id)


class StoreShippingController(Controller):
    path = "/api/store/shipping-methods"
    tags = ["storefront"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", public=True, graphql_twin="storeShippingMethods")
    async def shipping_options(
        self,
        commerce: Commerce,
        currency: FromQuery[CurrencyQuery],
        country: CountryQuery = None,
    ) -> ShippingMethodList:
        """Shipping methods for a currency and destination country, cheapest first."""
        return await commerce.regions.list_methods(currency, country)
