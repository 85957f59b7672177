"""Names per locale of categories and tags, with slugs unique per (tenant, locale)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.modules.content.errors import SlugTaken
from rustok.modules.content.models import CategoryTranslation, TagTranslation
from rustok.modules.content.slugs import slugify, with_suffix
from rustok.modules.content.taxonomy.schemas import (
    CategoryTranslationInput,
    TagTranslationInput,
    TermTranslationRead,
)
from rustok.modules.content.translations import check_unique_locales

TermInput = CategoryTranslationInput | TagTranslationInput
TermModel = type[CategoryTranslation] | type[TagTranslation]


def _owner_field(model: TermModel) -> str:
    return "category_id" if model is CategoryTranslation else "tag_id"


async def _free_slug(
    session: AsyncSession,
    model: TermModel,
    owner: uuid.UUID,
    item: TermInput,
    index: int,
    max_length: int,
) -> str:
    owner_column = getattr(model, _owner_field(model))
    field = f"translations[{index}].slug"
    taken = set(
        await session.scalars(
            select(model.slug).where(model.locale == item.locale, owner_column != owner)
        )
    )
    if item.slug is not None:
        if item.slug in taken:
            raise SlugTaken(errors={field: [f"taken in locale {item.locale}"]})
        return item.slug
    base = slugify(item.name, max_length=max_length, field=field)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = with_suffix(base, n, max_length=max_length)
    return candidate


async def upsert_names(
    session: AsyncSession,
    model: TermModel,
    owner: uuid.UUID,
    items: Sequence[TermInput],
    max_length: int,
) -> None:
    check_unique_locales([i.locale for i in items])
    owner_field = _owner_field(model)
    rows = cast(
        "Sequence[CategoryTranslation | TagTranslation]",
        (await session.scalars(select(model).where(getattr(model, owner_field) == owner))).all(),
    )
    existing = {row.locale: row for row in rows}
    for index, item in enumerate(items):
        slug = await _free_slug(session, model, owner, item, index, max_length)
        values: dict[str, Any] = {"name": item.name, "slug": slug}
        if isinstance(item, CategoryTranslationInput):
            values["description"] = item.description
        row = existing.get(item.locale)
        if row is None:
            session.add(model(**{owner_field: owner, "locale": item.locale, **values}))
        else:
            for key, value in values.items():
                setattr(row, key, value)
    await session.flush()


def name_reads(rows: Sequence[CategoryTranslation | TagTranslation]) -> list[TermTranslationRead]:
    return [
        TermTranslationRead(
            locale=r.locale,
            name=r.name,
            slug=r.slug,
            description=r.description if isinstance(r, CategoryTranslation) else None,
        )
        for r in sorted(rows, key=lambda r: r.locale)
    ]
