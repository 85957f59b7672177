"""Read-model queries run from a plan kept with their document, without graphql-core's
executor (issue 13: uncached GraphQL reads near REST).

Once the root fields of an operation resolve without Strawberry's wrapper (``graphql_roots``)
and everything they return completes on the short path (``graphql_leaves``), executing it is
only: call each root resolver, complete its value. graphql-core still built an executor,
coerced the (absent) variables, chose the operation, collected the root fields, made a path,
an info and a completion of each root field, and gathered them, on every request: some 90 µs
of the 300 µs an uncached ``storeProduct`` cost in process. Here that is done once per
document (:func:`planned_operation`) with the same execution context class, and each request
builds the resolver's info and calls it. Root fields are resolved one after the other (they
are pure reads; graphql-core starts them together).

Only an operation whose fields cannot depend on the request is planned: a query without
variable definitions or variable directives, no deferred fragment, whose root fields are
``__typename`` or fields ``root_call`` takes, each completed by a plan. Anything else is None
(graphql-core executes it). A run returns None — the full path answers it, with its error —
when a resolver raises or returns an error, a non-null field is None, or a value needs the
normal completion.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLError,
    GraphQLResolveInfoHelpers,
    OperationDefinitionNode,
    OperationType,
    get_nullable_type,
    is_non_null_type,
)
from graphql.execution import MiddlewareManager
from graphql.execution.collect_fields import collect_fields
from graphql.pyutils import Path, gather_with_cancel
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo

from rustok.api.graphql_leaves import (
    FAIL,
    PLAIN,
    SYNC_TYPES,
    TYPENAME,
    LeafExecutionContext,
    _awaitable,
    _completion,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from graphql import DocumentNode, FieldNode, GraphQLField, GraphQLObjectType

    from rustok.api.graphql import RustokSchema
    from rustok.api.graphql_roots import RootCall


@dataclass(frozen=True, slots=True)
class PlannedField:
    """One root field: its resolver and the completion of what it returns."""

    response_name: str
    field_name: str
    nodes: list[FieldNode]
    field: GraphQLField
    call: RootCall
    complete: Callable[[Any], Any]
    non_null: bool
    path: Path


@dataclass(frozen=True, slots=True)
class PlannedOperation:
    schema: Any  # graphql-core's
    root_type: GraphQLObjectType
    operation: Any
    fragments: dict[str, Any]
    fields: tuple[PlannedField | str, ...]  # a str: ``__typename`` under that name

    async def run(self, context: Any) -> dict[str, Any] | None:
        """The answer's ``data``, or None: the full path must answer."""
        tracked: list[Any] = []
        helpers = GraphQLResolveInfoHelpers(gather=_gather, track=tracked.extend)
        data: dict[str, Any] = {}
        for planned in self.fields:
            if isinstance(planned, str):
                data[planned] = self.root_type.name
                continue
            # What Strawberry's execution context gives a resolver: the coerced variables
            # (none) and the operation's extensions (None: a request with some is not taken).
            info: Any = _OperationContextAwareGraphQLResolveInfo(
                planned.field_name, planned.nodes, planned.field.type, self.root_type,
                planned.path, self.schema, self.fragments, None, self.operation, {}, context,
                optimized_is_awaitable, None, helpers, None,  # type: ignore[arg-type]
            )  # fmt: skip
            try:
                value = await planned.call.resolve(None, info)
            except Exception:  # noqa: BLE001 - the full path runs it again and reports it
                return None
            completed = _completed(planned, value)
            if completed is FAIL:
                return None
            data[planned.response_name] = completed
        if tracked and not await _settled(tracked):
            return None
        return data


def _completed(planned: PlannedField, value: Any) -> Any:
    """``value`` completed as graphql-core would, or FAIL (its error, or the normal path)."""
    if value is None:
        return FAIL if planned.non_null else None
    kind = type(value)
    if kind not in PLAIN and kind not in SYNC_TYPES:
        if isinstance(value, Exception):
            return FAIL
        if _awaitable(value, optimized_is_awaitable):
            close = getattr(value, "close", None)
            if close is not None:
                close()  # a coroutine never awaited would warn; the full path calls again
            return FAIL
    try:
        return planned.complete(value)
    except Exception:  # noqa: BLE001 - a reader's error: the full path reports it
        return FAIL


def _gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
    return gather_with_cancel(*values)


async def _settled(tracked: list[Any]) -> bool:
    """Work a resolver tracked, awaited as graphql-core would; False if any failed."""
    awaitables = [value for value in tracked if isawaitable(value)]
    outcomes = await asyncio.gather(*awaitables, return_exceptions=True)
    return not any(isinstance(outcome, BaseException) for outcome in outcomes)


# By the id of a checked document (still alive: its entry goes when it is collected), its
# plans by operation name.
_PLANS: dict[int, dict[str | None, PlannedOperation | None]] = {}


def planned_operation(
    schema: RustokSchema, document: DocumentNode, operation_name: str | None
) -> PlannedOperation | None:
    """The plan of the operation ``operation_name`` of ``document`` (a checked document
    without errors), made once per document and name; None: graphql-core executes it."""
    kept = _PLANS.get(id(document))
    if kept is not None and operation_name in kept:
        return kept[operation_name]
    names = {
        d.name.value if d.name else None
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }
    planned = _planned(schema, document, operation_name)
    if operation_name is not None and operation_name not in names:
        return planned  # not kept: a request chooses the names asked for
    if kept is None:
        kept = _PLANS[id(document)] = {}
        weakref.finalize(document, _PLANS.pop, id(document), None)
    kept[operation_name] = planned
    return planned


def _planned(
    schema: RustokSchema, document: DocumentNode, operation_name: str | None
) -> PlannedOperation | None:
    context = LeafExecutionContext.build(
        schema._schema, document, operation_name=operation_name,
        middleware=MiddlewareManager(),
        is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        **schema._get_custom_context_kwargs(None),
    )  # fmt: skip
    if not isinstance(context, LeafExecutionContext) or context._shared is None:
        return None  # no such operation; variables choose the fields
    return _plan(context)


def _plan(context: LeafExecutionContext) -> PlannedOperation | None:
    operation = context.operation
    if operation.operation is not OperationType.QUERY or operation.variable_definitions:
        return None
    schema = context.schema
    root_type = schema.query_type
    if root_type is None:
        return None
    try:
        collected = collect_fields(
            schema, context.fragments, context.variable_values, root_type, operation,
            context.hide_suggestions,
        )  # fmt: skip
    except (GraphQLError, RecursionError):
        return None
    if collected.new_defer_usages or collected.forbidden_directive_instances:
        return None
    fields: list[PlannedField | str] = []
    for response_name, details in collected.grouped_field_set.items():
        if any(d.defer_usage is not None for d in details):
            return None
        if details[0].node.name.value == TYPENAME:
            fields.append(response_name)
            continue
        root = context._root(root_type, details)
        if root is None:
            return None
        field, call = root
        complete = _completion(context, get_nullable_type(field.type), details)
        if complete is None:
            return None
        fields.append(PlannedField(
            response_name=response_name, field_name=details[0].node.name.value,
            nodes=[d.node for d in details], field=field, call=call, complete=complete,
            non_null=is_non_null_type(field.type), path=Path(None, response_name, root_type.name),
        ))  # fmt: skip
    return PlannedOperation(
        schema, root_type, operation, context.fragment_definitions, tuple(fields)
    )
