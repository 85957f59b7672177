"""REST: categories, collections and price lists (``/api/commerce``)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.price_lists import (
    PriceListCreate,
    PriceListList,
    PriceListPrices,
    PriceListRead,
)
from rustok.modules.commerce.catalog.taxonomy import (
    CategoryCreate,
    CategoryPage,
    CategoryRead,
    CategoryUpdate,
    CollectionCreate,
    CollectionPage,
    CollectionRead,
    CollectionUpdate,
)
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.pages import Page, PerPage


class CategoryController(Controller):
    path = "/api/commerce/categories"
    tags = ["commerce: catalogue"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.CATEGORIES_LIST, graphql_twin="commerceCategories")
    async def list_categories(
        self, commerce: Commerce, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> CategoryPage:
        """Categories by position and handle (``parent_id`` makes the tree)."""
        return await commerce.taxonomy.list_categories(page, per_page)

    @post(
        "/",
        permission=perm.CATEGORIES_CREATE,
        status_code=201,
        graphql_twin="createCommerceCategory",
    )
    async def create_category(
        self, commerce: Commerce, data: JSONBody[CategoryCreate]
    ) -> CategoryRead:
        """Create a category (handle unique per tenant)."""
        return await commerce.taxonomy.create_category(data)

    @get("/{category_id:uuid}", permission=perm.CATEGORIES_READ, graphql_twin="commerceCategory")
    async def get_category(
        self, commerce: Commerce, category_id: FromPath[uuid.UUID]
    ) -> CategoryRead:
        """One category."""
        return await commerce.taxonomy.get_category(category_id)

    @patch(
        "/{category_id:uuid}",
        permission=perm.CATEGORIES_UPDATE,
        graphql_twin="updateCommerceCategory",
    )
    async def update_category(
        self, commerce: Commerce, category_id: FromPath[uuid.UUID], data: JSONBody[CategoryUpdate]
    ) -> CategoryRead:
        """Change a category; a parent that would make a cycle is refused."""
        return await commerce.taxonomy.update_category(category_id, data)

    @delete(
        "/{category_id:uuid}",
        permission=perm.CATEGORIES_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteCommerceCategory",
    )
    async def delete_category(self, commerce: Commerce, category_id: FromPath[uuid.UUID]) -> None:
        """Delete a category; its children move up to its parent."""
        await commerce.taxonomy.delete_category(category_id)


class CollectionController(Controller):
    path = "/api/commerce/collections"
    tags = ["commerce: catalogue"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.CATEGORIES_LIST, graphql_twin="commerceCollections")
    async def list_collections(
        self, commerce: Commerce, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> CollectionPage:
        """Collections by handle."""
        return await commerce.taxonomy.list_collections(page, per_page)

    @post(
        "/",
        permission=perm.CATEGORIES_CREATE,
        status_code=201,
        graphql_twin="createCommerceCollection",
    )
    async def create_collection(
        self, commerce: Commerce, data: JSONBody[CollectionCreate]
    ) -> CollectionRead:
        """Create a collection."""
        return await commerce.taxonomy.create_collection(data)

    @get(
        "/{collection_id:uuid}", permission=perm.CATEGORIES_READ, graphql_twin="commerceCollection"
    )
    async def get_collection(
        self, commerce: Commerce, collection_id: FromPath[uuid.UUID]
    ) -> CollectionRead:
        """One collection."""
        return await commerce.taxonomy.get_collection(collection_id)

    @patch(
        "/{collection_id:uuid}",
        permission=perm.CATEGORIES_UPDATE,
        graphql_twin="updateCommerceCollection",
    )
    async def update_collection(
        self,
        commerce: Commerce,
        collection_id: FromPath[uuid.UUID],
        data: JSONBody[CollectionUpdate],
    ) -> CollectionRead:
        """Change a collection."""
        return await commerce.taxonomy.update_collection(collection_id, data)

    @delete(
        "/{collection_id:uuid}",
        permission=perm.CATEGORIES_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteCommerceCollection",
    )
    async def delete_collection(
        self, commerce: Commerce, collection_id: FromPath[uuid.UUID]
    ) -> None:
        """Delete a collection (its products stay)."""
        await commerce.taxonomy.delete_collection(collection_id)


class PriceListController(Controller):
    path = "/api/commerce/price-lists"
    tags = ["commerce: catalogue"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.PRODUCTS_LIST, graphql_twin="priceLists")
    async def list_price_lists(
        self, commerce: Commerce, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> PriceListList:
        """Price lists with their prices."""
        return await commerce.price_lists.list_page(page, per_page)

    @post("/", permission=perm.PRODUCTS_CREATE, status_code=201, graphql_twin="createPriceList")
    async def create_price_list(
        self, commerce: Commerce, data: JSONBody[PriceListCreate]
    ) -> PriceListRead:
        """Create a price list (active, or draft; optional validity window)."""
        return await commerce.price_lists.create(data)

    @get("/{price_list_id:uuid}", permission=perm.PRODUCTS_READ, graphql_twin="priceList")
    async def get_price_list(
        self, commerce: Commerce, price_list_id: FromPath[uuid.UUID]
    ) -> PriceListRead:
        """One price list."""
        return await commerce.price_lists.get(price_list_id)

    @put(
        "/{price_list_id:uuid}/prices",
        permission=perm.PRODUCTS_UPDATE,
        graphql_twin="setPriceListPrices",
    )
    async def set_price_list_prices(
        self,
        commerce: Commerce,
        price_list_id: FromPath[uuid.UUID],
        data: JSONBody[PriceListPrices],
    ) -> PriceListRead:
        """Replace the list's prices (per variant, currency and minimum quantity)."""
        return await commerce.price_lists.set_prices(price_list_id, data)

    @delete(
        "/{price_list_id:uuid}",
        permission=perm.PRODUCTS_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deletePriceList",
    )
    async def delete_price_list(
        self, commerce: Commerce, price_list_id: FromPath[uuid.UUID]
    ) -> None:
        """Delete a price list and its prices."""
        await commerce.price_lists.delete(price_list_id)
