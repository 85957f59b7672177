"""Request bodies at the edge (api/request_guard.py): nesting, strict types, media types,
free-form JSON limits, and HEAD — each refusal a problem+json, never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import msgspec

from rustok.api.admin_mount import with_admin
from rustok.api.app import RustokApp, create_app
from rustok.core.platform import Platform
from tests.api.test_problems import assert_problem
from tests.conftest import make_settings, serve_app
from tests.modules.commerce.helpers import create_product, new_cart
from tests.modules.helpers import login_as

Json = dict[str, Any]
DEEP = b"[" * 2000  # what ended in RecursionError (500) before
GQL = "/api/graphql"


def nested(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


async def post_raw(
    client: httpx.AsyncClient, path: str, body: bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(
        path, content=body, headers={"content-type": "application/json", **(headers or {})}
    )


async def test_deep_bodies_are_refused_on_every_route_before_parsing(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    cart = await new_cart(client)
    items = f"/api/store/carts/{cart['id']}/items"
    closed = b'{"email": ' + b"[" * 2000 + b"]" * 2000 + b', "password": "x"}'
    graphql_variables = msgspec.json.encode({"query": "{ health }", "variables": {"v": nested(70)}})
    for path, body, headers in [
        ("/api/auth/login", DEEP, {}),
        ("/api/auth/login", closed, {}),
        (items, DEEP, {"X-Cart-Token": cart["token"]}),
        ("/api/commerce/products", DEEP, admin),
        (GQL, DEEP, {}),
        (GQL, graphql_variables, {}),
        ("/api/content/nodes", b'{"kind": "article", "metadata": ' + DEEP, admin),
    ]:
        response = await post_raw(client, path, body, headers)
        problem = assert_problem(response, 400, "NESTING_TOO_DEEP")
        assert problem["detail"] == "the JSON body nests arrays and objects deeper than 64 levels"


async def test_depth_64_passes_on_and_the_limit_is_a_setting(
    client: httpx.AsyncClient, platform: Platform, db_url: str, tmp_path: Path
) -> None:
    at_limit = {"email": nested(63), "password": "x"}  # 64 levels with the outer object
    response = await client.post("/api/auth/login", json=at_limit)
    errors = assert_problem(response, 400, "VALIDATION_ERROR")["errors"]
    assert isinstance(errors, dict) and set(errors) == {"email"}
    over = {"email": nested(64), "password": "x"}
    assert_problem(await client.post("/api/auth/login", json=over), 400, "NESTING_TOO_DEEP")
    strict = create_app(make_settings(db_url, tmp_path, max_json_depth=16), platform=platform)
    async with serve_app(strict) as small:
        shallow = {"email": nested(15), "password": "x"}
        assert_problem(await small.post("/api/auth/login", json=shallow), 400, "VALIDATION_ERROR")
        deeper = {"email": nested(16), "password": "x"}
        body = assert_problem(await small.post("/api/auth/login", json=deeper), 400,
                              "NESTING_TOO_DEEP")  # fmt: skip
        assert "deeper than 16 levels" in str(body["detail"])


async def test_wide_shallow_large_json_is_accepted(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    """1.5 MB of JSON full of brackets, quotes and backslashes inside strings: one level."""
    admin = await login_as(client, platform, "admin")
    text = ('[{"a": "\\" ]] }' * 60_000)[:990_000]
    metadata = {f"k{i}": "[[[{{{" * 10 for i in range(500)}
    body = {
        "kind": "article",
        "translations": [{"locale": "en", "title": "Wide", "body": text, "format": "plain"}],
        "metadata": metadata,
    }
    encoded = msgspec.json.encode(body)
    assert 1_000_000 < len(encoded) < 10 * 1024 * 1024
    created = await post_raw(client, "/api/content/nodes", encoded, admin)
    assert created.status_code == 201, created.text[:500]
    node = (await client.get(f"/api/content/nodes/{created.json()['id']}", headers=admin)).json()
    assert node["body"]["body"] == text
    assert node["metadata"] == metadata


async def test_free_form_metadata_has_depth_and_size_limits(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")

    def node(metadata: Any) -> Json:
        return {"kind": "article", "translations": [{"locale": "en", "title": "M"}],
                "metadata": metadata}  # fmt: skip

    deep: Any = "leaf"
    for _ in range(17):
        deep = {"a": deep}
    response = await client.post("/api/content/nodes", json=node(deep), headers=admin)
    body = assert_problem(response, 400, "VALIDATION_ERROR")
    assert body["errors"] == {"metadata": ["must not nest deeper than 16 levels"]}
    big = node({"a": "x" * (64 * 1024)})
    response = await client.post("/api/content/nodes", json=big, headers=admin)
    body = assert_problem(response, 400, "VALIDATION_ERROR")
    assert body["errors"] == {"metadata": ["must encode to at most 65536 bytes of JSON"]}
    created = await client.post("/api/content/nodes", json=node(deep["a"]), headers=admin)
    assert created.status_code == 201, created.text  # 16 levels are fine
    patched = await client.patch(
        f"/api/content/nodes/{created.json()['id']}", json={"metadata": deep}, headers=admin
    )
    assert assert_problem(patched, 400, "VALIDATION_ERROR")["errors"] == {
        "metadata": ["must not nest deeper than 16 levels"]}  # fmt: skip
    mutation = """mutation($input: ContentNodeInput!) { createContentNode(input: $input) { id } }"""
    answer = await client.post(
        GQL, json={"query": mutation, "variables": {"input": node(deep)}}, headers=admin
    )
    error = answer.json()["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_ERROR", error


async def test_page_blocks_have_a_size_limit(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    block = {"type": "html", "html": "<p>" + "x" * 99_000 + "</p>"}

    def page(blocks: int) -> Json:
        return {"translations": [{"locale": "en", "title": "Big", "blocks": [block] * blocks}]}

    response = await client.post("/api/pages", json=page(11), headers=admin)
    body = assert_problem(response, 400, "VALIDATION_ERROR")
    assert body["errors"] == {"blocks": ["must encode to at most 1000000 bytes of JSON"]}
    assert (await client.post("/api/pages", json=page(9), headers=admin)).status_code == 201


async def test_bodies_are_decoded_strictly_on_every_route(
    client: httpx.AsyncClient, platform: Platform, app: RustokApp
) -> None:
    """A string, a float or an integer where the body type says integer or boolean is a
    400 naming the field — it used to be coerced and accepted."""
    admin = await login_as(client, platform, "admin")
    product = await create_product(client, admin)
    variant = product["variants"][0]["id"]
    cart = await new_cart(client)
    items = f"/api/store/carts/{cart['id']}/items"
    cart_headers = {"X-Cart-Token": cart["token"]}
    forum = {"translations": [{"locale": "en", "title": "Forum"}]}
    cases: list[tuple[str, str, Any, dict[str, str], str, str]] = [
        ("POST", items, {"variant_id": variant, "quantity": "5"}, cart_headers, "quantity",
         "Expected `int`, got `str`"),
        ("POST", items, {"variant_id": variant, "quantity": 1.0}, cart_headers, "quantity",
         "Expected `int`, got `float`"),
        ("PUT", f"/api/commerce/variants/{variant}/prices",
         [{"currency_code": "USD", "amount": "100"}], admin, "[0].amount",
         "Expected `int`, got `str`"),
        ("POST", "/api/forum/categories", {**forum, "moderated": 0}, admin, "moderated",
         "Expected `bool`, got `int`"),
        ("POST", f"/api/commerce/variants/{variant}/inventory/adjust",
         {"delta": "3"}, admin, "delta", "Expected `int`, got `str`"),
    ]  # fmt: skip
    for method, path, body, headers, field, message in cases:
        response = await client.request(method, path, json=body, headers=headers)
        problem = assert_problem(response, 400, "VALIDATION_ERROR")
        errors = problem["errors"]
        assert isinstance(errors, dict) and errors[field] == [message], (path, errors)
    # The same bodies with the right types pass.
    good = await client.post(items, json={"variant_id": variant, "quantity": 5},
                             headers=cart_headers)  # fmt: skip
    assert good.status_code == 201, good.text
    moderated = await client.post("/api/forum/categories", json={**forum, "moderated": True},
                                  headers=admin)  # fmt: skip
    assert moderated.status_code == 201 and moderated.json()["moderated"] is True


def test_every_json_route_body_has_a_strict_decoder(app: RustokApp) -> None:
    """The guard builds a strict msgspec decoder for each route's body type: a type msgspec
    cannot decode would fail here, not as a 500 on the first request."""
    from rustok.api.request_guard import _json_body_of

    routes = [
        handler
        for route in with_admin(app.litestar).routes
        for handler in getattr(route, "route_handlers", [])
        if "data" in handler.parsed_fn_signature.parameters
    ]
    assert len(routes) > 50
    for handler in routes:
        expected = _json_body_of(handler)
        assert expected is not None, handler
        assert expected.decoder.strict


async def test_json_routes_refuse_other_media_types(client: httpx.AsyncClient) -> None:
    body = b'{"email": "a@example.com", "password": "whatever-it-is"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": content_type} if content_type else {}
        response = await client.post("/api/auth/login", content=body, headers=headers)
        problem = assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")
        assert "takes application/json" in str(problem["detail"])
    typed = await client.post(
        "/api/auth/login", content=body,
        headers={"content-type": "application/json; charset=utf-8"},
    )  # fmt: skip
    assert_problem(typed, 401, "INVALID_CREDENTIALS")


async def test_head_answers_like_get_without_a_body(client: httpx.AsyncClient) -> None:
    for path in ("/health/live", "/api/store/products", "/api/openapi.json"):
        get = await client.get(path)
        head = await client.head(path)
        assert (head.status_code, get.status_code) == (200, 200), (path, head.text)
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == str(len(get.content))
    missing = await client.head("/api/nowhere")
    assert missing.status_code == 404 and missing.content == b""
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_error_answers_are_problems(client: httpx.AsyncClient) -> None:
    """A sweep of refusals at the edge: each problem+json with its own status."""
    answers = [
        (await client.delete("/health/live"), 405, "METHOD_NOT_ALLOWED"),
        (await client.get("/api/nowhere"), 404, "NOT_FOUND"),
        (await post_raw(client, "/api/auth/login", b'{"email": '), 400, "MALFORMED_BODY"),
        (await post_raw(client, "/api/auth/login", b"[1, 2]"), 400, "VALIDATION_ERROR"),
        (await post_raw(client, "/api/auth/login", DEEP), 400, "NESTING_TOO_DEEP"),
        (await client.post("/api/auth/login", content=b"x", headers={"content-type": "text/csv"}),
         415, "UNSUPPORTED_MEDIA_TYPE"),
        (await post_raw(client, "/api/auth/login", b"[" * (11 * 1024 * 1024)), 413,
         "PAYLOAD_TOO_LARGE"),
    ]  # fmt: skip
    for response, status, error in answers:
        assert_problem(response, status, error)


async def test_a_missing_body_is_named_as_such(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    for headers in ({}, {"content-type": "application/json"}):
        response = await client.post("/api/commerce/products", headers={**admin, **headers})
        problem = assert_problem(response, 400, "VALIDATION_ERROR")
        assert problem["errors"] == {"body": ["a JSON body is required"]}
        assert problem["detail"] == "body: a JSON body is required"
