"""The content module's web half for GraphQL, its own schema's and those of blog, forum and
pages (``web.py`` is the REST one): the ``ContentNode`` type and its connection (DataLoaders
included), the translation inputs, and the helpers turning inputs into the REST bodies'
structs. Imported when the GraphQL schema is first built, never on a REST worker's start.
"""

from __future__ import annotations

from rustok.modules.content.graphql.nodes import TranslationInputType, TranslationPatchType
from rustok.modules.content.graphql.support import access_of, chain_of, to_struct
from rustok.modules.content.graphql.types import NodeConnection, NodeType, connection
from rustok.modules.content.loaders import content_loaders

__all__ = [
    "NodeConnection",
    "NodeType",
    "TranslationInputType",
    "TranslationPatchType",
    "access_of",
    "chain_of",
    "connection",
    "content_loaders",
    "to_struct",
]
