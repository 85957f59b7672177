"""REST: products, variants, prices and images (``/api/commerce``, API.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.schemas import (
    ImageInput,
    PriceInputs,
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductUpdate,
    VariantCreate,
    VariantList,
    VariantRead,
    VariantUpdate,
)
from rustok.modules.commerce.catalog.visibility import (
    HiddenStatus,
    ensure_visible,
    sees_every_status,
    status_filter,
)
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.pages import Page, PerPage
from rustok.web.principals import principal_of

# Optional parameters carry their constraints outside the union: Litestar drops the
# constraints of an ``Annotated[...] | None``.
AnyRequest = Request[Any, Any, Any]
Search = Annotated[str | None, QueryParameter(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
Status = Literal["draft", "active", "archived"]


class ProductController(Controller):
    path = "/api/commerce/products"
    tags = ["commerce: catalogue"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.PRODUCTS_LIST, graphql_twin="products")
    async def list_products(
        self, commerce: Commerce, request: AnyRequest, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20, status: FromQuery[Status | None] = None,
        q: Search = None, category_id: FromQuery[uuid.UUID | None] = None,
    ) -> ProductPage:  # fmt: skip
        """Products newest first, with variants, prices and stock: of any status for callers
        who may change products, active ones for the others."""
        try:
            shown = status_filter(principal_of(request), status)
        except HiddenStatus:
            return ProductPage(items=[], page=page, per_page=per_page, total=0)
        return await commerce.catalog.list_products(
            page=page, per_page=per_page, status=shown, q=q, category_id=category_id
        )

    @post("/", permission=perm.PRODUCTS_CREATE, status_code=201, graphql_twin="createProduct")
    async def create_product(
        self, commerce: Commerce, data: JSONBody[ProductCreate]
    ) -> ProductRead:
        """Create a product with translations, options, variants, prices and stock."""
        return await commerce.catalog.create_product(data)

    @get("/{product_id:uuid}", permission=perm.PRODUCTS_READ, graphql_twin="product")
    async def get_product(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID]
    ) -> ProductRead:
        """One product with everything about it."""
        product = await commerce.catalog.get_product(product_id)
        ensure_visible(principal_of(request), product.status)
        return product

    @patch("/{product_id:uuid}", permission=perm.PRODUCTS_UPDATE, graphql_twin="updateProduct")
    async def update_product(
        self, commerce: Commerce, product_id: FromPath[uuid.UUID], data: JSONBody[ProductUpdate]
    ) -> ProductRead:
        """Change translations (per locale), vendor, type, metadata, categories, collections."""
        return await commerce.catalog.update_product(product_id, data)

    @delete(
        "/{product_id:uuid}",
        permission=perm.PRODUCTS_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteProduct",
    )
    async def delete_product(self, commerce: Commerce, product_id: FromPath[uuid.UUID]) -> None:
        """Delete a draft or archived product (409 PRODUCT_ACTIVE while active)."""
        await commerce.catalog.delete_product(product_id)

    @post(
        "/{product_id:uuid}/publish",
        permission=perm.PRODUCTS_UPDATE,
        status_code=200,
        graphql_twin="publishProduct",
    )
    async def publish(self, commerce: Commerce, product_id: FromPath[uuid.UUID]) -> ProductRead:
        """draft → active (409 INVALID_TRANSITION otherwise)."""
        return await commerce.catalog.transition(product_id, "publish")

    @post(
        "/{product_id:uuid}/unpublish",
        permission=perm.PRODUCTS_UPDATE,
        status_code=200,
        graphql_twin="unpublishProduct",
    )
    async def unpublish(self, commerce: Commerce, product_id: FromPath[uuid.UUID]) -> ProductRead:
        """active or archived → draft."""
        return await commerce.catalog.transition(product_id, "unpublish")

    @post(
        "/{product_id:uuid}/archive",
        permission=perm.PRODUCTS_UPDATE,
        status_code=200,
        graphql_twin="archiveProduct",
    )
    async def archive(self, commerce: Commerce, product_id: FromPath[uuid.UUID]) -> ProductRead:
        """draft or active → archived."""
        return await commerce.catalog.transition(product_id, "archive")

    @get("/{product_id:uuid}/variants", permission=perm.PRODUCTS_READ, graphql_twin="product")
    async def list_variants(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID]
    ) -> VariantList:
        """The product's variants."""
        principal = principal_of(request)
        if not sees_every_status(principal):
            ensure_visible(principal, (await commerce.catalog.get_product(product_id)).status)
        return await commerce.variants.list_for_product(product_id)

    @post(
        "/{product_id:uuid}/variants",
        permission=perm.PRODUCTS_CREATE,
        status_code=201,
        graphql_twin="createVariant",
    )
    async def create_variant(
        self, commerce: Commerce, product_id: FromPath[uuid.UUID], data: JSONBody[VariantCreate]
    ) -> VariantRead:
        """Add a variant (unique SKU, a value for each option, prices, initial stock)."""
        return await commerce.variants.create(product_id, data)

    @post(
        "/{product_id:uuid}/images",
        permission=perm.PRODUCTS_UPDATE,
        status_code=201,
        graphql_twin="addProductImage",
    )
    async def add_image(
        self, commerce: Commerce, product_id: FromPath[uuid.UUID], data: JSONBody[ImageInput]
    ) -> ProductRead:
        """Attach an image (a URL and/or a media library id)."""
        return await commerce.catalog.add_image(product_id, data)

    @delete(
        "/{product_id:uuid}/images/{image_id:uuid}",
        permission=perm.PRODUCTS_UPDATE, status_code=HTTP_204_NO_CONTENT,
        graphql_twin="removeProductImage",
    )  # fmt: skip
    async def remove_image(
        self, commerce: Commerce, product_id: FromPath[uuid.UUID], image_id: FromPath[uuid.UUID]
    ) -> None:
        """Detach an image."""
        await commerce.catalog.remove_image(product_id, image_id)


class VariantController(Controller):
    path = "/api/commerce/variants"
    tags = ["commerce: catalogue"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/{variant_id:uuid}", permission=perm.PRODUCTS_READ, graphql_twin="variant")
    async def get_variant(
        self, commerce: Commerce, request: AnyRequest, variant_id: FromPath[uuid.UUID]
    ) -> VariantRead:
        """One variant with options, prices and available stock."""
        variant = await commerce.variants.get(variant_id)
        principal = principal_of(request)
        if not sees_every_status(principal):
            product = await commerce.catalog.get_product(variant.product_id)
            ensure_visible(principal, product.status)
        return variant

    @patch("/{variant_id:uuid}", permission=perm.PRODUCTS_UPDATE, graphql_twin="updateVariant")
    async def update_variant(
        self, commerce: Commerce, variant_id: FromPath[uuid.UUID], data: JSONBody[VariantUpdate]
    ) -> VariantRead:
        """Change SKU, barcode, weight, dimensions, policy, position or option values."""
        return await commerce.variants.update(variant_id, data)

    @delete(
        "/{variant_id:uuid}",
        permission=perm.PRODUCTS_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteVariant",
    )
    async def delete_variant(self, commerce: Commerce, variant_id: FromPath[uuid.UUID]) -> None:
        """Delete a variant (not the last one, not one with stock held by open orders)."""
        await commerce.variants.delete(variant_id)

    @put(
        "/{variant_id:uuid}/prices",
        permission=perm.PRODUCTS_UPDATE,
        graphql_twin="setVariantPrices",
    )
    async def set_prices(
        self, commerce: Commerce, variant_id: FromPath[uuid.UUID], data: JSONBody[PriceInputs]
    ) -> VariantRead:
        """Replace the base prices: one per currency, compare-at ≥ amount."""
        return await commerce.variants.set_prices(variant_id, data)
