"""The OpenAPI 3.1 document (API-1): Litestar's, completed in one place after generation.

Routes stay plain handlers; this module adds what the generator cannot know:

- ``security`` from each handler's declaration (``public``, ``optional_auth``, a permission):
  bearer access tokens and API keys (``X-Api-Key: rk_…`` or ``Authorization: Bearer rk_…``);
- the tenant selector: an ``X-Tenant-ID`` parameter on tenant-scoped operations in header
  mode, a ``/t/{tenant}`` server in path mode, and a description of every mode;
- each operation's problems (``openapi_problems``) as ``application/problem+json`` responses,
  one per status, naming the codes it can carry (also as ``x-problem-codes``);
- readable, stable ``operationId``s (``commerce_cancel_order``, ``store_checkout_cart``);
- an example on every JSON request body (``openapi_examples``).

Litestar's own schema routes are not mounted: the document is served at
``/api/openapi.json`` (``docs.py``), built once per process.
"""

from __future__ import annotations

import copy
from typing import Any

from litestar import Litestar, Router
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.routes import HTTPRoute
from litestar.types import ControllerRouterHandler

from rustok import __version__
from rustok.api.openapi_examples import request_example
from rustok.api.openapi_problems import (
    PROBLEM_SCHEMA,
    TITLES,
    OperationFacts,
    ProblemCatalogue,
    problem_schema,
)
from rustok.api.problems import PROBLEM_MEDIA_TYPE
from rustok.api.tenant_middleware import needs_tenant
from rustok.core.settings import Settings
from rustok.rbac.declare import OPTIONAL_AUTH_OPT, PUBLIC_OPT
from rustok.tenancy.resolver import MEDIA_PREFIX

TENANT_PARAMETER = "TenantId"
TENANT_HEADER = "X-Tenant-ID"
METHODS = ("get", "put", "post", "patch", "delete")
AUTHENTICATED_SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from `POST /api/auth/login` (15 minutes; renew it with "
        "`POST /api/auth/refresh`). It belongs to one tenant: send the same tenant selector.",
    },
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
        "description": "An integration's API key (`rk_live_…`) from `POST /api/admin/api-keys` "
        "(or `rustok apikey create`), shown once. It acts in its own tenant with its "
        "permissions, never wider than its creator's current grants. Send it as "
        "`X-Api-Key: rk_live_…` (what *Authorize* does here) or as "
        "`Authorization: Bearer rk_live_…`. In header mode it selects its tenant when no "
        "`X-Tenant-ID` is sent; a tenant chosen otherwise must be the key's (403 "
        "`TENANT_MISMATCH`). Refused: 401 `INVALID_API_KEY` (malformed, unknown, or both "
        "headers differing), `API_KEY_REVOKED`, `API_KEY_EXPIRED`.",
    },
}
_MODE_DESCRIPTIONS = {
    "header": f"send `{TENANT_HEADER}: <tenant slug or id>` (declared on every tenant-scoped "
    "operation); without it the request goes to the default tenant (`default`)",
    "host": "the request's host names the tenant (its configured domain)",
    "subdomain": "the first label of the host names the tenant (`<slug>.<base domain>`)",
    "path": "paths start with `/t/<tenant slug>` (the `tenant` server variable)",
    "disabled": "every request goes to the default tenant",
}


class _NoSchemaRoutes(Router):
    """Where Litestar would mount its schema pages (``/api/_schema*``): nothing is kept, the
    document is served at ``/api/openapi.json`` only."""

    def register(self, value: ControllerRouterHandler) -> list[Any]:
        return []


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="RusToK API",
        version=__version__,
        path="/api/_schema",
        openapi_router=_NoSchemaRoutes(path="/api/_schema", route_handlers=[]),
        use_handler_docstrings=True,
    )


def build_document(app: Litestar, settings: Settings) -> dict[str, Any]:
    """The completed document (a few seconds of CPU: build it once, off the event loop)."""
    document = copy.deepcopy(app.openapi_schema.to_schema())
    mode = settings.tenant_resolution
    catalogue = ProblemCatalogue(
        resolution_mode=mode, rate_limited=settings.rate_limit.strip() != "0"
    )
    handlers = _handlers(app)
    operation_ids: dict[str, str] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            handler = handlers[(path, method.upper())]
            operation_id = _operation_id(handler, path, method)
            if operation_id in operation_ids:
                raise RuntimeError(
                    f"operationId {operation_id!r} of {method.upper()} {path} is also "
                    f"{operation_ids[operation_id]}"
                )
            operation_ids[operation_id] = f"{method.upper()} {path}"
            operation["operationId"] = operation_id
            _complete(document, operation, handler, path, mode, catalogue)
    _components(document, mode)
    document["info"]["description"] = _description(mode)
    if mode == "path":
        document["servers"] = [
            {"url": "/t/{tenant}", "variables": {"tenant": {"default": "default"}}},
            {"url": "/"},
        ]
    return document


def _handlers(app: Litestar) -> dict[tuple[str, str], HTTPRouteHandler]:
    found: dict[tuple[str, str], HTTPRouteHandler] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method, (handler, _) in route.route_handler_map.items():
                found[(route.path_format or "/", method)] = handler
    return found


def _operation_id(handler: HTTPRouteHandler, path: str, method: str) -> str:
    """``<area>_<handler name>``; a one-word action on an item also names the item's kind:
    ``POST /api/commerce/orders/{order_id}/cancel`` → ``commerce_cancel_order``."""
    if handler.operation_id and isinstance(handler.operation_id, str):
        return handler.operation_id
    segments = [s for s in path.strip("/").split("/") if s]
    if segments and segments[0] == "api" and len(segments) > 1:
        segments = segments[1:]
    area = segments[0].replace("-", "_") if segments else "root"
    name = getattr(handler.fn, "__name__", method)
    if name.startswith("handle_http_"):  # strawberry's GraphQL view
        return f"{area}_{method}"
    first_parameter = next((i for i, s in enumerate(segments) if s.startswith("{")), None)
    if first_parameter and "_" not in name:
        kind = _singular(segments[first_parameter - 1])
        if kind not in name and kind != _singular(area):
            name = f"{name}_{kind}"
    return f"{area}_{name}"


def _singular(word: str) -> str:
    word = word.replace("-", "_")
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("ses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _complete(
    document: dict[str, Any],
    operation: dict[str, Any],
    handler: HTTPRouteHandler,
    path: str,
    mode: str,
    catalogue: ProblemCatalogue,
) -> None:
    opt = handler.opt
    if not opt.get(PUBLIC_OPT):
        operation["security"] = AUTHENTICATED_SECURITY
    elif opt.get(OPTIONAL_AUTH_OPT):
        operation["security"] = [{}, *AUTHENTICATED_SECURITY]
    parameters: list[dict[str, Any]] = operation.get("parameters", [])
    tenant_scoped = needs_tenant(path, mode == "path")
    if tenant_scoped and mode == "header" and not path.startswith(MEDIA_PREFIX):
        parameters.insert(0, {"$ref": f"#/components/parameters/{TENANT_PARAMETER}"})
        operation["parameters"] = parameters
    body = operation.get("requestBody", {}).get("content", {})
    json_body = body.get("application/json")
    if json_body is not None and "example" not in json_body:
        json_body["example"] = request_example(json_body.get("schema", {}), document)
    facts = OperationFacts(
        path=path,
        has_parameters=any("$ref" not in p for p in parameters),
        json_body=json_body is not None,
        any_body=bool(body),
        path_parameters=any(p.get("in") == "path" for p in parameters),
    )
    responses = operation.setdefault("responses", {})
    for response in responses.values():
        for header in response.get("headers", {}).values():
            # Litestar leaves a header without a schema when the route gave only a
            # description; OpenAPI requires one.
            if "schema" not in header and "content" not in header:
                header["schema"] = {"type": "string"}
    declared = {str(status) for status in handler.responses or {}}  # the route's own bodies
    for status in [s for s in responses if int(s) >= 400 and s not in declared]:
        del responses[status]  # Litestar's generic {status_code, detail, extra} answer
    for status, codes in catalogue.problems(handler, facts).items():
        problem = _problem_response(status, codes)
        if (own := responses.get(str(status))) is not None:  # both bodies, by media type
            problem["description"] = f"{own['description']}; {problem['description']}"
            problem["content"] = {**own.get("content", {}), **problem["content"]}
        responses[str(status)] = problem
    operation["responses"] = dict(sorted(responses.items()))


def _problem_response(status: int, codes: list[str]) -> dict[str, Any]:
    listed = ", ".join(f"`{code}`" for code in codes)
    return {
        "description": f"{TITLES.get(status, 'Error')}: {listed}",
        "content": {
            PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}}
        },
        "x-problem-codes": codes,
    }


def _components(document: dict[str, Any], mode: str) -> None:
    components = document.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    components.setdefault("schemas", {})[PROBLEM_SCHEMA] = problem_schema()
    if mode == "header":
        components.setdefault("parameters", {})[TENANT_PARAMETER] = {
            "name": TENANT_HEADER,
            "in": "header",
            "required": False,
            "description": "The tenant: its slug (`demo`) or id. Without it the request goes "
            "to the default tenant (`default`), or with an API key to the key's, so a demo "
            "login only works with "
            f"`{TENANT_HEADER}: demo`. Unknown: 404 `TENANT_NOT_FOUND`; disabled: 403 "
            "`TENANT_DISABLED`; malformed: 400 `INVALID_TENANT_IDENTIFIER`.",
            "schema": {"type": "string", "maxLength": 63, "examples": ["demo"]},
        }


def _description(mode: str) -> str:
    modes = "\n".join(
        f"- `{name}`{' (this server)' if name == mode else ''}: {text}"
        for name, text in _MODE_DESCRIPTIONS.items()
    )
    return (
        "Multi-tenant headless content + commerce platform: REST here, GraphQL at "
        "`/api/graphql`.\n\n"
        "**Tenant.** Every `/api` request is for one tenant, chosen by the server's "
        f"resolution mode:\n{modes}\n\n"
        "**Sign in.** `POST /api/auth/login` with the tenant selector answers an access token; "
        "send it as `Authorization: Bearer <token>` (in Swagger UI: *Authorize*). Operations "
        "with a lock need it; those marked optional use it when sent. Integrations use an API "
        "key instead (`X-Api-Key: rk_live_…` or `Authorization: Bearer rk_live_…`), which "
        "also selects its tenant; AI agents reach the same services over MCP (`POST /mcp`, "
        "JSON-RPC, with an API key; not described here).\n\n"
        "**Errors** are `application/problem+json` (RFC 9457) with a stable `code`; each "
        "operation lists the statuses and codes it can answer. Validation failures (400 "
        "`VALIDATION_ERROR`) list every invalid field in `errors`."
    )
