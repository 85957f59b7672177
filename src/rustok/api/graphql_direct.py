"""Read-model queries executed without the framework layers (issue 13: uncached GraphQL reads
near REST).

A ``POST /api/graphql`` that ``graphql_shortcut`` takes (anonymous, JSON, small) and whose
chosen operation is a query for read-model fields only (``ReadModelQueryFields``, e.g.
``storeProducts``) is executed here when its answer is not in the answer cache: graphql-core
runs the document the schema's :class:`~rustok.api.graphql_documents.DocumentCache` checked,
with the schema's execution context and Strawberry's resolvers, permissions and module guards
as always. What is skipped is the per-request cost of the layers around execution — Litestar's
routing, guards, dependencies and ``Response``; Strawberry's view, schema extensions and
execution context — which cost such a query more than its fields (a ``{ health }`` cost
400–500 µs in process). A document whose fields cannot depend on the request is run from its
plan (``graphql_planned``), without graphql-core's executor.

Only a request this path answers exactly as the full path would is taken; anything else is
handed on to Litestar with the body read: a body the request guard refuses (nested too deeply,
a NUL), a key other than ``query``, ``variables`` and ``operationName`` (``extensions``:
persisted queries), a document with an error or above a limit, variables nested too deeply,
another operation, a root field that is not a read-model field. The fields are pure reads, so
an answer with an error, or one whose resolvers touched the sub-response, is dropped and the
request handed on too: the full path runs it again and answers (and logs) as always.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import msgspec
from graphql import ExecutionResult, execute
from graphql.execution import MiddlewareManager
from litestar import Request, Response
from litestar.background_tasks import BackgroundTasks
from strawberry.execution import optimized_is_awaitable

from rustok.api.graphql import RustokSchema, graphql_context
from rustok.api.graphql_answers import GraphQLAnswers, Lookup
from rustok.api.graphql_documents import operation_cost, root_fields
from rustok.api.graphql_lazy import LazySchema
from rustok.api.graphql_limits import MAX_COMPLEXITY, check_nesting
from rustok.api.graphql_metrics import name_span_of, record_operation_of
from rustok.api.graphql_planned import planned_operation
from rustok.api.text_guard import reject_nul_in_json
from rustok.core.context import current_context
from rustok.core.errors import RustokError
from rustok.core.tracing import child_span, current_span
from rustok.core.validation import json_depth_exceeds

if TYPE_CHECKING:
    from rustok.auth.auth_runtime import AuthRuntime
    from rustok.core.platform import Platform
    from rustok.core.types import Receive, Scope
    from rustok.tenancy.tenancy_runtime import TenancyRuntime

_KEYS = frozenset({"query", "variables", "operationName"})


class _Sent(msgspec.Struct, frozen=True):
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


class DirectQueries:
    def __init__(
        self, view: LazySchema[Any], platform: Platform, auth: AuthRuntime,
        tenancy: TenancyRuntime,
    ) -> None:  # fmt: skip
        """``view``: the GraphQL route's (``graphql_route``), whose ``schema`` is executed."""
        self.view = view
        self.platform = platform
        self.auth = auth
        self.tenancy = tenancy
        self.max_json_depth = platform.settings.max_json_depth

    async def answer(
        self, scope: Scope, receive: Receive, body: bytes, answers: GraphQLAnswers,
        lookup: Lookup | None,
    ) -> bytes | None:  # fmt: skip
        """The answer to a ``POST`` of ``body``, or None: the full path must answer it."""
        if not self.view.built or current_context().tenant is None:
            return None  # the first request builds the schema; no tenant: the full path's error
        schema = self.view.get().schema
        if not isinstance(schema, RustokSchema):
            return None
        sent = _sent(body, self.max_json_depth)
        if sent is None:
            return None
        try:
            checked = schema.documents.check(sent.query)
        except RustokError:  # too large, nested too deeply to parse
            return None
        if checked.document is None or checked.errors:
            return None
        fields = root_fields(checked.document, sent.operation_name)
        if fields is None or not answers.read_model_only(fields):
            return None
        cost = operation_cost(checked, sent.operation_name, sent.variables)
        if cost > MAX_COMPLEXITY:
            return None
        response: Response[Any] = Response({}, background=BackgroundTasks([]))
        context = graphql_context(self.platform, self.auth, self.tenancy)
        context.request = Request(scope, receive)  # type: ignore[arg-type]  # Litestar's Scope is a TypedDict
        context.response = response
        started = time.perf_counter()
        with child_span("graphql.operation"):
            if (span := current_span()) is not None:
                span.set_attribute("graphql.operation.complexity", cost)
            planned = planned_operation(schema, checked.document, sent.operation_name)
            if planned is not None:
                data = await planned.run(context)
            else:
                data = await self._executed(schema, checked.document, sent, context)
            if data is None or _touched(response):
                return None  # the full path runs it again: its errors, logs and headers
            name_span_of("query", sent.operation_name, None)
        record_operation_of("query", None, time.perf_counter() - started)
        encoded = msgspec.json.encode({"data": data})
        if lookup is not None and answers.enabled:
            answers.keep_answer(lookup, fields, encoded)
        return encoded

    async def _executed(
        self, schema: RustokSchema, document: Any, sent: _Sent, context: Any
    ) -> dict[str, Any] | None:
        """The ``data`` of the operation executed by graphql-core; None: it had errors."""
        result = execute(
            schema._schema, document, context_value=context, variable_values=sent.variables,
            operation_name=sent.operation_name, middleware=MiddlewareManager(),
            executor_class=schema.execution_context_class,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
            **schema._get_custom_context_kwargs(None),
        )  # fmt: skip
        if not isinstance(result, ExecutionResult):
            result = await result
        return None if result.errors else result.data


def _sent(body: bytes, max_json_depth: int) -> _Sent | None:
    """The request as Strawberry's view reads it, if the request guard and the view would
    both take it without a word."""
    if json_depth_exceeds(body, max_json_depth):
        return None
    try:
        reject_nul_in_json(body)
        data = msgspec.json.decode(body)
    except (RustokError, msgspec.DecodeError, RecursionError):
        return None
    if type(data) is not dict or not data.keys() <= _KEYS:
        return None
    query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
    if type(query) is not str or not query:
        return None
    if variables is not None and type(variables) is not dict:
        return None
    if name is not None and type(name) is not str:
        return None
    try:
        check_nesting(variables, None)
    except RustokError:
        return None
    return _Sent(query, variables, name)


def _touched(response: Response[Any]) -> bool:
    """Whether a resolver set something on the sub-response the full path would send."""
    return bool(
        response.headers or response.cookies or response.background.tasks  # type: ignore[union-attr]
        or response.status_code  # strawberry: any status set is the answer's
    )  # fmt: skip
