"""The ``index`` module: storefront read models, search, and their projectors."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import ModuleSpec
from rustok.modules.index.cli import cli
from rustok.modules.index.graphql import StorefrontQuery
from rustok.modules.index.projections.content import project_content
from rustok.modules.index.projections.products import project_products
from rustok.modules.index.routes import StorefrontController

MODULE = ModuleSpec(
    slug="index",
    name="Index",
    description="Storefront read models kept up to date by events; full-text search.",
    version="0.1.0",
    migrations=Path(__file__).parent / "migrations",
    route_handlers=[StorefrontController],
    graphql_query=StorefrontQuery,
    consumers=[project_content, project_products],
    cli=cli,
)
