"""The ``content`` module: nodes, translations, bodies, categories, tags and media (C-1, C-2)."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import ModuleSpec
from rustok.modules.content.admin import CONTENT_ADMIN
from rustok.modules.content.demo import seed_content
from rustok.modules.content.media.public import PublicMediaController
from rustok.modules.content.media.routes import MediaController
from rustok.modules.content.routes import NodeController
from rustok.modules.content.settings import ContentSettings
from rustok.modules.content.taxonomy.routes import CategoryController, TagController

CRUDL = ("create", "read", "update", "delete", "list")
READ = ("read", "list")


MODULE = ModuleSpec(
    slug="content",
    name="Content",
    description="Content nodes with translations and bodies per locale, categories, tags, media",
    version="0.1.0",
    migrations=Path(__file__).parent / "migrations",
    settings=ContentSettings,
    resources=("nodes", "categories", "media"),
    grants={
        "admin": ("nodes:manage", "categories:manage", "media:manage"),
        "manager": tuple(f"{r}:{a}" for r in ("nodes", "categories", "media") for a in CRUDL),
        "customer": tuple(f"{r}:{a}" for r in ("nodes", "categories") for a in READ),
    },
    route_handlers=[
        NodeController,
        CategoryController,
        TagController,
        MediaController,
        PublicMediaController,
    ],
    graphql_query="rustok.modules.content.graphql:ContentQuery",
    graphql_mutation="rustok.modules.content.graphql:ContentMutation",
    demo=seed_content,
    admin=CONTENT_ADMIN,
)
