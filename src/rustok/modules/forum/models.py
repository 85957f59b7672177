"""Forum tables: what the forum adds to its content nodes (C-3, SM-3).

Categories, topics and replies are content nodes (kinds ``forum_category``, ``forum_topic``,
``forum_reply``) written through ``content.interface``; these rows hold the forum's own
state, keyed by the node id. There is no foreign key into content's tables (modules own
their tables); the forum service creates and deletes both sides in one unit of work.
Approved replies are counted in the nodes' ``reply_count`` (a topic's own, and its
category's for the whole category); topics per category and replies awaiting moderation
per topic are counted here.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, TenantScoped, utcnow


class ForumCategory(TenantScoped, Base):
    __tablename__ = "forum_categories"
    __table_args__ = (CheckConstraint("topic_count >= 0", name="counters"),)

    node_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    icon: Mapped[str | None] = mapped_column(String(64))
    color: Mapped[str | None] = mapped_column(String(7))
    # New replies wait for a moderator in a moderated category.
    moderated: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ForumTopic(TenantScoped, Base):
    __tablename__ = "forum_topics"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed', 'archived')", name="status"),
        CheckConstraint("pending_count >= 0", name="counters"),
        Index(None, "tenant_id", "category_id", "is_pinned", "last_activity_at"),
    )

    node_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("forum_categories.node_id", ondelete="CASCADE")
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Replies awaiting moderation (approved ones are the topic node's reply_count).
    pending_count: Mapped[int] = mapped_column(Integer, default=0)
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ForumReply(TenantScoped, Base):
    __tablename__ = "forum_replies"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'hidden')", name="status"),
        Index(None, "tenant_id", "topic_id", "status", "created_at"),
    )

    node_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    topic_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("forum_topics.node_id", ondelete="CASCADE")
    )
    parent_reply_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("forum_replies.node_id", ondelete="SET NULL")
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="approved")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[dt.datetime | None] = mapped_column()
