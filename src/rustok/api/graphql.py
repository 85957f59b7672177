"""GraphQL at ``/api/graphql``: the platform's root fields plus every module's contribution.

Errors carry the same ``code`` as REST problems in ``extensions`` (ER-2); unexpected
exceptions are logged and masked. Documents are parsed, measured and validated once per
query text (``graphql_documents``); limits in ``graphql_limits``; the HTTP side in
``graphql_transport``.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

import strawberry
from graphql import GraphQLError
from litestar import Router
from litestar.connection import ASGIConnection
from strawberry.litestar import make_graphql_controller
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.scalar import ScalarDefinition

from rustok import API_VERSION
from rustok.api.deps import auth_from_state, tenancy_from_state
from rustok.api.graphiql import LocalGraphiQL
from rustok.api.graphql_documents import DocumentCache, DocumentGuard, GraphQLLimits
from rustok.api.graphql_leaves import LeafExecutionContext
from rustok.api.graphql_limits import PersistedQueries
from rustok.api.graphql_mail import MailMutation, MailQuery
from rustok.api.graphql_metrics import current_execution, name_operation_span, record_operation
from rustok.api.graphql_modules import guard_module_fields
from rustok.api.graphql_route import GRAPHQL_PATH
from rustok.api.graphql_transport import GraphQLTransport
from rustok.api.permission_check import refuse_undeclared, schema_permissions
from rustok.auth.api_keys.graphql import ApiKeyMutation, ApiKeyQuery
from rustok.auth.auth_runtime import AuthRuntime
from rustok.auth.graphql import AuthMutation, AuthQuery
from rustok.auth.graphql_flows import AuthFlowMutation, AuthFlowQuery
from rustok.core.context import current_context
from rustok.core.errors import RustokError
from rustok.core.logging import get_logger
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.tracing import child_span
from rustok.outbox.graphql import OutboxMutation, OutboxQuery
from rustok.tenancy.graphql import TenancyMutation, TenancyQuery
from rustok.tenancy.tenancy_runtime import TenancyRuntime
from rustok.web.deps import platform_from_state
from rustok.web.graphql import GraphQLContext, RustokInfo
from rustok.web.permissions import Public
from rustok.web.scalars import MINOR_UNITS_SCALAR, MinorUnits

_log = get_logger("rustok.graphql")


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, RustokError):
        extensions: dict[str, Any] = {"code": original.code, "status": original.status}
        if original.errors:
            extensions["errors"] = original.errors
        message = original.detail
    elif original is None and error.extensions and "code" in error.extensions:
        extensions, message = {}, error.message  # our own checks name their code
    elif original is None or error.path is None:
        # Parse, validation and variable-coercion errors (a bad variable value: unknown
        # input field, wrong scalar) carry no path: the request's fault, not a resolver's.
        extensions = {"code": "GRAPHQL_VALIDATION_FAILED"}
        message = error.message
    else:
        extensions = {"code": "INTERNAL_ERROR"}
        message = "Internal server error"
    extensions["trace_id"] = current_context().trace_id
    return GraphQLError(
        message, nodes=error.nodes, source=error.source, positions=error.positions,
        path=error.path, original_error=None, extensions={**(error.extensions or {}), **extensions},
    )  # fmt: skip


class RustokSchema(strawberry.Schema):
    """Gives every error an ``extensions.code`` and hides unexpected ones.

    Done on the result rather than in an extension: errors raised while parsing skip the
    extensions' post-operation hooks. Documents come from one :class:`DocumentCache`.
    """

    def __init__(self, *, limits: GraphQLLimits, **kwargs: Any) -> None:
        self.limits = limits
        super().__init__(
            **kwargs,
            execution_context_class=LeafExecutionContext,
            extensions=[
                # Factories: a fresh extension per request; the document cache is shared.
                lambda: PersistedQueries(limits.max_document_size),
                lambda: DocumentGuard(self.documents),
            ],
        )
        self.documents = DocumentCache(self._schema, limits)

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        # Variable coercion ("Did you mean …?") happens at execution.
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        kwargs["hide_suggestions"] = not self.limits.introspection
        return kwargs

    def _create_execution_context(self, *args: Any, **kwargs: Any) -> ExecutionContext:
        context = super()._create_execution_context(*args, **kwargs)
        current_execution.set(context)  # read back by execute() for the metrics
        return context

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        started = time.perf_counter()
        token = current_execution.set(None)
        try:
            with child_span("graphql.operation"):
                result = await super().execute(*args, **kwargs)
                if result.errors:
                    result.errors = [_coded(e) for e in result.errors]
                context = current_execution.get()
                name_operation_span(context, result.errors)
            record_operation(context, result.errors, time.perf_counter() - started)
        finally:
            current_execution.reset(token)
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            original = error.original_error
            if (
                original is not None
                and not isinstance(original, RustokError)
                and error.path is not None
            ):
                _log.error(
                    "graphql resolver failed",
                    path=error.path,
                    exc_info=(type(original), original, original.__traceback__),
                )


class RememberingNameConverter(NameConverter):
    """Strawberry's names, each converted once: it names every argument of a field again on
    each call (to hand the resolver its arguments), a tenth of a storefront list's execution."""

    def __init__(self) -> None:
        super().__init__()
        self._names: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        converted = self._names.get(name)
        if converted is None:
            converted = self._names[name] = super().apply_naming_config(name)
        return converted

    def from_argument(self, argument: StrawberryArgument) -> str:
        # get_graphql_name's, without its two calls
        if argument.graphql_name is not None:
            return argument.graphql_name
        assert argument.python_name
        return self._names.get(argument.python_name) or self.apply_naming_config(
            argument.python_name
        )


@strawberry.type(name="Tenant")
class TenantType:
    id: strawberry.ID
    slug: str
    name: str
    default_locale: str
    currency_code: str


@strawberry.type(name="Module")
class ModuleType:
    slug: str
    name: str
    description: str
    version: str
    dependencies: list[str]


@strawberry.type
class PlatformQuery:
    @strawberry.field(permission_classes=[Public], description="Always 'ok' when the API answers.")
    def health(self) -> str:
        return "ok"

    @strawberry.field(permission_classes=[Public], description="Version of the API contract.")
    def api_version(self) -> str:
        return API_VERSION

    @strawberry.field(
        permission_classes=[Public], description="The tenant this request resolved to."
    )
    def current_tenant(self, info: RustokInfo) -> TenantType | None:
        tenant = info.context.request_context.tenant
        if tenant is None:
            return None
        return TenantType(
            id=strawberry.ID(str(tenant.id)), slug=tenant.slug, name=tenant.name,
            default_locale=tenant.default_locale, currency_code=tenant.currency_code,
        )  # fmt: skip

    @strawberry.field(
        permission_classes=[Public], description="Modules installed in this deployment."
    )
    def modules(self, info: RustokInfo) -> list[ModuleType]:
        return [
            ModuleType(
                slug=m.slug,
                name=m.name,
                description=m.description,
                version=m.version,
                dependencies=list(m.dependencies),
            )
            for m in info.context.platform.modules
        ]


def graphql_roots(module: ModuleSpec) -> tuple[type | None, type | None]:
    """A module's query and mutation types, imported if named by where they are."""
    return _root_type(module, module.graphql_query), _root_type(module, module.graphql_mutation)


def _root_type(module: ModuleSpec, named: type | str | None) -> type | None:
    if not isinstance(named, str):
        return named
    path, _, attribute = named.partition(":")
    found = getattr(importlib.import_module(path), attribute, None)
    if not isinstance(found, type):
        raise TypeError(f"module {module.slug!r}: {named!r} is not a GraphQL type")
    return found


def build_schema(platform: Platform) -> strawberry.Schema:
    roots = [(module, *graphql_roots(module)) for module in platform.modules]
    for module, *kinds in roots:
        for kind in kinds:
            if kind is not None:
                guard_module_fields(kind, module.slug)
    queries = [
        PlatformQuery,
        AuthQuery,
        AuthFlowQuery,
        ApiKeyQuery,
        TenancyQuery,
        OutboxQuery,
        MailQuery,
        *(query for _, query, _ in roots if query is not None),
    ]
    mutations = [
        AuthMutation,
        AuthFlowMutation,
        ApiKeyMutation,
        TenancyMutation,
        OutboxMutation,
        MailMutation,
        *(mutation for _, _, mutation in roots if mutation is not None),
    ]
    query = merge_types("Query", tuple(queries))
    mutation = merge_types("Mutation", tuple(mutations)) if mutations else None
    schema = RustokSchema(
        query=query,
        mutation=mutation,
        config=StrawberryConfig(
            scalar_map=module_scalars(platform), name_converter=RememberingNameConverter()
        ),
        limits=GraphQLLimits.from_settings(platform.settings),
    )
    refuse_undeclared(schema_permissions(schema), platform)
    return schema


def module_scalars(platform: Platform) -> dict[object, ScalarDefinition]:
    """The shared scalars and every module's (``ModuleSpec.graphql_scalars``)."""
    scalars: dict[object, ScalarDefinition] = {MinorUnits: MINOR_UNITS_SCALAR}
    for module in platform.modules:
        for python_type, scalar in module.graphql_scalars.items():
            if not isinstance(scalar, ScalarDefinition):
                raise TypeError(
                    f"module {module.slug!r}: graphql_scalars[{python_type!r}] is not a "
                    "strawberry.scalar(name=...) definition"
                )
            if python_type in scalars:
                raise ValueError(f"module {module.slug!r}: scalar for {python_type!r} is taken")
            scalars[python_type] = scalar
    return scalars


def graphql_context(
    platform: Platform, auth: AuthRuntime, tenancy: TenancyRuntime
) -> GraphQLContext:
    """A request's context; its ``request`` and ``response`` are set by whoever serves it."""
    return GraphQLContext(
        platform=platform,
        request_context=current_context(),
        runtimes={AuthRuntime: auth, TenancyRuntime: tenancy},
        loaders={},
    )


async def _context(connection: ASGIConnection[Any, Any, Any, Any]) -> GraphQLContext:
    state = connection.app.state
    return graphql_context(
        platform_from_state(state), auth_from_state(state), tenancy_from_state(state)
    )


def graphql_view(platform: Platform) -> GraphQLTransport:
    """What answers ``/api/graphql`` (``graphql_route``): strawberry's Litestar view with
    ``platform``'s schema, built here (the first GraphQL request of a worker calls this)."""
    base = make_graphql_controller(
        build_schema(platform),
        path=GRAPHQL_PATH,
        graphql_ide="graphiql" if platform.settings.graphiql_enabled else None,
        allow_queries_via_get=True,
    )
    view_class = type("GraphQLView", (LocalGraphiQL, GraphQLTransport, base), {})
    view: GraphQLTransport = view_class(Router(path="/", route_handlers=[]))  # never routed
    view.custom_context = _context
    return view
