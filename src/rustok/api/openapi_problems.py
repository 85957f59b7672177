"""The problems each operation can answer, for the OpenAPI document (API-1).

Derived from the layers a request passes, in order, never listed by hand:

- the tenant resolver on tenant-scoped paths (its code, analysed): 400/403/404, and the
  tenant middleware's check of an API key sent with the request (analysed: 401 for a bad,
  revoked or expired key, 403 ``TENANT_MISMATCH``), on every tenant-scoped path but media;
- the rate limiter (analysed), unless the path is exempt: 429 ``RATE_LIMITED``;
- the guards: the auth guard's token checks (analysed) on routes that read a token, plus
  401 ``UNAUTHENTICATED`` and, with a permission, 403 ``FORBIDDEN``; other guards (a
  disabled module's 404) analysed;
- the request guard (analysed) and the framework: parameters and bodies that fail
  validation (400), malformed JSON (400 ``MALFORMED_BODY``), other media types (415),
  oversized bodies (413), typed path segments that do not parse (404: no route);
- the dependencies the handler uses and the handler itself (analysed, ``openapi_raises``);
- on every operation: 500 ``INTERNAL_ERROR``; on tenant-scoped ones (they all reach the
  database) the 5xx problems that ``problems.py`` builds itself (503 ``TRY_AGAIN``: a
  transaction that lost a race) and the database layer's refusal during an outage (the
  guarded pool's checkout, analysed: 503 ``SERVICE_UNAVAILABLE``, ``core/db/outages.py``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import msgspec
from litestar.handlers import HTTPRouteHandler

from rustok.api.graphql_route import GraphQLRoute
from rustok.api.openapi_raises import ProblemRef, RaiseAnalyzer
from rustok.api.problems import Problem, problem_for
from rustok.api.ratelimit import EXEMPT_PREFIXES, RateLimitMiddleware
from rustok.api.request_guard import RequestGuard
from rustok.api.tenant_middleware import TenantMiddleware, needs_tenant
from rustok.auth import guard as auth_guard
from rustok.core.db.outages import OutageMonitor, guarded_pool
from rustok.rbac.declare import AUTHENTICATED, OPTIONAL_AUTH_OPT, PERMISSION_OPT, PUBLIC_OPT
from rustok.tenancy.resolver import MEDIA_PREFIX, TenantResolver

PROBLEM_SCHEMA = "Problem"
TITLES = {
    400: "Bad request", 401: "Authentication required", 402: "Payment required",
    403: "Forbidden", 404: "Not found", 409: "Conflict", 413: "Payload too large",
    415: "Unsupported media type", 422: "Unprocessable content", 429: "Too many requests",
    500: "Internal server error", 503: "Service unavailable",
}  # fmt: skip


class OperationFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the document says about an operation that decides its problems."""

    path: str
    has_parameters: bool
    json_body: bool
    any_body: bool
    path_parameters: bool


def problem_schema() -> dict[str, Any]:
    """The JSON Schema of every problem body, from the struct the API encodes."""
    _, components = msgspec.json.schema_components([Problem])
    schema: dict[str, Any] = components["Problem"]
    schema["description"] = (
        "RFC 9457 problem details. `code` is the stable, machine-readable reason (the "
        "operation's responses list the codes each status can carry); `errors` maps each "
        "invalid field to its messages on `VALIDATION_ERROR`."
    )
    properties = schema["properties"]
    properties["errors"] = {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "description": "field → messages; present on VALIDATION_ERROR",
    }
    properties["type"]["examples"] = ["urn:rustok:problem:validation-error"]
    properties["code"]["examples"] = ["VALIDATION_ERROR"]
    properties["trace_id"]["description"] = "quote it when reporting a problem"
    schema["examples"] = [
        {
            "type": "urn:rustok:problem:validation-error",
            "title": "Validation failed",
            "status": 400,
            "detail": "email: expected `str` of length >= 3",
            "instance": "/api/auth/login",
            "code": "VALIDATION_ERROR",
            "trace_id": "0af7651916cd43dd8448eb211c80319c",
            "request_id": "01940a3c5e4f7a3b9c2d1e2f3a4b5c6d",
            "errors": {"email": ["expected `str` of length >= 3"]},
        }
    ]
    return schema


class ProblemCatalogue:
    """Computes each operation's problems; analyses every function once."""

    def __init__(self, *, resolution_mode: str, rate_limited: bool) -> None:
        self._analyzer = RaiseAnalyzer()
        self._path_mode = resolution_mode == "path"
        self._rate_limited = rate_limited
        self._common = self._analyzer.problems(RequestGuard.__call__, RequestGuard)
        # Any request may carry an API key: the middleware verifies it before routing,
        # whether or not the operation reads a token.
        resolved = self._analyzer.problems(TenantResolver.resolve, TenantResolver)
        keyed = self._analyzer.problems(TenantMiddleware._with_key, TenantMiddleware)
        self._tenant = resolved | keyed
        self._media_tenant = self._analyzer.problems(TenantResolver.resolve_media, TenantResolver)
        # Every statement checks a connection out of this pool class (core/db/engines.py).
        pool = guarded_pool(OutageMonitor())
        self._database = self._analyzer.problems(pool.connect, pool)

    def problems(self, handler: HTTPRouteHandler, facts: OperationFacts) -> dict[int, list[str]]:
        found: set[ProblemRef] = {(500, "INTERNAL_ERROR")}
        if needs_tenant(facts.path, self._path_mode):
            found |= self._media_tenant if facts.path.startswith(MEDIA_PREFIX) else self._tenant
            # What the exception handler builds itself: a transaction that lost a race.
            found |= {p for p in self._analyzer.problems(problem_for) if p[0] >= 500}
            found |= self._database
        if self._rate_limited and not facts.path.startswith(EXEMPT_PREFIXES):
            found |= self._analyzer.problems(RateLimitMiddleware.__call__, RateLimitMiddleware)
        found |= self._guards(handler)
        found |= self._request(facts)
        for function in [*_used_providers(handler), handler.fn]:
            found |= self._analyzer.problems(function)
        if isinstance(getattr(handler.fn, "__self__", None), GraphQLRoute):
            # strawberry's transport errors become Litestar's HTTP 400 (graphql_transport.py).
            found.add((400, "BAD_REQUEST"))
            for method, owner in _graphql_view_methods():
                found |= self._analyzer.problems(method, owner)
        by_status: dict[int, set[str]] = {}
        for status, code in found:
            by_status.setdefault(status, set()).add(code)
        return {status: sorted(codes) for status, codes in sorted(by_status.items())}

    def _guards(self, handler: HTTPRouteHandler) -> set[ProblemRef]:
        found: set[ProblemRef] = set()
        for guard in handler.resolve_guards():
            if guard is auth_guard.authorize:
                found |= self._auth(handler.opt)
            else:
                found |= self._analyzer.problems(guard)
        return found

    def _auth(self, opt: dict[str, Any]) -> set[ProblemRef]:
        if opt.get(PUBLIC_OPT):
            if opt.get(OPTIONAL_AUTH_OPT):
                return set(self._analyzer.problems(auth_guard._authenticate))
            return set()
        found = set(self._analyzer.problems(auth_guard._authenticate))
        found.add((401, "UNAUTHENTICATED"))
        if opt.get(PERMISSION_OPT) != AUTHENTICATED:
            found.add((403, "FORBIDDEN"))
        return found

    def _request(self, facts: OperationFacts) -> set[ProblemRef]:
        found = set(self._common)  # NUL in the URL; JSON nested too deeply
        if facts.has_parameters or facts.any_body:
            found.add((400, "VALIDATION_ERROR"))
        if facts.path_parameters:
            found.add((404, "NOT_FOUND"))
        if facts.any_body:
            found.add((413, "PAYLOAD_TOO_LARGE"))
        if facts.json_body:
            found |= {(400, "MALFORMED_BODY"), (415, "UNSUPPORTED_MEDIA_TYPE")}
        return found


def _used_providers(handler: HTTPRouteHandler) -> list[Callable[..., Any]]:
    """The dependency providers a handler's signature reaches, directly or through others."""
    available = handler.resolve_dependencies()
    wanted = list(handler.parsed_fn_signature.parameters)
    providers: list[Callable[..., Any]] = []
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen or name not in available:
            continue
        seen.add(name)
        provider = available[name].dependency
        providers.append(provider)
        try:
            wanted.extend(inspect.signature(provider).parameters)
        except (TypeError, ValueError):
            continue
    return providers


def _graphql_view_methods() -> list[tuple[Callable[..., Any], type]]:
    """The GraphQL route hands its requests to strawberry's view (a library's, not ours to
    read), made on the first request: the methods our subclass overrides on it are read
    (importing the GraphQL libraries, when the document is built before any GraphQL
    request)."""
    from rustok.api.graphql_transport import GraphQLTransport

    return [
        (member, GraphQLTransport)
        for klass in GraphQLTransport.__mro__
        if klass.__module__.startswith("rustok.")
        for member in vars(klass).values()
        if inspect.isfunction(member)
    ]
