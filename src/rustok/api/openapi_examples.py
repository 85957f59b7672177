"""Examples of request bodies for the OpenAPI document, so *Try it out* starts from a body
the API takes.

The bodies of the demo flow are written out (signing in as the demo administrator, a
cart, a checkout); every other body is made from its schema: the required fields, each with
a value that fits its type, format, pattern, bounds and name. ``tests/api/test_openapi.py``
validates every example against its schema.
"""

from __future__ import annotations

import re
from typing import Any

DEMO_EMAIL = "admin@demo.rustok.local"
DEMO_PASSWORD = "rustok-demo-admin"  # noqa: S105 - the documented demo login
_ADDRESS = {
    "first_name": "Ada", "last_name": "Lovelace", "address1": "1 Market Street",
    "city": "San Francisco", "province": "CA", "postal_code": "94105", "country_code": "US",
}  # fmt: skip
WRITTEN: dict[str, Any] = {
    "LoginRequest": {"email": DEMO_EMAIL, "password": DEMO_PASSWORD},
    "RegisterRequest": {
        "email": "customer@example.com",
        "password": "correct horse battery staple",
        "name": "Ada Lovelace",
    },
    "CartCreate": {"currency_code": "USD", "email": "customer@example.com"},
    # A variant's id comes from GET /api/store/products/{handle}.
    "CartItemCreate": {"variant_id": "01940a3c-5e4f-7a3b-9c2d-1e2f3a4b5c6d", "quantity": 1},
    "CheckoutRequest": {
        "email": "customer@example.com",
        "shipping_address": _ADDRESS,
        "payment_provider": "manual",
    },
    "TenantCreate": {"slug": "acme", "name": "Acme Inc.", "currency_code": "EUR"},
}
# A value for a string field, by the field's name (checked against the schema after).
_BY_NAME = {
    "email": "customer@example.com", "password": "correct horse battery staple",
    "current_password": "rustok-demo-admin", "new_password": "correct horse battery staple",
    "locale": "en", "default_locale": "en", "currency_code": "USD", "country_code": "US",
    "slug": "example", "handle": "example", "sku": "EXAMPLE-1", "code": "EXAMPLE",
    "url": "https://example.com/", "title": "Example", "name": "Example", "kind": "post",
    "refresh_token": "<the refresh_token from POST /api/auth/login>",
    "token": "<the token from the mail>", "reason": "requested by the customer",
}  # fmt: skip
_FALLBACKS = ("example", "Example", "EXAMPLE", "example-1", "en", "US", "USD", "a", "1")
MAX_DEPTH = 4


def request_example(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """An example body for ``schema`` (a ``$ref`` to a component or an inline schema)."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and (name := ref.rsplit("/", 1)[-1]) in WRITTEN:
        return WRITTEN[name]
    return _Maker(document).value(schema, "", 0)


class _Maker:
    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while isinstance(ref := schema.get("$ref"), str):
            schema = self.schemas.get(ref.rsplit("/", 1)[-1], {})
        return schema

    def value(self, schema: dict[str, Any], name: str, depth: int) -> Any:
        schema = self.resolve(schema)
        for key in ("const", "default"):
            if key in schema:
                return schema[key]
        if schema.get("examples"):
            return schema["examples"][0]
        if "enum" in schema:
            return schema["enum"][0]
        for key in ("oneOf", "anyOf"):
            if key in schema:
                choices = [c for c in schema[key] if self.resolve(c).get("type") != "null"]
                merged = {**{k: v for k, v in schema.items() if k != key}, **(choices or [{}])[0]}
                return self.value(merged, name, depth)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return self.object(schema, depth)
        if kind == "array":
            count = max(1, schema.get("minItems", 0)) if depth < MAX_DEPTH else schema.get(
                "minItems", 0
            )  # fmt: skip
            return [self.value(schema.get("items", {}), name, depth + 1) for _ in range(count)]
        if kind == "integer" or kind == "number":
            return self.number(schema)
        if kind == "boolean":
            return False
        if kind == "string":
            return self.string(schema, name)
        return None

    def object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties", {})
        return {
            key: self.value(properties.get(key, {}), key, depth + 1)
            for key in schema.get("required", [])
        }

    @staticmethod
    def number(schema: dict[str, Any]) -> int:
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        high = schema.get("maximum", max(low, 1))
        return int(min(max(low, 1), high))

    @staticmethod
    def string(schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return "01940a3c-5e4f-7a3b-9c2d-1e2f3a4b5c6d"
        if fmt == "date-time":
            return "2030-01-01T00:00:00Z"
        if fmt in ("uri", "url"):
            return "https://example.com/"
        pattern = schema.get("pattern")
        low, high = schema.get("minLength", 0), schema.get("maxLength", 255)
        candidates = [_BY_NAME[name]] if name in _BY_NAME else []
        for candidate in [*candidates, *_FALLBACKS]:
            text = candidate.ljust(low, "x")[:high] if low <= high else candidate
            if pattern is None or re.search(pattern, text):
                return text
        return "example"
