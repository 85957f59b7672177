"""Bodies of categories and tags (names per locale; slugs made from names when absent)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from rustok.modules.content.locales import LocaleTag
from rustok.modules.content.schemas import Position, Slug
from rustok.web.pages import PageOf

CategoryName = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"\S")]
TagName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
TagSlug = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
]
Description = Annotated[str, msgspec.Meta(max_length=2000)]
MAX_TERM_LOCALES = 50


class CategoryTranslationInput(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True
):
    locale: LocaleTag
    name: CategoryName
    slug: Slug | None = None
    description: Description | None = None


class CategoryCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    translations: Annotated[
        list[CategoryTranslationInput], msgspec.Meta(min_length=1, max_length=MAX_TERM_LOCALES)
    ]
    parent_id: uuid.UUID | None = None
    position: Position = 0


class CategoryUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH; ``translations`` upserts the locales it names."""

    translations: (
        Annotated[list[CategoryTranslationInput], msgspec.Meta(max_length=MAX_TERM_LOCALES)]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    parent_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET


class TagTranslationInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    locale: LocaleTag
    name: TagName
    slug: TagSlug | None = None


class TagCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    translations: Annotated[
        list[TagTranslationInput], msgspec.Meta(min_length=1, max_length=MAX_TERM_LOCALES)
    ]


class TagUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    translations: Annotated[
        list[TagTranslationInput], msgspec.Meta(min_length=1, max_length=MAX_TERM_LOCALES)
    ]


class TermTranslationRead(msgspec.Struct, frozen=True, kw_only=True):
    locale: str
    name: str
    slug: str
    description: str | None = None


class CategoryRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    position: int
    locale: str
    name: str
    slug: str
    description: str | None
    translations: list[TermTranslationRead]
    created_at: dt.datetime
    updated_at: dt.datetime


class TagRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    locale: str
    name: str
    slug: str
    translations: list[TermTranslationRead]
    created_at: dt.datetime


class CategoryPage(PageOf[CategoryRead], frozen=True, kw_only=True):
    items: list[CategoryRead]


class TagPage(PageOf[TagRead], frozen=True, kw_only=True):
    items: list[TagRead]
