"""The content module's domain interface: what blog, forum and pages may use.

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
- media references of other modules, in the caller's session: :func:`known_media_ids`,
  :func:`library_images` (a picker's choices, :class:`ImageChoice`);
- locales: :func:`read_chain`, :func:`pick`, :data:`LocaleTag`, :func:`negotiate`
  (``Accept-Language`` against enabled locales; commerce picks the order mails' language);
- slugs from titles in any script: :func:`slugify`, :func:`transliterate` (commerce handles).

Their routes and resolvers use content's web half, ``web.py`` (the shared REST dependencies,
the ``ContentNode`` GraphQL type and its connection).
"""

from __future__ import annotations

from rustok.modules.content.access import ContentAccess, resource_for
from rustok.modules.content.errors import ManagedKind, NodeNotFound, UnknownReference
from rustok.modules.content.locales import LocaleTag, negotiate, pick, read_chain
from rustok.modules.content.media.lookup import ImageChoice, known_media_ids, library_images
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
from rustok.modules.content.service import ManagedContentKinds, commit
from rustok.modules.content.slugs import slugify, transliterate
from rustok.modules.content.state import NodeAction, NodeStatus
from rustok.modules.content.taxonomy.tagging import tags_named
from rustok.modules.content.translations import title_from_text
from rustok.modules.content.writer import NodeWriter

__all__ = [
    "BodyFormat",
    "BodyText",
    "ContentAccess",
    "ImageChoice",
    "LocaleTag",
    "ManagedContentKinds",
    "ManagedKind",
    "Metadata",
    "NodeAction",
    "NodeCreate",
    "NodeFilter",
    "NodeNotFound",
    "NodePage",
    "NodeRead",
    "NodeReader",
    "NodeRow",
    "NodeSort",
    "NodeStatus",
    "NodeUpdate",
    "NodeWriter",
    "Position",
    "Slug",
    "TagIds",
    "Title",
    "TranslationInput",
    "TranslationPatch",
    "UnknownReference",
    "commit",
    "known_media_ids",
    "library_images",
    "negotiate",
    "nodes_with_term",
    "pick",
    "published_in_locales",
    "published_node_ids",
    "read_chain",
    "resource_for",
    "slugify",
    "tags_named",
    "title_from_text",
    "transliterate",
]
