"""Products: create with translations, options, variants, prices and stock; read; update;
publish/unpublish/archive (catalog/state.py); delete (refused while active) (CO-1, SM-3)."""

from __future__ import annotations

import uuid

from msgspec import UNSET
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from rustok.core.db import fetch_page, utcnow
from rustok.core.db.text_match import contains_text
from rustok.core.errors import Conflict, NotFound
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.catalog.media import check_media
from rustok.modules.commerce.catalog.models import (
    Product,
    ProductCategory,
    ProductImage,
    ProductTranslation,
    Variant,
)
from rustok.modules.commerce.catalog.queries import product_reads
from rustok.modules.commerce.catalog.schemas import (
    ImageInput,
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductUpdate,
)
from rustok.modules.commerce.catalog.state import (
    ActiveProduct,
    ProductAction,
    apply_product_action,
    load_product_state,
    product_status_of,
)
from rustok.modules.commerce.catalog.writes import (
    add_options,
    create_variant_row,
    ensure_skus_free,
    set_memberships,
    upsert_translations,
)
from rustok.modules.commerce.errors import DuplicateHandle, DuplicateSku, ProductNotDeletable
from rustok.modules.commerce.events import (
    ProductArchived,
    ProductCreated,
    ProductDeleted,
    ProductPublished,
    ProductUnpublished,
    ProductUpdated,
)
from rustok.modules.commerce.inventory.models import InventoryLevel, Reservation


def unique_violation(exc: IntegrityError) -> Conflict:
    """Map a unique-constraint race (a check passed, a concurrent write won) to our error."""
    text = str(exc.orig).lower()
    if "sku" in text:
        return DuplicateSku("SKU already in use")
    if "handle" in text:
        return DuplicateHandle("handle already in use")
    return Conflict("a unique value is already in use")


async def load_product(uow: UnitOfWork, product_id: uuid.UUID, *, lock: bool = False) -> Product:
    statement = select(Product).where(Product.id == product_id)
    if lock:
        statement = statement.with_for_update()
    product = await uow.session.scalar(statement)
    if product is None:
        raise NotFound("no such product")
    return product


PRODUCT_SORTS = {"created": Product.id, "updated": Product.updated_at}


def product_filter(
    *, status: str | None = None, q: str | None = None, category_id: uuid.UUID | None = None
) -> Select[tuple[Product]]:
    """Products by status, title or SKU substring, and category (admin lists)."""
    statement = select(Product)
    if status is not None:
        statement = statement.where(Product.status == status)
    if q:
        titles = select(ProductTranslation.product_id).where(
            contains_text(ProductTranslation.title, q)
        )
        skus = select(Variant.product_id).where(contains_text(Variant.sku, q))
        statement = statement.where(or_(Product.id.in_(titles), Product.id.in_(skus)))
    if category_id is not None:
        statement = statement.where(
            Product.id.in_(
                select(ProductCategory.product_id).where(ProductCategory.category_id == category_id)
            )
        )
    return statement


class CatalogService:
    """Admin side of the catalogue (the storefront reads through ``CatalogReader``)."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def _commit_read(self, uow: UnitOfWork, product: Product) -> ProductRead:
        try:
            await uow.session.flush()
        except IntegrityError as exc:
            raise unique_violation(exc) from None
        (read,) = await product_reads(uow.session, [product])
        await uow.commit()
        return read

    async def create_product(self, data: ProductCreate) -> ProductRead:
        async with self._platform.uow() as uow:
            session = uow.session
            await ensure_skus_free(session, [v.sku for v in data.variants], None)
            product = Product(
                status="draft", vendor=data.vendor, product_type=data.product_type,
                meta=dict(data.metadata),
            )  # fmt: skip
            session.add(product)
            await session.flush()
            uow.publish(ProductCreated(product_id=product.id))
            await upsert_translations(session, product.id, data.translations)
            await add_options(session, product.id, data.options)
            for position, variant in enumerate(data.variants):
                await create_variant_row(uow, product.id, variant, position)
            await check_media(session, data.images, "images")
            for image in data.images:
                session.add(self._image(product.id, image))
            await set_memberships(session, product.id, data.category_ids, data.collection_ids)
            if data.status == "active":
                self._move(uow, product, "publish")
            return await self._commit_read(uow, product)

    @staticmethod
    def _image(product_id: uuid.UUID, data: ImageInput) -> ProductImage:
        return ProductImage(
            product_id=product_id, url=data.url, media_id=data.media_id, alt_text=data.alt_text,
            position=data.position,
        )  # fmt: skip

    async def get_product(self, product_id: uuid.UUID) -> ProductRead:
        async with self._platform.db.read_session() as session:
            product = await session.get(Product, product_id)
            if product is None:
                raise NotFound("no such product")
            (read,) = await product_reads(session, [product])
            return read

    async def list_products(
        self,
        *,
        page: int,
        per_page: int,
        status: str | None = None,
        q: str | None = None,
        category_id: uuid.UUID | None = None,
        sort: str = "-created",
    ) -> ProductPage:
        """``sort``: a key of :data:`PRODUCT_SORTS`, "-" first for descending (ids are
        time-ordered: ``created`` is the id's order)."""
        statement = product_filter(status=status, q=q, category_id=category_id)
        column = PRODUCT_SORTS[sort.removeprefix("-")]
        if sort.startswith("-"):
            statement = statement.order_by(column.desc(), Product.id.desc())
        else:
            statement = statement.order_by(column.asc(), Product.id.asc())
        async with self._platform.db.read_session() as session:
            rows, total = await fetch_page(session, statement, page=page, per_page=per_page)
            items = await product_reads(session, rows)
        return ProductPage(items=items, page=page, per_page=per_page, total=total)

    async def update_product(self, product_id: uuid.UUID, data: ProductUpdate) -> ProductRead:
        async with self._platform.uow() as uow:
            product = await load_product(uow, product_id, lock=True)
            if data.translations is not UNSET:
                await upsert_translations(uow.session, product.id, data.translations)
            if data.vendor is not UNSET:
                product.vendor = data.vendor
            if data.product_type is not UNSET:
                product.product_type = data.product_type
            if data.metadata is not UNSET:
                product.meta = dict(data.metadata)
            await set_memberships(
                uow.session, product.id,
                None if data.category_ids is UNSET else data.category_ids,
                None if data.collection_ids is UNSET else data.collection_ids,
            )  # fmt: skip
            product.updated_at = utcnow()
            uow.publish(ProductUpdated(product_id=product.id))
            return await self._commit_read(uow, product)

    def _move(self, uow: UnitOfWork, product: Product, action: ProductAction) -> None:
        now = utcnow()
        state = apply_product_action(
            load_product_state(product.status, product.published_at), action, at=now
        )
        product.status = product_status_of(state)
        product.published_at = state.published_at if isinstance(state, ActiveProduct) else None
        product.updated_at = now
        if action == "publish":
            uow.publish(ProductPublished(product_id=product.id))
        elif action == "unpublish":
            uow.publish(ProductUnpublished(product_id=product.id))
        else:
            uow.publish(ProductArchived(product_id=product.id))

    async def transition(self, product_id: uuid.UUID, action: ProductAction) -> ProductRead:
        async with self._platform.uow() as uow:
            product = await load_product(uow, product_id, lock=True)
            self._move(uow, product, action)
            return await self._commit_read(uow, product)

    async def delete_product(self, product_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            product = await load_product(uow, product_id, lock=True)
            if product.status == "active":
                raise ProductNotDeletable("unpublish or archive the product before deleting it")
            held = await uow.session.scalar(
                select(func.count())
                .select_from(Reservation)
                .join(InventoryLevel, InventoryLevel.id == Reservation.level_id)
                .join(Variant, Variant.id == InventoryLevel.variant_id)
                .where(Variant.product_id == product.id, Reservation.status == "held")
            )
            if held:
                raise Conflict(
                    "open orders hold stock of this product", code="PRODUCT_HAS_OPEN_ORDERS"
                )
            await uow.session.delete(product)
            uow.publish(ProductDeleted(product_id=product.id))
            await uow.commit()

    async def add_image(self, product_id: uuid.UUID, data: ImageInput) -> ProductRead:
        async with self._platform.uow() as uow:
            product = await load_product(uow, product_id, lock=True)
            await check_media(uow.session, [data], "")
            uow.session.add(self._image(product.id, data))
            product.updated_at = utcnow()
            uow.publish(ProductUpdated(product_id=product.id))
            return await self._commit_read(uow, product)

    async def remove_image(self, product_id: uuid.UUID, image_id: uuid.UUID) -> ProductRead:
        async with self._platform.uow() as uow:
            product = await load_product(uow, product_id, lock=True)
            image = await uow.session.get(ProductImage, image_id)
            if image is None or image.product_id != product.id:
                raise NotFound("no such image")
            await uow.session.delete(image)
            product.updated_at = utcnow()
            uow.publish(ProductUpdated(product_id=product.id))
            return await self._commit_read(uow, product)
