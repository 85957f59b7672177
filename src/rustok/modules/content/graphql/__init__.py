"""Content's GraphQL root fields: nodes (``nodes.py``), categories and tags (``taxonomy.py``),
media (``media.py``); the node types in ``types.py`` are shared with blog, forum and pages."""

from __future__ import annotations

import strawberry

from rustok.modules.content.graphql.media import MediaMutation, MediaQuery
from rustok.modules.content.graphql.nodes import NodeMutation, NodeQuery
from rustok.modules.content.graphql.taxonomy import TaxonomyMutation, TaxonomyQuery


@strawberry.type
class ContentQuery(NodeQuery, TaxonomyQuery, MediaQuery):
    pass


@strawberry.type
class ContentMutation(NodeMutation, TaxonomyMutation, MediaMutation):
    pass
