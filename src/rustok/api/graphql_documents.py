"""GraphQL documents parsed, measured and validated once, cached by query text (API-2).

On a miss, :class:`DocumentCache` checks a query in order of cost, each step refusing early:

1. its size in UTF-8 bytes before parsing, its tokens while parsing (``QUERY_TOO_LARGE``);
2. its shape (``graphql_shape``, each fragment measured once): fragment spreads, depth and
   aliases, and its complexity unless variables set page sizes;
3. graphql-core's rules, built once per schema: the specification's (overlapping fields
   with a smaller budget), strawberry's two, and no introspection unless it is enabled.
   Suggestions ("Did you mean …?") reveal the schema too: shown only with introspection.

The outcome is kept in a bounded cache weighed by an estimate of its memory, so a repeated
query costs a lookup, plus one walk for its complexity when variables set page sizes.
:class:`DocumentGuard` is the schema extension that consults it on every request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    specified_rules,
    validate,
)
from graphql.language.parser import Parser
from graphql.validation import NoSchemaIntrospectionCustomRule, OverlappingFieldsCanBeMergedRule
from graphql.validation.validate import ValidationAbortedError
from moka_py import Moka
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from rustok.api.graphql_limits import (
    COST_UNIT,
    MAX_ALIASES,
    MAX_COMPLEXITY,
    MAX_DEPTH,
    MAX_SPREADS,
    NestingTooDeep,
    QueryTooComplex,
    QueryTooLarge,
    check_nesting,
)
from rustok.api.graphql_shape import ShapeWalker, operations
from rustok.core.tracing import current_span

if TYPE_CHECKING:
    from graphql import ASTValidationRule, ValidationContext

    from rustok.core.settings import Settings

# Parsed documents keep about 400 bytes per token (measured); the cache holds ~32 MiB.
AST_BYTES_PER_TOKEN = 400
CACHE_BYTES = 32 * 1024 * 1024
# graphql-core spends up to 500,000 units comparing fields of one response name (quadratic
# in their number, ~100 ms); realistic queries use a few thousand.
OVERLAP_BUDGET = 100_000


class GraphQLLimits(msgspec.Struct, frozen=True, kw_only=True):
    max_document_size: int = 64 * 1024
    max_tokens: int = 2_000
    introspection: bool = True  # and suggestions in error messages

    @classmethod
    def from_settings(cls, settings: Settings) -> GraphQLLimits:
        return cls(
            max_document_size=settings.graphql_max_document_size,
            max_tokens=settings.graphql_max_tokens,
            introspection=settings.graphql_introspection_enabled,
        )


class BoundedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
    """The specification's rule with a fifth of graphql-core's work budget."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.rule_context.remaining_complexity_budget = OVERLAP_BUDGET


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    document: DocumentNode | None  # None: it did not parse
    errors: tuple[GraphQLError, ...]
    weight: int
    # Cost in tenths per operation name; None when variables set page sizes.
    costs: Mapping[str | None, int] | None = None


def _name(operation: OperationDefinitionNode) -> str | None:
    return operation.name.value if operation.name else None


def _detached(error: GraphQLError) -> GraphQLError:
    """A copy without traceback, safe to keep in a cache and to raise again."""
    return GraphQLError(
        error.message, nodes=error.nodes, source=error.source, positions=error.positions,
        extensions=error.extensions,
    )  # fmt: skip


def _too_complex_to_validate() -> GraphQLError:
    # graphql-core ran out of its work budget (e.g. thousands of fields of one name).
    message = "the query is too complex to validate"
    return GraphQLError(message, extensions={"code": QueryTooComplex.code})


def measure(document: DocumentNode) -> tuple[list[GraphQLError], dict[str | None, int] | None]:
    """Shape errors of ``document`` and its costs (None when variables decide them)."""
    walker = ShapeWalker(document)
    tallies = [(op, walker.operation(op)) for op in operations(document)]
    spreads = sum(t.spreads for _, t in tallies)
    if spreads > MAX_SPREADS:
        message = f"the query expands to more than {MAX_SPREADS} fragment spreads"
        return [GraphQLError(message, extensions={"code": QueryTooComplex.code})], None
    errors = [
        GraphQLError(
            f"'{_name(op) or 'anonymous'}' exceeds maximum operation depth of {MAX_DEPTH}",
            nodes=[op],
        )
        for op, tally in tallies
        if tally.depth > MAX_DEPTH
    ]
    aliases = sum(t.aliases for _, t in tallies)
    if aliases > MAX_ALIASES:
        errors.append(GraphQLError(f"{aliases} aliases found. Allowed: {MAX_ALIASES}"))
    costs = None if walker.uses_page_variables else {_name(op): t.cost for op, t in tallies}
    return errors, costs


class DocumentCache:
    """Checked documents of one schema by query text; the rules are built once here."""

    def __init__(self, schema: GraphQLSchema, limits: GraphQLLimits) -> None:
        self.schema = schema
        self.limits = limits
        rules: list[type[ASTValidationRule]] = [
            BoundedOverlappingFieldsRule if rule is OverlappingFieldsCanBeMergedRule else rule
            for rule in specified_rules
        ]
        rules += [MaybeNullValidationRule, OneOfInputValidationRule]
        if not limits.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.rules = tuple(rules)
        self._documents: Moka[str, CheckedDocument] = Moka(
            CACHE_BYTES, weigher=lambda _query, checked: checked.weight
        )

    def check(self, query: str) -> CheckedDocument:
        found = self._documents.get(query)
        if found is not None:
            return found
        self._check_size(query)
        checked = self._check(query)
        self._documents.set(query, checked)
        return checked

    def _check_size(self, query: str) -> None:
        limit = self.limits.max_document_size
        # A character is 1-4 bytes: encode only when the length alone cannot decide.
        if len(query) > limit or (len(query) * 4 > limit and len(query.encode()) > limit):
            raise QueryTooLarge(f"the query is larger than {limit} bytes")

    def _parse(self, query: str) -> DocumentNode:
        limit = self.limits.max_tokens
        parser = Parser(query, max_tokens=limit)
        try:
            return parser.parse_document()
        except GraphQLSyntaxError:
            if parser.token_count <= limit:
                raise
        except RecursionError:
            pass  # raised below, without the frames of the recursion
        if parser.token_count > limit:
            raise QueryTooLarge(f"the query has more than {limit} tokens")
        raise NestingTooDeep("the query nests too deeply to be parsed")

    def _check(self, query: str) -> CheckedDocument:
        try:
            document = self._parse(query)
        except GraphQLSyntaxError as error:
            return CheckedDocument(None, (_detached(error),), weight=2 * len(query))
        tokens: int = getattr(document, "token_count", len(query))
        weight = len(query) + AST_BYTES_PER_TOKEN * tokens
        errors, costs = measure(document)
        if not errors:
            hide = not self.limits.introspection
            errors = [
                _too_complex_to_validate() if isinstance(e, ValidationAbortedError) else e
                for e in validate(self.schema, document, self.rules, hide_suggestions=hide)
            ]
        return CheckedDocument(document, tuple(errors), weight, costs)


def operation_cost(
    checked: CheckedDocument, operation_name: str | None, variables: Mapping[str, Any] | None
) -> int:
    """The cost (rounded up) of the operation(s) a request runs."""
    assert checked.document is not None
    chosen = operations(checked.document, operation_name)
    if checked.costs is not None:
        tenths = max((checked.costs.get(_name(op), 0) for op in chosen), default=0)
    else:
        tenths = max(
            (ShapeWalker(checked.document, variables).operation(op).cost for op in chosen),
            default=0,
        )
    return -(-tenths // COST_UNIT)


class DocumentGuard(SchemaExtension):
    """Supplies each request's parsed document and validation outcome from the cache."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache
        self.checked: CheckedDocument | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        check_nesting(context.variables, context.operation_extensions)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            checked = self.cache.check(context.query)
            if checked.document is None:
                raise _detached(checked.errors[0])
            self.checked = checked
            context.graphql_document = checked.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        checked = self.checked
        if checked is not None and checked.errors:
            context.pre_execution_errors = list(checked.errors)
        elif checked is not None:
            cost = operation_cost(checked, context.operation_name, context.variables)
            if (span := current_span()) is not None:
                span.set_attribute("graphql.operation.complexity", cost)
            if cost > MAX_COMPLEXITY:
                raise QueryTooComplex(
                    f"the query costs {cost}, more than the limit of {MAX_COMPLEXITY}"
                )
            context.pre_execution_errors = []
        yield


def root_fields(document: Any, operation_name: str | None) -> frozenset[str] | None:
    """The root field names of the chosen query operation; None when it is not one, or its
    root holds anything but plain fields."""
    if document is None:
        return None
    chosen = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
    ]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return None
    names = set()
    for selection in chosen[0].selection_set.selections:
        if not isinstance(selection, FieldNode):
            return None
        names.add(selection.name.value)
    return frozenset(names)
