"""Writing catalogue rows inside a unit of work: translations with unique handles, options,
variants with their option values, prices and initial stock. Services compose these."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.errors import Conflict, ValidationFailed
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    Price,
    ProductCategory,
    ProductOption,
    ProductOptionValue,
    ProductTranslation,
    Variant,
    VariantOptionValue,
)
from rustok.modules.commerce.catalog.schemas import (
    OptionInput,
    PriceInput,
    TranslationInput,
    VariantCreate,
)
from rustok.modules.commerce.errors import DuplicateHandle, DuplicateSku
from rustok.modules.commerce.events import PriceRemoved, PriceUpdated, VariantCreated
from rustok.modules.commerce.inventory.service import init_variant_stock
from rustok.modules.content.interface import transliterate

HANDLE_MAX_LENGTH = 200


def slugify(text: str) -> str:
    """A URL handle from a title in any script (``Ærøskøbing Shirt`` → ``aeroskobing-shirt``,
    ``Ελληνικό`` → ``elleniko``): the content module's transliteration, ``product`` when a
    title has nothing to make one from."""
    return transliterate(text, max_length=HANDLE_MAX_LENGTH) or "product"


async def _free_handle(session: AsyncSession, locale: str, base: str) -> str:
    taken = set(
        await session.scalars(
            select(ProductTranslation.handle).where(
                ProductTranslation.locale == locale, ProductTranslation.handle.startswith(base)
            )
        )
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


async def upsert_translations(
    session: AsyncSession, product_id: uuid.UUID, inputs: Sequence[TranslationInput]
) -> None:
    locales = [t.locale for t in inputs]
    if len(set(locales)) != len(locales):
        raise ValidationFailed(errors={"translations": ["one translation per locale"]})
    existing = {
        row.locale: row
        for row in await session.scalars(
            select(ProductTranslation).where(ProductTranslation.product_id == product_id)
        )
    }
    for item in inputs:
        row = existing.get(item.locale)
        if item.handle is None:
            handle = (
                row.handle if row else await _free_handle(session, item.locale, slugify(item.title))
            )
        else:
            handle = item.handle
            owner = await session.scalar(
                select(ProductTranslation.product_id).where(
                    ProductTranslation.locale == item.locale, ProductTranslation.handle == handle
                )
            )
            if owner is not None and owner != product_id:
                raise DuplicateHandle(
                    f"handle {handle!r} is taken in locale {item.locale!r}",
                    errors={"handle": ["taken"]},
                )
        if row is None:
            row = ProductTranslation(product_id=product_id, locale=item.locale)
            session.add(row)
        row.title, row.handle, row.description = item.title, handle, item.description
        row.meta_title, row.meta_description = item.meta_title, item.meta_description
        await session.flush()  # the next auto handle must see this one


async def add_options(
    session: AsyncSession, product_id: uuid.UUID, options: Sequence[OptionInput]
) -> None:
    names = [o.name for o in options]
    if len(set(names)) != len(names):
        raise ValidationFailed(errors={"options": ["option names must be unique"]})
    for position, option in enumerate(options):
        if len(set(option.values)) != len(option.values):
            raise ValidationFailed(errors={"options": [f"values of {option.name!r} repeat"]})
        row = ProductOption(product_id=product_id, name=option.name, position=position)
        session.add(row)
        await session.flush()
        session.add_all(
            ProductOptionValue(option_id=row.id, value=value, position=i)
            for i, value in enumerate(option.values)
        )
    await session.flush()


async def resolve_option_values(
    session: AsyncSession, product_id: uuid.UUID, chosen: dict[str, str]
) -> list[uuid.UUID]:
    """Option value ids for ``{option name: value}``; new values of known options are added."""
    options = {
        o.name: o
        for o in await session.scalars(
            select(ProductOption).where(ProductOption.product_id == product_id)
        )
    }
    if set(chosen) != set(options):
        want = ", ".join(sorted(options)) or "none"
        raise ValidationFailed(errors={"options": [f"give a value for each option ({want})"]})
    ids: list[uuid.UUID] = []
    for name, value in sorted(chosen.items()):
        option = options[name]
        found = await session.scalar(
            select(ProductOptionValue).where(
                ProductOptionValue.option_id == option.id, ProductOptionValue.value == value
            )
        )
        if found is None:
            found = ProductOptionValue(option_id=option.id, value=value, position=1000)
            session.add(found)
            await session.flush()
        ids.append(found.id)
    return ids


async def ensure_unique_options(
    session: AsyncSession, product_id: uuid.UUID, value_ids: list[uuid.UUID], skip: uuid.UUID | None
) -> None:
    if not value_ids:
        return
    rows = await session.execute(
        select(VariantOptionValue.variant_id, VariantOptionValue.option_value_id)
        .join(Variant, Variant.id == VariantOptionValue.variant_id)
        .where(Variant.product_id == product_id)
    )
    combos: dict[uuid.UUID, set[uuid.UUID]] = {}
    for variant_id, value_id in rows.tuples():
        combos.setdefault(variant_id, set()).add(value_id)
    wanted = set(value_ids)
    if any(v == wanted for k, v in combos.items() if k != skip):
        raise Conflict("another variant has the same option values", code="DUPLICATE_VARIANT")


def check_prices(prices: Sequence[PriceInput], field: str = "prices") -> None:
    seen: set[str] = set()
    for i, price in enumerate(prices):
        if price.currency_code in seen:
            raise ValidationFailed(errors={f"{field}[{i}].currency_code": ["listed twice"]})
        seen.add(price.currency_code)
        if price.compare_at_amount is not None and price.compare_at_amount < price.amount:
            raise ValidationFailed(
                errors={f"{field}[{i}].compare_at_amount": ["must be at least the amount"]}
            )


async def ensure_skus_free(
    session: AsyncSession, skus: Sequence[str], skip: uuid.UUID | None
) -> None:
    if len(set(skus)) != len(skus):
        raise ValidationFailed(errors={"sku": ["each variant needs its own SKU"]})
    taken = [
        sku
        for variant_id, sku in (
            await session.execute(select(Variant.id, Variant.sku).where(Variant.sku.in_(skus)))
        ).tuples()
        if variant_id != skip
    ]
    if taken:
        raise DuplicateSku(f"SKU {', '.join(sorted(taken))} already in use", errors={"sku": taken})


async def replace_base_prices(
    uow: UnitOfWork, variant: Variant, prices: Sequence[PriceInput]
) -> None:
    """Replace the variant's base prices; every currency whose amount or compare-at changed
    raises ``price.updated``, every currency dropped ``price.removed`` (the storefront shows
    both, and its projector acts only on events)."""
    check_prices(prices)
    session = uow.session
    old = {
        p.currency_code: (p.amount, p.compare_at_amount)
        for p in await session.scalars(
            select(Price).where(Price.variant_id == variant.id, Price.price_list_id.is_(None))
        )
    }
    await session.execute(
        delete(Price)
        .where(Price.variant_id == variant.id, Price.price_list_id.is_(None))
        .execution_options(synchronize_session=False)
    )
    for price in prices:
        session.add(
            Price(
                variant_id=variant.id,
                currency_code=price.currency_code,
                amount=price.amount,
                compare_at_amount=price.compare_at_amount,
                min_quantity=1,
            )
        )
        before = old.pop(price.currency_code, None)
        if before != (price.amount, price.compare_at_amount):
            uow.publish(
                PriceUpdated(
                    product_id=variant.product_id, variant_id=variant.id,
                    currency=price.currency_code,
                    old_amount=before[0] if before else None, new_amount=price.amount,
                    old_compare_at_amount=before[1] if before else None,
                    new_compare_at_amount=price.compare_at_amount,
                )
            )  # fmt: skip
    for currency, (amount, _) in sorted(old.items()):
        uow.publish(
            PriceRemoved(
                product_id=variant.product_id, variant_id=variant.id, currency=currency,
                old_amount=amount,
            )
        )  # fmt: skip
    await session.flush()


async def create_variant_row(
    uow: UnitOfWork, product_id: uuid.UUID, data: VariantCreate, position: int
) -> Variant:
    session = uow.session
    check_prices(data.prices)
    value_ids = await resolve_option_values(session, product_id, dict(data.options))
    await ensure_unique_options(session, product_id, value_ids, None)
    variant = Variant(
        product_id=product_id, sku=data.sku, title=data.title, barcode=data.barcode,
        weight_grams=data.weight_grams, length_mm=data.length_mm, width_mm=data.width_mm,
        height_mm=data.height_mm, inventory_policy=data.inventory_policy,
        position=data.position if data.position is not None else position,
    )  # fmt: skip
    session.add(variant)
    await session.flush()
    session.add_all(VariantOptionValue(variant_id=variant.id, option_value_id=v) for v in value_ids)
    uow.publish(VariantCreated(product_id=product_id, variant_id=variant.id))
    await replace_base_prices(uow, variant, data.prices)
    await init_variant_stock(uow, variant.id, product_id, data.inventory_quantity)
    return variant


async def set_memberships(
    session: AsyncSession,
    product_id: uuid.UUID,
    category_ids: Sequence[uuid.UUID] | None,
    collection_ids: Sequence[uuid.UUID] | None,
) -> None:
    """Replace the product's categories and/or collections (None leaves them as they are)."""
    for ids, model, link, column, field in (
        (category_ids, Category, ProductCategory, "category_id", "category_ids"),
        (collection_ids, Collection, CollectionProduct, "collection_id", "collection_ids"),
    ):
        if ids is None:
            continue
        wanted = list(dict.fromkeys(ids))
        known = set(await session.scalars(select(model.id).where(model.id.in_(wanted))))
        unknown = [str(i) for i in wanted if i not in known]
        if unknown:
            raise ValidationFailed(errors={field: [f"unknown id {u}" for u in unknown]})
        await session.execute(
            delete(link)
            .where(link.product_id == product_id)
            .execution_options(synchronize_session=False)
        )
        session.add_all(link(product_id=product_id, **{column: i}) for i in wanted)
    await session.flush()
