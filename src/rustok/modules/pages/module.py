"""The ``pages`` module: pages with the 15 block types, menus at header/footer/sidebar/mobile
(C-3), on top of content nodes."""

from __future__ import annotations

from rustok.core.module import ModuleSpec
from rustok.modules.content.interface import CONTENT_KINDS_KEY
from rustok.modules.pages import events
from rustok.modules.pages.demo import seed_pages
from rustok.modules.pages.graphql import PagesMutation, PagesQuery
from rustok.modules.pages.routes import MenuController, PageController

MODULE = ModuleSpec(
    slug="pages",
    name="Pages",
    description="Pages built from blocks, and navigation menus",
    version="0.1.0",
    dependencies=("content",),
    permissions=tuple(
        f"pages:{action}" for action in ("create", "read", "update", "delete", "list")
    ),
    event_types=(
        events.PageCreated,
        events.PageUpdated,
        events.PagePublished,
        events.PageUnpublished,
        events.PageDeleted,
        events.MenuCreated,
        events.MenuUpdated,
        events.MenuDeleted,
    ),
    route_handlers=[MenuController, PageController],
    graphql_query=PagesQuery,
    graphql_mutation=PagesMutation,
    demo=seed_pages,
    route_prefixes=("/api/pages",),
    # A page's body is its validated blocks: the generic content API must not write it.
    extra={CONTENT_KINDS_KEY: ("page",)},
)
