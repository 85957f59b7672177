"""Bodies of pages and menus.

A page is a content node of kind ``page``: title and slug per locale as its translations,
``meta_description`` as the excerpt, ``meta_title`` and ``template`` in its metadata, and
its blocks as a JSON body per locale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from rustok.modules.content.interface import LocaleTag, Position, Slug, Title
from rustok.modules.pages.blocks import Block, Blocks, Url
from rustok.modules.pages.events import MenuLocation
from rustok.web.pages import PageOf

MetaTitle = Annotated[str, msgspec.Meta(max_length=255)]
MetaDescription = Annotated[str, msgspec.Meta(max_length=1000)]
Template = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_-]*$")]
MenuLabel = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"\S")]
MAX_LOCALES = 50
Unset = msgspec.UnsetType


class PageTranslationInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    locale: LocaleTag
    title: Title
    slug: Slug | None = None
    meta_title: MetaTitle | None = None
    meta_description: MetaDescription | None = None
    blocks: Blocks = msgspec.field(default_factory=list)


class PageTranslationPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Changes to one locale (a new locale needs a ``title``); ``blocks`` replaces the list."""

    locale: LocaleTag
    title: Title | Unset = msgspec.UNSET
    slug: Slug | Unset = msgspec.UNSET
    meta_title: MetaTitle | Unset | None = msgspec.UNSET
    meta_description: MetaDescription | Unset | None = msgspec.UNSET
    blocks: Blocks | Unset = msgspec.UNSET


class PageCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    translations: Annotated[
        list[PageTranslationInput], msgspec.Meta(min_length=1, max_length=MAX_LOCALES)
    ]
    template: Template = "default"
    parent_id: uuid.UUID | None = None
    position: Position = 0
    publish: bool = False


class PageUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    translations: (
        Annotated[list[PageTranslationPatch], msgspec.Meta(max_length=MAX_LOCALES)] | Unset
    ) = msgspec.UNSET
    remove_locales: Annotated[list[LocaleTag], msgspec.Meta(max_length=MAX_LOCALES)] | Unset = (
        msgspec.UNSET
    )
    template: Template | Unset = msgspec.UNSET
    parent_id: uuid.UUID | Unset | None = msgspec.UNSET
    position: Position | Unset = msgspec.UNSET


class PageTranslationRead(msgspec.Struct, frozen=True, kw_only=True):
    locale: str
    title: str
    slug: str
    meta_title: str | None
    meta_description: str | None


class PageRead(msgspec.Struct, frozen=True, kw_only=True):
    """A page in the read's locale (``locale`` says which); ``blocks`` null in lists."""

    id: uuid.UUID
    status: str
    template: str
    parent_id: uuid.UUID | None
    position: int
    locale: str
    title: str
    slug: str
    meta_title: str | None
    meta_description: str | None
    blocks: list[Block] | None
    translations: list[PageTranslationRead]
    author_id: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None


class PagePage(PageOf[PageRead], frozen=True, kw_only=True):
    items: list[PageRead]


class MenuItemInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A link to ``url`` or to a page (``page_id``), labelled per locale; items nest."""

    labels: Annotated[
        dict[LocaleTag, MenuLabel], msgspec.Meta(min_length=1, max_length=MAX_LOCALES)
    ]
    url: Url | None = None
    page_id: uuid.UUID | None = None
    children: Annotated[list[MenuItemInput], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )

    def __post_init__(self) -> None:
        if (self.url is None) == (self.page_id is None):
            raise ValueError("a menu item links to exactly one of url or page_id")


class MenuCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"\S")]
    location: MenuLocation
    items: Annotated[list[MenuItemInput], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class MenuUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH; ``items`` replaces the whole tree."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"\S")] | Unset = (
        msgspec.UNSET
    )
    items: Annotated[list[MenuItemInput], msgspec.Meta(max_length=100)] | Unset = msgspec.UNSET


class MenuItemRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    label: str
    labels: dict[str, str]
    url: str | None
    page_id: uuid.UUID | None
    children: list[MenuItemRead]


class MenuRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    location: MenuLocation
    items: list[MenuItemRead]
    created_at: dt.datetime
    updated_at: dt.datetime


class MenuPage(PageOf[MenuRead], frozen=True, kw_only=True):
    items: list[MenuRead]
