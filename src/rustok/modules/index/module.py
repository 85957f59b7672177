"""The ``index`` module: storefront read models, search, and their projectors."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import ModuleSpec
from rustok.core.read_cache import ReadModelQueryFields
from rustok.modules.index.cached_fields import STOREFRONT_FIELDS
from rustok.modules.index.index_runtime import storefront
from rustok.modules.index.mcp import STORE_TOOLS
from rustok.modules.index.projections.content import project_content
from rustok.modules.index.projections.products import project_products
from rustok.modules.index.routes import StorefrontController
from rustok.modules.index.settings import IndexSettings

MODULE = ModuleSpec(
    slug="index",
    name="Index",
    description="Storefront read models kept up to date by events; full-text search.",
    version="0.1.0",
    migrations=Path(__file__).parent / "migrations",
    settings=IndexSettings,
    route_handlers=[StorefrontController],
    graphql_query="rustok.modules.index.graphql:StorefrontQuery",
    mcp_tools=STORE_TOOLS,
    consumers=[project_content, project_products],
    cli="rustok.modules.index.cli:cli",
    # Whole GraphQL answers of these fields are kept in the storefront's answer cache.
    contributions=(
        ReadModelQueryFields(STOREFRONT_FIELDS, lambda platform: storefront(platform).cache),
    ),
)
