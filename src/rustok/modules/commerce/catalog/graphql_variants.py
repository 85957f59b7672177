# mypy: disallow-untyped-decorators=False
# (strawberry.field(...) with arguments is untyped, as in every graphql.py; pyproject.toml)
"""GraphQL: variants and product images, through the same ``VariantService`` and
``CatalogService`` methods as ``/api/commerce/variants`` and ``/products/{id}/images``."""

from __future__ import annotations

import uuid

import strawberry

from rustok.core.errors import NotFound
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.graphql_inputs import (
    ImageInputType,
    VariantCreateInputType,
    VariantUpdateInputType,
    image,
    variant_create,
    variant_update,
)
from rustok.modules.commerce.catalog.graphql_types import ProductType, VariantType
from rustok.modules.commerce.catalog.models import Product, Variant
from rustok.modules.commerce.catalog.visibility import ensure_visible, sees_every_status
from rustok.modules.commerce.graphql_support import runtime
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import requires
from rustok.web.principals import graphql_principal


async def _variant(info: RustokInfo, variant_id: uuid.UUID) -> VariantType:
    async with info.context.platform.db.read_session() as session:
        row = await session.get(Variant, variant_id)
    if row is None:
        raise NotFound("no such variant")
    return VariantType.of(row)


async def _product(info: RustokInfo, product_id: uuid.UUID) -> ProductType:
    async with info.context.platform.db.read_session() as session:
        row = await session.get(Product, product_id)
    if row is None:
        raise NotFound("no such product")
    return ProductType.of(row)


@strawberry.type
class VariantQuery:
    @strawberry.field(permission_classes=[requires(perm.PRODUCTS_READ)])
    async def variant(self, info: RustokInfo, id: strawberry.ID) -> VariantType:
        """One variant; of a product that is not active only for catalogue managers."""
        found = await _variant(info, parse_id(id))
        principal = graphql_principal(info)
        if not sees_every_status(principal):
            product = await _product(info, uuid.UUID(found.product_id))
            ensure_visible(principal, product.status)
        return found


@strawberry.type
class VariantMutation:
    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_CREATE)])
    async def create_variant(
        self, info: RustokInfo, product_id: strawberry.ID, input: VariantCreateInputType
    ) -> VariantType:
        """Add a variant (unique SKU, a value for each option, prices, initial stock)."""
        data = variant_create(input)
        created = await runtime(info).variants.create(parse_id(product_id, "product_id"), data)
        return await _variant(info, created.id)

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def update_variant(
        self, info: RustokInfo, id: strawberry.ID, input: VariantUpdateInputType
    ) -> VariantType:
        updated = await runtime(info).variants.update(parse_id(id), variant_update(input))
        return await _variant(info, updated.id)

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_DELETE)])
    async def delete_variant(self, info: RustokInfo, id: strawberry.ID) -> bool:
        """Not the last one, not one with stock held by open orders."""
        await runtime(info).variants.delete(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def add_product_image(
        self, info: RustokInfo, product_id: strawberry.ID, input: ImageInputType
    ) -> ProductType:
        """Attach an image (a URL and/or a media library id)."""
        product = parse_id(product_id, "product_id")
        await runtime(info).catalog.add_image(product, image(input))
        return await _product(info, product)

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def remove_product_image(
        self, info: RustokInfo, product_id: strawberry.ID, image_id: strawberry.ID
    ) -> ProductType:
        product = parse_id(product_id, "product_id")
        await runtime(info).catalog.remove_image(product, parse_id(image_id, "image_id"))
        return await _product(info, product)
