"""GraphQL request limits and automatic persisted queries (API-2).

- **Complexity**: every object field costs 1 and every scalar field 0.1, times the page sizes
  (``first``/``last``/``limit``/``per_page``) of the list fields above it; operations above
  600 are refused before they run (``QUERY_TOO_COMPLEX``). Scalars are cheap because they
  come with their object's row: a page of 100 products with ten scalar fields each costs
  about 300, so the largest page stays usable. Depth is limited separately (12 levels).
- **Persisted queries** (the Apollo protocol): a client may send only
  ``extensions.persistedQuery.sha256Hash``; an unknown hash answers
  ``PERSISTED_QUERY_NOT_FOUND`` and the client resends the query with its hash, which is
  checked and remembered (per process, 10,000 queries).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from moka_py import Moka
from strawberry.extensions import SchemaExtension

from rustok.core.errors import BadRequest

MAX_COMPLEXITY = 600
# Costs are counted in tenths: an object field is 10, a scalar field 1.
OBJECT_COST, SCALAR_COST, UNIT = 10, 1, 10
PAGE_ARGUMENTS = ("first", "last", "limit", "per_page", "perPage")
_PERSISTED: Moka[str, str] = Moka(10_000)


class QueryTooComplex(BadRequest):
    code = "QUERY_TOO_COMPLEX"
    title = "Query too complex"


class PersistedQueryNotFound(BadRequest):
    code = "PERSISTED_QUERY_NOT_FOUND"
    title = "PersistedQueryNotFound"


class PersistedQueryMismatch(BadRequest):
    code = "PERSISTED_QUERY_HASH_MISMATCH"
    title = "Persisted query hash mismatch"


def _page_size(field: FieldNode, variables: Mapping[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value not in PAGE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, int(value.value))
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            if isinstance(given, int):
                return max(1, given)
    return 1


def _cost(
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    multiplier: int,
    seen: frozenset[str] = frozenset(),
) -> int:
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:
                total += SCALAR_COST * multiplier
            else:
                total += OBJECT_COST * multiplier
                size = _page_size(selection, variables)
                total += _cost(
                    selection.selection_set, fragments, variables, multiplier * size, seen
                )
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, variables, multiplier, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:  # cycles are a validation error anyway
                total += _cost(
                    fragments[name].selection_set, fragments, variables, multiplier, seen | {name}
                )
    return total


def operation_cost(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> int:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    tenths = max((_cost(o.selection_set, fragments, variables, 1) for o in chosen), default=0)
    return -(-tenths // UNIT)  # rounded up


class ComplexityLimit(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            cost = operation_cost(
                context.graphql_document, context.operation_name, context.variables or {}
            )
            if cost > MAX_COMPLEXITY:
                raise QueryTooComplex(
                    f"the query costs {cost}, more than the limit of {MAX_COMPLEXITY}"
                )
        yield


class PersistedQueries(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        persisted = (context.operation_extensions or {}).get("persistedQuery")
        if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
            digest = persisted["sha256Hash"].lower()
            if context.query:
                if hashlib.sha256(context.query.encode()).hexdigest() != digest:
                    raise PersistedQueryMismatch("the query does not match its sha256Hash")
                _PERSISTED.set(digest, context.query)
            else:
                query = _PERSISTED.get(digest)
                if query is None:
                    raise PersistedQueryNotFound("PersistedQueryNotFound")
                context.query = query
        yield
