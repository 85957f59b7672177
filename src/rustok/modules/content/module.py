"""The ``content`` module: nodes, translations, bodies, categories, tags and media (C-1, C-2)."""

from __future__ import annotations

from rustok.core.module import ModuleSpec
from rustok.modules.content import events
from rustok.modules.content.demo import seed_content
from rustok.modules.content.graphql import ContentMutation, ContentQuery
from rustok.modules.content.media.public import PublicMediaController
from rustok.modules.content.media.routes import MediaController
from rustok.modules.content.routes import NodeController
from rustok.modules.content.taxonomy.routes import CategoryController, TagController

EVENT_TYPES = (
    events.NodeCreated,
    events.NodeUpdated,
    events.NodePublished,
    events.NodeUnpublished,
    events.NodeArchived,
    events.NodeRestored,
    events.NodeDeleted,
    events.NodeTranslationUpdated,
    events.BodyUpdated,
    events.CategoryCreated,
    events.CategoryUpdated,
    events.CategoryDeleted,
    events.TagCreated,
    events.TagUpdated,
    events.TagDeleted,
    events.TagAttached,
    events.TagDetached,
    events.MediaUploaded,
    events.MediaUpdated,
    events.MediaDeleted,
)


MODULE = ModuleSpec(
    slug="content",
    name="Content",
    description="Content nodes with translations and bodies per locale, categories, tags, media",
    version="0.1.0",
    permissions=tuple(
        f"{resource}:{action}"
        for resource in ("nodes", "categories", "media")
        for action in ("create", "read", "update", "delete", "list")
    ),
    event_types=EVENT_TYPES,
    route_handlers=[
        NodeController,
        CategoryController,
        TagController,
        MediaController,
        PublicMediaController,
    ],
    graphql_query=ContentQuery,
    graphql_mutation=ContentMutation,
    demo=seed_content,
    route_prefixes=("/api/content",),
)
