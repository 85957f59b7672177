"""The OpenAPI document (API-1): valid OpenAPI 3.1, security and the tenant selector on the
operations that need them, problem+json errors, readable operation ids, body examples."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate

from rustok.api.app import RustokApp, create_app
from rustok.api.openapi import build_document
from rustok.bootstrap import bootstrap
from rustok.core.settings import Settings
from rustok.rbac.declare import OPTIONAL_AUTH_OPT, PUBLIC_OPT
from tests.conftest import make_settings

METHODS = ("get", "put", "post", "patch", "delete")
BOTH_SCHEMES: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    body: dict[str, Any] = response.json()
    return body


async def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert len(operations(document)) > 150


async def test_litestar_schema_routes_are_gone(app: RustokApp, client: httpx.AsyncClient) -> None:
    assert not [r.path for r in app.litestar.routes if r.path.startswith("/api/_schema")]
    for path in ("/api/_schema", "/api/_schema/openapi.json", "/api/_schema/swagger"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_security_follows_each_routes_declaration(
    app: RustokApp, document: dict[str, Any]
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer"
    assert schemes["apiKey"] == {**schemes["apiKey"], "type": "apiKey", "in": "header",
                                 "name": "X-Api-Key"}  # fmt: skip
    assert "`Authorization: Bearer rk_live_…`" in schemes["apiKey"]["description"]
    handlers = {
        (route.path_format, method.lower()): handler
        for route in app.litestar.routes
        for method, (handler, _) in getattr(route, "route_handler_map", {}).items()
    }
    counts = {"protected": 0, "optional": 0, "public": 0}
    for method, path, operation in operations(document):
        opt = handlers[(path, method)].opt
        if not opt.get(PUBLIC_OPT):
            assert operation["security"] == BOTH_SCHEMES, (method, path)
            assert "401" in operation["responses"], (method, path)
            counts["protected"] += 1
        elif opt.get(OPTIONAL_AUTH_OPT):
            assert operation["security"] == [{}, *BOTH_SCHEMES], (method, path)
            counts["optional"] += 1
        else:
            assert "security" not in operation, (method, path)
            counts["public"] += 1
    assert min(counts.values()) >= 3, counts
    by_id = {o["operationId"]: o for _, _, o in operations(document)}
    assert by_id["auth_me"]["security"] == BOTH_SCHEMES
    assert "security" not in by_id["auth_login"]
    assert by_id["store_create_cart"]["security"][0] == {}


async def test_the_tenant_header_is_declared_on_tenant_scoped_operations(
    document: dict[str, Any],
) -> None:
    parameter = document["components"]["parameters"]["TenantId"]
    assert parameter["name"] == "X-Tenant-ID"
    assert parameter["in"] == "header"
    assert "default" in parameter["description"]
    reference = {"$ref": "#/components/parameters/TenantId"}
    for method, path, operation in operations(document):
        declared = reference in operation.get("parameters", [])
        assert declared == path.startswith("/api/"), (method, path)
    assert "`header` (this server)" in document["info"]["description"]


async def test_path_mode_puts_the_tenant_in_a_server_variable(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, tenant_resolution="path")
    app = create_app(settings, platform=bootstrap(settings))
    try:
        document = build_document(app.litestar, settings)
    finally:
        await app.platform.aclose()
    validate(document)
    assert document["servers"][0] == {
        "url": "/t/{tenant}", "variables": {"tenant": {"default": "default"}},
    }  # fmt: skip
    assert "parameters" not in document["components"]
    assert "`path` (this server)" in document["info"]["description"]
    for _, _, operation in operations(document):
        assert {"$ref": "#/components/parameters/TenantId"} not in operation.get("parameters", [])


async def test_operation_ids_are_unique_and_readable(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", i) for i in ids), ids
    by_route = {(m, p): o["operationId"] for m, p, o in operations(document)}
    assert by_route[("post", "/api/auth/login")] == "auth_login"
    assert by_route[("post", "/api/store/carts/{cart_id}/checkout")] == "store_checkout_cart"
    assert by_route[("post", "/api/commerce/orders/{order_id}/cancel")] == "commerce_cancel_order"
    assert by_route[("get", "/api/store/products")] == "store_products"
    assert by_route[("post", "/api/graphql")] == "graphql_post"


async def test_every_json_body_has_an_example_its_schema_accepts(
    document: dict[str, Any],
) -> None:
    checked = 0
    for method, path, operation in operations(document):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is None:
            continue
        schema = {**body["schema"], "components": document["components"]}
        validator = OAS31Validator(schema, format_checker=oas31_format_checker)
        errors = [e.message for e in validator.iter_errors(body["example"])]
        assert errors == [], (method, path, body["example"])
        checked += 1
    assert checked > 60
    login = document["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]
    assert login["application/json"]["example"]["email"] == "admin@demo.rustok.local"


async def test_errors_are_documented_as_problems(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {
        "type", "title", "status", "detail", "instance", "code", "trace_id",
    }  # fmt: skip
    assert problem["properties"]["errors"]["additionalProperties"]["type"] == "array"
    own: list[tuple[str, str, str, Any]] = []
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = response["content"]
            if "x-problem-codes" not in response:  # a body of the route's own
                own.append((method, path, status, content))
                continue
            assert list(content) == ["application/problem+json"], (method, path, status)
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }
            codes = response["x-problem-codes"]
            assert codes and all(f"`{code}`" in response["description"] for code in codes)
        assert "500" in operation["responses"], (method, path)
    # Readiness answers 503 with its report of the checks, not a problem.
    ready = {"application/json": {"schema": {"$ref": "#/components/schemas/Ready"}}}
    assert own == [("get", "/health/ready", "503", ready)]
    # Litestar's own error shape is gone from the document.
    assert '"extra"' not in str(document).replace("'", '"')


async def test_operations_name_the_problems_their_layers_answer(
    document: dict[str, Any],
) -> None:
    def codes(method: str, path: str, status: int) -> list[str]:
        response = document["paths"][path][method]["responses"].get(str(status), {})
        return list(response.get("x-problem-codes", []))

    checkout = "/api/store/carts/{cart_id}/checkout"
    assert {"MALFORMED_BODY", "VALIDATION_ERROR", "NESTING_TOO_DEEP",
            "INVALID_TENANT_IDENTIFIER"} <= set(codes("post", checkout, 400))  # fmt: skip
    assert {"INSUFFICIENT_INVENTORY", "CART_NOT_OPEN"} <= set(codes("post", checkout, 409))
    assert codes("post", checkout, 402) == ["PAYMENT_DECLINED"]
    assert codes("post", checkout, 415) == ["UNSUPPORTED_MEDIA_TYPE"]
    assert "TENANT_NOT_FOUND" in codes("post", checkout, 404)
    # An API key sent anywhere is checked before routing (the tenant middleware).
    key_refusals = ["API_KEY_EXPIRED", "API_KEY_REVOKED", "INVALID_API_KEY"]
    assert codes("post", "/api/auth/login", 401) == [*key_refusals, "INVALID_CREDENTIALS"]
    assert "TOO_MANY_ATTEMPTS" in codes("post", "/api/auth/login", 429)
    assert "FORBIDDEN" in codes("post", "/api/admin/tenants", 403)
    assert codes("post", "/api/admin/tenants", 409) == ["TENANT_EXISTS"]
    assert "INVALID_TRANSITION" in codes("post", "/api/commerce/orders/{order_id}/ship", 409)
    # A public route that reads no token cannot answer 401; one without a body no 415.
    assert codes("get", "/api/store/products", 415) == []
    assert codes("post", "/api/auth/login", 403) == ["TENANT_DISABLED", "TENANT_MISMATCH"]
    media = next(p for p in document["paths"] if p.startswith("/media/"))
    assert "INVALID_API_KEY" not in codes("get", media, 401)  # media: the path's tenant only
    assert codes("get", "/health/live", 404) == []
    # The database layer's outage (raised in the engine) and a lost race, on every operation
    # that reaches the database; the S3 media storage's outage where media is stored or read.
    assert codes("get", "/api/store/products", 503) == ["SERVICE_UNAVAILABLE", "TRY_AGAIN"]
    assert codes("get", "/health/live", 503) == []
    assert "MEDIA_STORAGE_UNAVAILABLE" in codes("post", "/api/content/media", 503)
    assert "MEDIA_STORAGE_UNAVAILABLE" not in codes("get", "/api/admin/webhooks", 503)
    assert {"MEDIA_TYPE_MISMATCH", "MEDIA_TYPE_NOT_ALLOWED"} <= set(
        codes("post", "/api/content/media", 415)
    )
    assert codes("post", "/api/admin/webhooks", 422) == ["URL_NOT_ALLOWED"]
    assert codes("patch", "/api/admin/webhooks/{webhook_id}", 422) == ["URL_NOT_ALLOWED"]
    assert "WEBHOOK_INACTIVE" in codes(
        "post", "/api/admin/webhooks/deliveries/{delivery_id}/redeliver", 409
    )


async def test_rate_limits_are_documented_only_when_on(db_url: str, tmp_path: Path) -> None:
    async def limited(settings: Settings) -> list[str]:
        app = create_app(settings, platform=bootstrap(settings))
        try:
            document = build_document(app.litestar, settings)
        finally:
            await app.platform.aclose()
        response = document["paths"]["/api/store/products"]["get"]["responses"].get("429", {})
        return list(response.get("x-problem-codes", []))

    assert await limited(make_settings(db_url, tmp_path, rate_limit="10/second")) == [
        "RATE_LIMITED"
    ]
    assert await limited(make_settings(db_url, tmp_path, rate_limit="0")) == []
