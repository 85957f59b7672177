"""The content module's service interface: what blog, forum and pages may use.

They store their posts, topics, replies and pages as content nodes through these pieces,
never through content's tables or models (an import-linter contract forbids importing
``content.models``):

- writes in the caller's unit of work: :class:`NodeWriter` (create, update, transition,
  delete, reply counters), :func:`tags_named`, then :func:`commit`;
- reads: :class:`NodeReader` (pages, single nodes, several by id, by slug) returning
  :class:`NodeRead`; :class:`NodeFilter` for lists;
- projections (the index module), in the caller's session: :func:`published_in_locales`,
  :func:`nodes_with_term`, :func:`published_node_ids`;
- who may do what: :class:`ContentAccess`;
- media references of other modules, in the caller's session: :func:`known_media_ids`;
- locales: :func:`read_chain`, :func:`pick`, :data:`LocaleTag`;
- slugs from titles in any script: :func:`slugify`, :func:`transliterate` (commerce handles);
- REST: the shared dependencies (``access``, ``chain``) and parameter types of ``web.py``;
- GraphQL: the ``ContentNode`` type and its connection (DataLoaders included), and the
  helpers turning inputs into the REST bodies' structs.
"""

from __future__ import annotations

from rustok.modules.content.access import ContentAccess, resource_for
from rustok.modules.content.errors import ManagedKind, NodeNotFound, UnknownReference
from rustok.modules.content.graphql.nodes import TranslationInputType, TranslationPatchType
from rustok.modules.content.graphql.support import access_of, chain_of, parse_id, to_struct
from rustok.modules.content.graphql.types import (
    NodeConnection,
    NodeType,
    check_first,
    check_page,
    connection,
    offset_after,
)
from rustok.modules.content.loaders import content_loaders
from rustok.modules.content.locales import LocaleTag, pick, read_chain
from rustok.modules.content.media.lookup import known_media_ids
from rustok.modules.content.queries import NodeFilter, NodeRow, NodeSort
from rustok.modules.content.reader import (
    NodeReader,
    nodes_with_term,
    published_in_locales,
    published_node_ids,
)
from rustok.modules.content.schemas import (
    BodyFormat,
    BodyText,
    Metadata,
    NodeCreate,
    NodePage,
    NodeRead,
    NodeUpdate,
    Position,
    Slug,
    TagIds,
    Title,
    TranslationInput,
    TranslationPatch,
)
from rustok.modules.content.service import CONTENT_KINDS_KEY, commit
from rustok.modules.content.slugs import slugify, transliterate
from rustok.modules.content.state import NodeAction, NodeStatus
from rustok.modules.content.taxonomy.tagging import tags_named
from rustok.modules.content.translations import title_from_text
from rustok.modules.content.web import (
    CONTENT_DEPENDENCIES,
    AccessDep,
    ChainDep,
    Page,
    PerPage,
    PlatformDep,
    access_provider,
)
from rustok.modules.content.writer import NodeWriter

__all__ = [
    "CONTENT_DEPENDENCIES",
    "CONTENT_KINDS_KEY",
    "AccessDep",
    "BodyFormat",
    "BodyText",
    "ChainDep",
    "ContentAccess",
    "LocaleTag",
    "ManagedKind",
    "Metadata",
    "NodeAction",
    "NodeConnection",
    "NodeCreate",
    "NodeFilter",
    "NodeNotFound",
    "NodePage",
    "NodeRead",
    "NodeReader",
    "NodeRow",
    "NodeSort",
    "NodeStatus",
    "NodeType",
    "NodeUpdate",
    "NodeWriter",
    "Page",
    "PerPage",
    "PlatformDep",
    "Position",
    "Slug",
    "TagIds",
    "Title",
    "TranslationInput",
    "TranslationInputType",
    "TranslationPatch",
    "TranslationPatchType",
    "UnknownReference",
    "access_of",
    "access_provider",
    "chain_of",
    "check_first",
    "check_page",
    "commit",
    "connection",
    "content_loaders",
    "known_media_ids",
    "nodes_with_term",
    "offset_after",
    "parse_id",
    "pick",
    "published_in_locales",
    "published_node_ids",
    "read_chain",
    "resource_for",
    "slugify",
    "tags_named",
    "title_from_text",
    "to_struct",
    "transliterate",
]
