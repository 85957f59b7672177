"""Content tables (C-1, C-2): nodes with per-locale translations and bodies, categories and
tags with translations, taggings, media with per-locale alternative texts.

Only this module touches them; blog, forum and pages go through ``content.interface``.
Slugs are unique per (tenant, kind, locale), so translations carry their node's ``kind``
(it never changes after creation).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped, utcnow

LOCALE_LENGTH = 10
KIND_LENGTH = 64


class Category(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "content_categories"

    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("content_categories.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class CategoryTranslation(HasId, TenantScoped, Base):
    __tablename__ = "content_category_translations"
    __table_args__ = (
        UniqueConstraint("category_id", "locale"),
        UniqueConstraint("tenant_id", "locale", "slug"),
    )

    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("content_categories.id", ondelete="CASCADE")
    )
    locale: Mapped[str] = mapped_column(String(LOCALE_LENGTH))
    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)


class Node(HasId, TenantScoped, Timestamped, Base):
    """A piece of content of some ``kind`` (post, page, forum_topic, comment, ...)."""

    __tablename__ = "content_nodes"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
        CheckConstraint("position >= 0 AND depth >= 0 AND reply_count >= 0", name="counters"),
        Index(None, "tenant_id", "kind", "status", "created_at"),
    )

    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_nodes.id"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("content_categories.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    published_at: Mapped[dt.datetime | None] = mapped_column()
    archived_at: Mapped[dt.datetime | None] = mapped_column()


class NodeTranslation(HasId, TenantScoped, Base):
    __tablename__ = "content_node_translations"
    __table_args__ = (
        UniqueConstraint("node_id", "locale"),
        UniqueConstraint("tenant_id", "kind", "locale", "slug"),
    )

    node_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("content_nodes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    locale: Mapped[str] = mapped_column(String(LOCALE_LENGTH))
    title: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255))
    excerpt: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Body(HasId, TenantScoped, Base):
    __tablename__ = "content_bodies"
    __table_args__ = (UniqueConstraint("node_id", "locale"),)

    node_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("content_nodes.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(LOCALE_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16), default="markdown")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tag(HasId, TenantScoped, Base):
    __tablename__ = "content_tags"

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TagTranslation(HasId, TenantScoped, Base):
    __tablename__ = "content_tag_translations"
    __table_args__ = (
        UniqueConstraint("tag_id", "locale"),
        UniqueConstraint("tenant_id", "locale", "slug"),
    )

    tag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("content_tags.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(LOCALE_LENGTH))
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100))


class NodeTag(TenantScoped, Base):
    """A tag on a node."""

    __tablename__ = "content_node_tags"

    node_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("content_nodes.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("content_tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Media(HasId, TenantScoped, Timestamped, Base):
    """An uploaded file's metadata; the bytes live in the media storage under ``storage_key``."""

    __tablename__ = "content_media"

    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    # Pixels of an image, read from its header at upload (NULL for other types).
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    checksum: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)


class MediaTranslation(HasId, TenantScoped, Base):
    __tablename__ = "content_media_translations"
    __table_args__ = (UniqueConstraint("media_id", "locale"),)

    media_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("content_media.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(LOCALE_LENGTH))
    alt_text: Mapped[str] = mapped_column(String(1000))
    caption: Mapped[str | None] = mapped_column(Text)
