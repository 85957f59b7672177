"""The shape of a GraphQL document, each fragment walked once (API-2 limits).

Depth, aliases, fragment spreads and cost are sums and maxima over selection sets, so a
fragment's figures do not depend on where it is spread: each fragment is measured once and
the result reused. ``query { ...F0 }`` with ``fragment Fk on Query { ...F(k+1) ...F(k+1) }``
expands to 2^n spreads, yet costs n visits here (a naive walk re-walked every spread and
kept a worker busy for seconds).

- **depth**: levels of fields, a top-level field being level 1; an introspection field
  (``__schema``…) counts as one level whatever it holds (graphql-core limits those).
- **aliases** and **spreads**: counted as if every spread were expanded.
- **cost** (in tenths): an object field 10, a scalar field 1, times the page sizes
  (``first``/``last``/``limit``/``per_page``) of the list fields above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

OBJECT_COST, SCALAR_COST = 10, 1
PAGE_ARGUMENTS = frozenset({"first", "last", "limit", "per_page", "perPage"})
# Far above any page size; also keeps int() away from literals of thousands of digits.
_HUGE = 10**10


def _int(literal: str) -> int:
    return int(literal) if len(literal) <= len(str(_HUGE)) else _HUGE


@dataclass(frozen=True, slots=True)
class Tally:
    """Figures of one selection set with its fragments expanded."""

    depth: int = 0
    aliases: int = 0
    spreads: int = 0
    cost: int = 0  # tenths, for a multiplier of 1


_EMPTY = Tally()


class ShapeWalker:
    """Measures selection sets of one document under one set of variable values.

    ``visits`` counts the selection sets walked: at most one per selection set written in
    the document, however often its fragments are spread.
    """

    def __init__(self, document: DocumentNode, variables: Mapping[str, Any] | None = None) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables: Mapping[str, Any] = variables or {}
        self.uses_page_variables = False
        self.visits = 0
        self._measured: dict[str, Tally | None] = {}  # None: being measured (a cycle)

    def operation(self, operation: OperationDefinitionNode) -> Tally:
        defaults = {
            d.variable.name.value: _int(d.default_value.value)
            for d in operation.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)
        }
        if defaults:
            self.variables = {**defaults, **self.variables}
        return self.selection_set(operation.selection_set)

    def selection_set(self, selections: SelectionSetNode) -> Tally:
        self.visits += 1
        depth = aliases = spreads = cost = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                tally = self._field(selection)
            elif isinstance(selection, InlineFragmentNode):
                tally = self.selection_set(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                tally = self._fragment(selection.name.value)
                spreads += 1
            else:  # pragma: no cover - graphql-core has no other selection
                continue
            depth = max(depth, tally.depth)
            aliases += tally.aliases
            spreads += tally.spreads
            cost += tally.cost
        return Tally(depth, aliases, spreads, cost)

    def _field(self, field: FieldNode) -> Tally:
        alias = 1 if field.alias else 0
        if field.selection_set is None:
            return Tally(1, alias, 0, SCALAR_COST)
        inner = self.selection_set(field.selection_set)
        # Introspection nests deeply by design (graphql-core limits its depth).
        depth = 1 if field.name.value.startswith("__") else 1 + inner.depth
        cost = OBJECT_COST + self._page_size(field) * inner.cost
        return Tally(depth, alias + inner.aliases, inner.spreads, cost)

    def _fragment(self, name: str) -> Tally:
        if name in self._measured:
            return self._measured[name] or _EMPTY  # a cycle: a validation error anyway
        fragment = self.fragments.get(name)
        if fragment is None:
            return _EMPTY  # unknown fragment: a validation error anyway
        self._measured[name] = None
        tally = self.selection_set(fragment.selection_set)
        self._measured[name] = tally
        return tally

    def _page_size(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, _int(value.value))
            if isinstance(value, VariableNode):
                self.uses_page_variables = True
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(1, given)
        return 1


def operations(
    document: DocumentNode, operation_name: str | None = None
) -> list[OperationDefinitionNode]:
    """The operations of ``document``, or only the one named (none when it is missing)."""
    return [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
    ]
