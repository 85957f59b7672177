"""The ``pages`` module: pages with the 15 block types, menus at header/footer/sidebar/mobile
(C-3), on top of content nodes."""

from __future__ import annotations

from rustok.core.module import ModuleSpec
from rustok.modules.content.interface import ManagedContentKinds
from rustok.modules.pages.admin import PAGES_ADMIN
from rustok.modules.pages.demo import seed_pages
from rustok.modules.pages.mcp import PAGE_TOOLS
from rustok.modules.pages.routes import MenuController, PageController

MODULE = ModuleSpec(
    slug="pages",
    name="Pages",
    description="Pages built from blocks, and navigation menus",
    version="0.1.0",
    dependencies=("content",),
    resources=("pages",),
    grants={"admin": ("pages:manage",)},
    route_handlers=[MenuController, PageController],
    graphql_query="rustok.modules.pages.graphql:PagesQuery",
    graphql_mutation="rustok.modules.pages.graphql:PagesMutation",
    mcp_tools=PAGE_TOOLS,
    demo=seed_pages,
    admin=PAGES_ADMIN,
    # A page's body is its validated blocks: the generic content API must not write it.
    contributions=(ManagedContentKinds(("page",)),),
)
