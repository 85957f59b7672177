"""The GraphQL schema is built when ``/api/graphql`` is first asked for (issue 13): once,
whichever of several simultaneous first requests comes first, and its first answers are the
usual ones; a schema that cannot be built fails GraphQL requests with a problem while REST
keeps answering."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
import strawberry
from litestar import Litestar

from rustok.api.app import create_app
from rustok.api.graphql_lazy import LazySchema, SchemaNotBuilt
from rustok.bootstrap import bootstrap
from rustok.core.module import ModuleSpec
from rustok.core.settings import Settings
from rustok.web.permissions import requires
from tests.conftest import serve_app
from tests.probe_module import PROBE_MODULE

QUERY = '{ health modules { slug } probeEcho(text: "hi") }'
ANSWER = {"data": {"health": "ok", "modules": [{"slug": "probe"}], "probeEcho": "hi"}}


def lazy_schema_of(litestar: Litestar) -> LazySchema[Any]:
    """The route's view, built with its schema on first use."""
    controllers = [
        getattr(handler.fn, "__self__", None)
        for route in litestar.routes
        if route.path == "/api/graphql"
        for handler in getattr(route, "route_handlers", ())
    ]
    views = {id(v): v for o in controllers if isinstance(v := getattr(o, "view", None), LazySchema)}
    (view,) = views.values()
    return view


async def test_the_schema_is_built_once_by_simultaneous_first_requests(
    settings: Settings,
) -> None:
    app = create_app(settings, platform=bootstrap(settings, modules=[PROBE_MODULE]))
    lazy = lazy_schema_of(app.litestar)
    async with serve_app(app) as client:
        assert not lazy.built  # start-up did not build it
        assert (await client.get("/api/store/products")).status_code in (200, 404)
        assert not lazy.built  # nor did a REST request
        first = [client.post("/api/graphql", json={"query": QUERY}) for _ in range(4)]
        answers = await asyncio.gather(*first)
        assert [a.status_code for a in answers] == [200] * 4
        assert [a.json() for a in answers] == [ANSWER] * 4
        assert (lazy.built, lazy.builds) == (True, 1)
        again = await client.post("/api/graphql", json={"query": QUERY})
        assert again.json() == ANSWER
        assert lazy.builds == 1


def test_concurrent_callers_wait_for_the_one_build() -> None:
    started, release = threading.Event(), threading.Event()
    built: list[object] = []

    def build() -> Any:
        started.set()
        release.wait(10)
        built.append(object())
        return built[-1]

    lazy = LazySchema(build)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(lazy.get())) for _ in range(3)]
    for thread in threads:
        thread.start()
    assert started.wait(10)
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(built) == 1
    assert results == [built[0]] * 3
    assert lazy.builds == 1


def test_attributes_are_read_from_the_built_schema_but_not_copying_hooks() -> None:
    @strawberry.type
    class Query:
        answer: int = 42

    lazy = LazySchema(lambda: strawberry.Schema(query=Query))
    assert getattr(lazy, "__deepcopy__", None) is None
    assert not lazy.built
    assert lazy.as_str().startswith("type Query")
    assert lazy.built


@strawberry.type
class UndeclaredQuery:
    @strawberry.field(permission_classes=[requires("nosuchresource:read")])
    def secret(self) -> str:
        return "never"


UNDECLARED_MODULE = ModuleSpec(
    slug="undeclared",
    name="Undeclared",
    description="Test-only module asking for a permission nobody declares",
    version="0.0.1",
    graphql_query=UndeclaredQuery,
)


@pytest.mark.sql_free
async def test_a_schema_that_cannot_be_built_fails_graphql_requests_only(
    settings: Settings,
) -> None:
    app = create_app(settings, platform=bootstrap(settings, modules=[UNDECLARED_MODULE]))
    lazy = lazy_schema_of(app.litestar)
    async with serve_app(app) as client:
        assert (await client.get("/health/live")).status_code == 200
        for _ in range(2):
            answer: httpx.Response = await client.post("/api/graphql", json={"query": "{ secret }"})
            assert answer.status_code == 500, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["code"] == "INTERNAL_ERROR"
        assert lazy.builds == 1  # the failure is kept, not rebuilt per request
    with pytest.raises(SchemaNotBuilt, match="nosuchresource:read"):
        lazy.get()


MISNAMED_MODULE = ModuleSpec(
    slug="misnamed",
    name="Misnamed",
    description="Test-only module naming a GraphQL root that is not a type",
    version="0.0.1",
    graphql_query="tests.probe_module:SECRET",
)


@pytest.mark.sql_free
async def test_a_root_named_by_where_it_is_must_be_a_type(settings: Settings) -> None:
    app = create_app(settings, platform=bootstrap(settings, modules=[MISNAMED_MODULE]))
    lazy = lazy_schema_of(app.litestar)
    async with serve_app(app) as client:
        answer = await client.post("/api/graphql", json={"query": "{ health }"})
        assert answer.status_code == 500, answer.text
    with pytest.raises(SchemaNotBuilt) as info:
        lazy.get()
    cause = info.value.__cause__
    assert isinstance(cause, TypeError)
    assert str(cause) == ("module 'misnamed': 'tests.probe_module:SECRET' is not a GraphQL type")
