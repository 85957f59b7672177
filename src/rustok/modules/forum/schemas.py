"""Bodies of forum categories, topics and replies. Each read carries its content node
(``node``: titles, slugs, bodies per locale) next to the forum's own state."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from rustok.modules.content.interface import LocaleTag, NodeRead, TranslationInput, TranslationPatch
from rustok.modules.forum.events import ReplyStatus, TopicStatus
from rustok.web.pages import PageOf

Icon = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]
Color = Annotated[str, msgspec.Meta(pattern=r"^#[0-9a-fA-F]{6}$")]
ReplyText = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000, pattern=r"\S")]
Translations = Annotated[list[TranslationInput], msgspec.Meta(min_length=1, max_length=50)]
Patches = Annotated[list[TranslationPatch], msgspec.Meta(max_length=50)]
Unset = msgspec.UnsetType


class ForumCategoryCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Names (``title``) and descriptions (``excerpt``) per locale; ``moderated`` makes new
    replies wait for a moderator."""

    translations: Translations
    icon: Icon | None = None
    color: Color | None = None
    moderated: bool = False
    position: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0


class ForumCategoryUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    translations: Patches | Unset = msgspec.UNSET
    icon: Icon | Unset | None = msgspec.UNSET
    color: Color | Unset | None = msgspec.UNSET
    moderated: bool | Unset = msgspec.UNSET
    position: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | Unset = msgspec.UNSET


class TopicCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A topic in a category: title and opening post (``body``) per locale."""

    category_id: uuid.UUID
    translations: Translations


class TopicUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH; ``category_id`` moves the topic (counters follow)."""

    translations: Patches | Unset = msgspec.UNSET
    category_id: uuid.UUID | Unset = msgspec.UNSET


class ReplyCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    body: ReplyText
    locale: LocaleTag | None = None
    format: Literal["markdown", "plain"] = "markdown"
    parent_reply_id: uuid.UUID | None = None


class ReplyUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    body: ReplyText


class Moderation(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: Literal["approved", "rejected", "hidden"]


class ForumCategoryRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    icon: str | None
    color: str | None
    moderated: bool
    topic_count: int
    reply_count: int
    node: NodeRead


class TopicRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    category_id: uuid.UUID
    status: TopicStatus
    is_pinned: bool
    is_locked: bool
    reply_count: int
    pending_count: int
    last_activity_at: dt.datetime
    node: NodeRead


class ReplyRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    topic_id: uuid.UUID
    parent_reply_id: uuid.UUID | None
    status: ReplyStatus
    node: NodeRead


class ForumCategoryPage(PageOf[ForumCategoryRead], frozen=True, kw_only=True):
    items: list[ForumCategoryRead]


class TopicPage(PageOf[TopicRead], frozen=True, kw_only=True):
    items: list[TopicRead]


class ReplyPage(PageOf[ReplyRead], frozen=True, kw_only=True):
    items: list[ReplyRead]


class CategoryRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A forum category's own state (its node holds names and the reply count)."""

    id: uuid.UUID
    icon: str | None
    color: str | None
    moderated: bool
    topic_count: int


class TopicRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    category_id: uuid.UUID
    status: TopicStatus
    is_pinned: bool
    is_locked: bool
    pending_count: int
    last_activity_at: dt.datetime


class ReplyRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    topic_id: uuid.UUID
    parent_reply_id: uuid.UUID | None
    status: ReplyStatus
