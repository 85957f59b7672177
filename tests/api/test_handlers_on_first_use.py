"""HTTP route handlers readied on their route's first use (issue 13,
``rustok/api/handlers_on_first_use.py``): a built app has parsed no handler's signature;
the first request for a route answers as the route of an app readied in full does, and
readies that route only; every route of the app can be readied (start-up's old check)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.types import Empty

from rustok.api.admin_mount import with_admin
from rustok.api.app import RustokApp, bind_platform, build_litestar
from rustok.api.handlers_on_first_use import prepare_route
from rustok.api.openapi import build_document
from rustok.bootstrap import bootstrap
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from tests.conftest import make_settings, serve_app
from tests.modules.index.instances import default_tenant
from tests.modules.index.support import product, write

LIST = "/api/store/products?limit=20"


def _http_routes(app: Litestar) -> list[HTTPRoute]:
    return [route for route in app.routes if isinstance(route, HTTPRoute)]


def _parsed(app: Litestar) -> set[str]:
    """The paths of the routes with a handler whose signature Litestar parsed."""
    return {
        route.path
        for route in _http_routes(app)
        for handler in route.route_handlers
        if handler._parsed_fn_signature is not Empty
    }


def _ready_in_full(app: Litestar) -> Litestar:
    for route in _http_routes(with_admin(app)):
        prepare_route(app, route)
    return app


@pytest.fixture
async def fresh_apps(tmp_path: Path, db_url: str) -> AsyncIterator[list[RustokApp]]:
    """Two apps as two new workers build them (nothing readied yet), on one database."""
    settings = make_settings(db_url, tmp_path, rate_limit="0")
    platforms = [bootstrap(settings), bootstrap(settings)]
    yield [bind_platform(build_litestar(settings, p), p) for p in platforms]
    for platform in platforms:
        await platform.aclose()


@pytest.mark.sql_free
def test_a_built_app_has_parsed_no_handler_signature_and_readied_is_the_same_app(
    settings: Settings, platform: Platform
) -> None:
    lazy = build_litestar(settings, platform)
    routes = _http_routes(lazy)
    assert len(routes) > 140
    assert _parsed(lazy) == set()
    # what start-up checks and guards read is there: each handler's options, merged from
    # its layers (its module's router tells whose it is)
    store = next(r for r in routes if r.path == "/api/store/products")
    assert store.route_handlers[0].opt["module"] == "index"
    # every route can be readied (start-up did it for each before), and the OpenAPI document
    # (built from the routes it readies itself) is the one of an app readied in full
    document = build_document(lazy, settings)
    ready = _ready_in_full(build_litestar(settings, platform))
    routes = _http_routes(ready)
    assert len(routes) > 200  # the admin's too (146 paths without)
    for route in routes:
        assert type(route.route_handler_map) is dict
        assert set(route.route_handler_map) == set(route.methods)
        for handler, arguments in route.route_handler_map.values():
            assert isinstance(handler, HTTPRouteHandler)
            assert arguments is not None
            assert handler._parsed_fn_signature is not Empty
    assert build_document(ready, settings) == document


async def test_the_first_request_for_a_route_answers_as_a_readied_app_and_readies_it_alone(
    fresh_apps: list[RustokApp],
) -> None:
    lazy, ready = fresh_apps
    _ready_in_full(ready.litestar)
    await write(
        lazy.platform, await default_tenant(lazy), *(product(f"Thing {n}", n) for n in range(3))
    )
    requests = [
        ("GET", LIST),
        ("GET", "/api/store/products?limit=abc"),  # refused by the arguments' model: 400
        ("DELETE", "/api/store/products"),  # routed, no such method: 405
        ("GET", "/api/store/no-such-thing"),  # 404
    ]
    answers: list[list[tuple[int, list[str], Any]]] = []
    for app in (lazy, ready):
        async with serve_app(app) as client:
            answers.append([_answer(await client.request(m, path)) for m, path in requests])
    assert answers[0] == answers[1]
    listed, bad, wrong_method, missing = answers[0]
    assert listed[0] == 200
    assert [item["title"] for item in listed[2]["items"]] == ["Thing 2", "Thing 1", "Thing 0"]
    assert [bad[0], bad[2]["errors"], wrong_method[:2], missing[0]] == [
        400, {"limit": ["Expected `int`, got `str`"]}, (405, ["GET", "OPTIONS"]), 404,
    ]  # fmt: skip
    assert _parsed(lazy.litestar) == {"/api/store/products"}


def _answer(response: httpx.Response) -> tuple[int, list[str], Any]:
    """Status, the methods Allow names (in no set order: Litestar lists a set, whose order
    changes from process to process) and the body, without the ids that name each request."""
    body = response.json()
    for name in ("request_id", "trace_id"):
        body.pop(name, None)
    allowed = sorted(response.headers.get("allow", "").replace(" ", "").split(","))
    return response.status_code, allowed, body
