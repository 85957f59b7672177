"""Request and response bodies of content nodes (limits: rustok-reference.md §1.3).

A body breaking several limits gets one 400 problem listing every field
(``rustok.core.validation``), e.g. ``translations[0].title`` and ``position``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from rustok.modules.content.locales import LocaleTag
from rustok.modules.content.slugs import SLUG_MAX_LENGTH, SLUG_PATTERN
from rustok.web.pages import PageOf

Kind = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="post, page, article, or any lower-case name",
    ),
]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"\S")]
Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=SLUG_MAX_LENGTH, pattern=SLUG_PATTERN)]
Excerpt = Annotated[str, msgspec.Meta(max_length=1000)]
BodyText = Annotated[str, msgspec.Meta(max_length=1_000_000)]
BodyFormat = Literal["markdown", "html", "plain", "json"]
Position = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
TagIds = Annotated[list[uuid.UUID], msgspec.Meta(max_length=50)]
Metadata = dict[str, Any]
CreateStatus = Literal["draft", "published"]
MAX_TRANSLATIONS = 50
MAX_METADATA_BYTES = 64 * 1024
MAX_METADATA_DEPTH = 16


class TranslationInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One locale of a node: title (required), slug (made from the title when absent),
    excerpt, and optionally its body."""

    locale: LocaleTag
    title: Title
    slug: Slug | None = None
    excerpt: Excerpt | None = None
    body: BodyText | None = None
    format: BodyFormat | None = None


class TranslationPatch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Changes to one locale; a locale the node does not have yet needs a ``title``."""

    locale: LocaleTag
    title: Title | msgspec.UnsetType = msgspec.UNSET
    slug: Slug | msgspec.UnsetType = msgspec.UNSET
    excerpt: Excerpt | msgspec.UnsetType | None = msgspec.UNSET
    body: BodyText | msgspec.UnsetType = msgspec.UNSET
    format: BodyFormat | msgspec.UnsetType = msgspec.UNSET


class NodeCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Kind
    status: CreateStatus = "draft"
    parent_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None
    position: Position = 0
    metadata: Metadata = msgspec.field(default_factory=dict)
    tag_ids: TagIds = msgspec.field(default_factory=list)
    translations: Annotated[
        list[TranslationInput], msgspec.Meta(min_length=1, max_length=MAX_TRANSLATIONS)
    ]


class NodeUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH: absent fields stay; ``translations`` upserts the locales it names."""

    parent_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    category_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    position: Position | msgspec.UnsetType = msgspec.UNSET
    metadata: Metadata | msgspec.UnsetType = msgspec.UNSET
    tag_ids: TagIds | msgspec.UnsetType = msgspec.UNSET
    translations: (
        Annotated[list[TranslationPatch], msgspec.Meta(max_length=MAX_TRANSLATIONS)]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    remove_locales: (
        Annotated[list[LocaleTag], msgspec.Meta(max_length=MAX_TRANSLATIONS)] | msgspec.UnsetType
    ) = msgspec.UNSET


class TranslationRead(msgspec.Struct, frozen=True, kw_only=True):
    locale: str
    title: str
    slug: str
    excerpt: str | None


class BodyRead(msgspec.Struct, frozen=True, kw_only=True):
    locale: str
    body: str
    format: str
    updated_at: dt.datetime


class AuthorRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str | None


class TermRef(msgspec.Struct, frozen=True, kw_only=True):
    """A category or tag as shown on a node: name and slug in the read's locale."""

    id: uuid.UUID
    name: str
    slug: str


class NodeRead(msgspec.Struct, frozen=True, kw_only=True):
    """A node in the read's locale (``locale`` says which translation was picked), with all
    its translations; ``body`` only on single-node reads."""

    id: uuid.UUID
    kind: str
    status: str
    locale: str
    title: str
    slug: str
    excerpt: str | None
    parent_id: uuid.UUID | None
    author_id: uuid.UUID | None
    author: AuthorRead | None
    category_id: uuid.UUID | None
    category: TermRef | None
    tags: list[TermRef]
    position: int
    depth: int
    reply_count: int
    metadata: Metadata
    translations: list[TranslationRead]
    body: BodyRead | None
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    archived_at: dt.datetime | None


class NodePage(PageOf[NodeRead], frozen=True, kw_only=True):
    items: list[NodeRead]
