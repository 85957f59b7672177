"""Content event types: nodes, their translations and bodies, categories, tags, media.

Blog posts and forum topics are nodes too (``kind``), so their lifecycle shows up here; the
forum's own moderation events live in ``rustok.modules.forum.events``.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from rustok.core.events import EventPayload, LocaleTag, Name64, NonNegative, Text64

MimeType = Annotated[
    str, msgspec.Meta(min_length=3, max_length=255, pattern=r"^[A-Za-z0-9!#$&^_.+-]+/[^\s/]+$")
]


class _NodeEvent(EventPayload, frozen=True, kw_only=True):
    node_id: uuid.UUID
    kind: Name64

    def aggregate_id(self) -> uuid.UUID:
        return self.node_id


class NodeCreated(_NodeEvent, frozen=True, kw_only=True):
    """A content node (page, post, topic, ...) was created."""

    event_type = "node.created"
    author_id: uuid.UUID | None = None


class NodeUpdated(_NodeEvent, frozen=True, kw_only=True):
    event_type = "node.updated"


class NodePublished(_NodeEvent, frozen=True, kw_only=True):
    event_type = "node.published"


class NodeUnpublished(_NodeEvent, frozen=True, kw_only=True):
    event_type = "node.unpublished"


class NodeArchived(_NodeEvent, frozen=True, kw_only=True):
    """A published node was archived (SM-1)."""

    event_type = "node.archived"


class NodeRestored(_NodeEvent, frozen=True, kw_only=True):
    """An archived node went back to draft (SM-1)."""

    event_type = "node.restored"


class NodeDeleted(_NodeEvent, frozen=True, kw_only=True):
    event_type = "node.deleted"


class _NodeLocaleEvent(EventPayload, frozen=True, kw_only=True):
    node_id: uuid.UUID
    locale: LocaleTag

    def aggregate_id(self) -> uuid.UUID:
        return self.node_id


class NodeTranslationUpdated(_NodeLocaleEvent, frozen=True, kw_only=True):
    """A node's title/slug/excerpt changed in one locale."""

    event_type = "node.translation.updated"


class BodyUpdated(_NodeLocaleEvent, frozen=True, kw_only=True):
    """A node's body changed in one locale."""

    event_type = "body.updated"


class _CategoryEvent(EventPayload, frozen=True, kw_only=True):
    category_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.category_id


class CategoryCreated(_CategoryEvent, frozen=True, kw_only=True):
    event_type = "category.created"


class CategoryUpdated(_CategoryEvent, frozen=True, kw_only=True):
    event_type = "category.updated"


class CategoryDeleted(_CategoryEvent, frozen=True, kw_only=True):
    event_type = "category.deleted"


class TagCreated(EventPayload, frozen=True, kw_only=True):
    event_type = "tag.created"
    tag_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.tag_id


class TagUpdated(EventPayload, frozen=True, kw_only=True):
    """A tag's names or slugs changed."""

    event_type = "tag.updated"
    tag_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.tag_id


class TagDeleted(EventPayload, frozen=True, kw_only=True):
    """A tag was deleted (it is detached from every node with it)."""

    event_type = "tag.deleted"
    tag_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.tag_id


class _TaggingEvent(EventPayload, frozen=True, kw_only=True):
    tag_id: uuid.UUID
    target_type: Text64
    target_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        # The tagged entity's read model is what must see attach/detach in order.
        return self.target_id


class TagAttached(_TaggingEvent, frozen=True, kw_only=True):
    event_type = "tag.attached"


class TagDetached(_TaggingEvent, frozen=True, kw_only=True):
    event_type = "tag.detached"


class MediaUploaded(EventPayload, frozen=True, kw_only=True):
    event_type = "media.uploaded"
    media_id: uuid.UUID
    mime_type: MimeType
    size: NonNegative

    def aggregate_id(self) -> uuid.UUID:
        return self.media_id


class MediaUpdated(EventPayload, frozen=True, kw_only=True):
    """A media item's file name or alternative texts changed."""

    event_type = "media.updated"
    media_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.media_id


class MediaDeleted(EventPayload, frozen=True, kw_only=True):
    event_type = "media.deleted"
    media_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.media_id
