"""GraphQL request limits and automatic persisted queries (API-2).

- **Size**: a document longer than ``RUSTOK_GRAPHQL_MAX_DOCUMENT_SIZE`` bytes (64 KiB) is
  refused before parsing, one of more than ``RUSTOK_GRAPHQL_MAX_TOKENS`` tokens while
  parsing (``QUERY_TOO_LARGE``).
- **Shape** (``graphql_shape``, each fragment measured once): at most 12 levels of fields
  and 30 aliases (``GRAPHQL_VALIDATION_FAILED``), 1,000 fragment spreads once expanded
  (``QUERY_TOO_COMPLEX``).
- **Complexity**: every object field costs 1 and every scalar field 0.1, times the page sizes
  (``first``/``last``/``limit``/``per_page``) of the list fields above it; operations above
  600 are refused before they run (``QUERY_TOO_COMPLEX``). Scalars are cheap because they
  come with their object's row: a page of 100 products with ten scalar fields each costs
  about 300, so the largest page stays usable.
- **Variables** nested deeper than 64 levels are refused (``NESTING_TOO_DEEP``).
- **Persisted queries** (the Apollo protocol): a client may send only
  ``extensions.persistedQuery.sha256Hash``; an unknown hash answers
  ``PERSISTED_QUERY_NOT_FOUND`` and the client resends the query with its hash, which is
  checked and remembered (per process, up to 16 MiB of query text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from moka_py import Moka
from strawberry.extensions import SchemaExtension

from rustok.core.errors import BadRequest

MAX_DEPTH = 12  # levels of fields, the top-level field being level 1
MAX_ALIASES = 30
MAX_SPREADS = 1_000
MAX_COMPLEXITY = 600
MAX_NESTING = 64
COST_UNIT = 10  # costs are counted in tenths
_PERSISTED: Moka[str, str] = Moka(16 * 1024 * 1024, weigher=lambda key, query: len(query))


class QueryTooComplex(BadRequest):
    code = "QUERY_TOO_COMPLEX"
    title = "Query too complex"


class QueryTooLarge(BadRequest):
    code = "QUERY_TOO_LARGE"
    title = "Query too large"


class NestingTooDeep(BadRequest):
    code = "NESTING_TOO_DEEP"
    title = "Nested too deeply"


class PersistedQueryNotFound(BadRequest):
    code = "PERSISTED_QUERY_NOT_FOUND"
    title = "PersistedQueryNotFound"


class PersistedQueryMismatch(BadRequest):
    code = "PERSISTED_QUERY_HASH_MISMATCH"
    title = "Persisted query hash mismatch"


def nesting_exceeds(value: object, limit: int = MAX_NESTING) -> bool:
    """Whether lists and objects in ``value`` nest deeper than ``limit`` (no recursion)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterator[object] | list[object] = iter(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def check_nesting(
    variables: Mapping[str, Any] | None, extensions: Mapping[str, Any] | None
) -> None:
    """Refuse variables or extensions nested deeper than ``MAX_NESTING`` levels."""
    for name, part in (("variables", variables), ("extensions", extensions)):
        if part and any(nesting_exceeds(value) for value in part.values()):
            raise NestingTooDeep(f"{name} nest deeper than {MAX_NESTING} levels")


class PersistedQueries(SchemaExtension):
    def __init__(self, max_document_size: int) -> None:
        self.max_document_size = max_document_size

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        persisted = (context.operation_extensions or {}).get("persistedQuery")
        if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
            digest = persisted["sha256Hash"].lower()
            if context.query and len(context.query) > self.max_document_size:
                pass  # refused as QUERY_TOO_LARGE before parsing; never remembered
            elif context.query:
                if hashlib.sha256(context.query.encode()).hexdigest() != digest:
                    raise PersistedQueryMismatch("the query does not match its sha256Hash")
                _PERSISTED.set(digest, context.query)
            else:
                query = _PERSISTED.get(digest)
                if query is None:
                    raise PersistedQueryNotFound("PersistedQueryNotFound")
                context.query = query
        yield
