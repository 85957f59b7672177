"""Bodies of blog posts and comments. A post is a content node of kind ``post``: its reads
are content's ``NodeRead``."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from rustok.modules.content.interface import (
    LocaleTag,
    Metadata,
    TagIds,
    TranslationInput,
    TranslationPatch,
)

TagName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
TagNames = Annotated[list[TagName], msgspec.Meta(max_length=50)]
CommentText = Annotated[str, msgspec.Meta(min_length=1, max_length=10_000, pattern=r"\S")]
MAX_LOCALES = 50


class PostCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A post: its translations (title, slug?, excerpt?, body?, format?), tags by name (found
    or created in the first translation's locale) or id, and ``publish`` to publish at once."""

    translations: Annotated[
        list[TranslationInput], msgspec.Meta(min_length=1, max_length=MAX_LOCALES)
    ]
    category_id: uuid.UUID | None = None
    tags: TagNames = msgspec.field(default_factory=list)
    tag_ids: TagIds = msgspec.field(default_factory=list)
    publish: bool = False
    metadata: Metadata = msgspec.field(default_factory=dict)


class PostUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH; ``tags`` (names) or ``tag_ids`` replace the post's tags."""

    translations: (
        Annotated[list[TranslationPatch], msgspec.Meta(max_length=MAX_LOCALES)] | msgspec.UnsetType
    ) = msgspec.UNSET
    remove_locales: (
        Annotated[list[LocaleTag], msgspec.Meta(max_length=MAX_LOCALES)] | msgspec.UnsetType
    ) = msgspec.UNSET
    category_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET
    tags: TagNames | msgspec.UnsetType = msgspec.UNSET
    tag_ids: TagIds | msgspec.UnsetType = msgspec.UNSET
    metadata: Metadata | msgspec.UnsetType = msgspec.UNSET


class CommentCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    body: CommentText
    locale: LocaleTag | None = None
    format: Literal["markdown", "plain"] = "markdown"


class CommentUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    body: CommentText
