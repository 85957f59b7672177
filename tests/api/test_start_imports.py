"""What a worker's start-up leaves out (issue 13): drivers and clients of services this
deployment does not use are imported when first used, so are the GraphQL libraries and
types (a worker answering REST only never imports them), and the app's routers are
registered as they are built."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from litestar import Litestar

from rustok.api.app import build_litestar
from rustok.api.fresh_router import FreshRouter
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.migrations import SCHEMA_HEADS_ENV, head_revisions
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).parents[2]  # the tests package is imported from there

# Loaded only where used: Redis (RUSTOK_REDIS_URL; it brings the OpenTelemetry metrics SDK),
# asyncpg (PostgreSQL's LISTEN), NATS (the event transport), Markdown (rendering a page), the
# OpenTelemetry SDK (tracing on), stamina and tenacity (retries: the NATS transport's), rich
# and pygments (the console log's tracebacks: rustok.core.logging), attrs (the OpenAPI
# document's attrs classes: rustok.api.attrs_schemas).
NOT_AT_START = (
    "redis", "asyncpg", "nats", "markdown_it", "opentelemetry.sdk", "stamina", "tenacity",
    "rich", "pygments", "attr", "attrs",
)  # fmt: skip
_WORKER = """
import json, sys
from rustok.api.asgi import app_from_env
app = app_from_env()
paths = {route.path for route in app.litestar.routes}
print(json.dumps({"modules": sorted(sys.modules), "routes": len(paths)}))
"""
GRAPHQL_LIBRARIES = ("strawberry", "graphql")
# A worker that answers a storefront list over REST, then a GraphQL query.
_REST_THEN_GRAPHQL = """
import asyncio, json, sys
import httpx
from tests.lifespan import LifespanManager
from rustok.api.asgi import app_from_env

def graphql_modules():
    # the libraries, and the GraphQL types (rustok.api.graphql, rustok.modules.blog.graphql …)
    return sorted(name for name in sys.modules
                  if name.split(".")[0] in ("strawberry", "graphql") or "graphql" in name.split(".")[1:])

async def main():
    app = app_from_env()
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            rest = await client.get("/api/store/products?limit=20")
            after_rest = graphql_modules()
            graphql = await client.post("/api/graphql", json={"query": "{ health }"})
    print(json.dumps({"rest": [rest.status_code, rest.json()["items"]], "after_rest": after_rest,
                      "graphql": [graphql.status_code, graphql.json()],
                      "after_graphql": graphql_modules()}))

asyncio.run(main())
"""


def _worker_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(RUSTOK_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/start.db",
               RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET)  # fmt: skip
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=180, check=False, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_a_sqlite_worker_without_redis_imports_no_unused_client(tmp_path: Path) -> None:
    env = _worker_env(tmp_path)
    done = subprocess.run([sys.executable, "-c", _WORKER], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    started = json.loads(done.stdout.splitlines()[-1])
    assert started["routes"] > 140  # the API was built (146 paths; the admin's on first use)
    loaded = [
        name for name in started["modules"]
        if any(name == part or name.startswith(part + ".") for part in NOT_AT_START)
    ]  # fmt: skip
    assert loaded == []


@pytest.mark.slow
def test_a_worker_answering_rest_imports_no_graphql_until_a_graphql_request(
    tmp_path: Path,
) -> None:
    env = _worker_env(tmp_path)
    _run(env, "-m", "rustok", "migrate")
    answered = json.loads(_run(env, "-c", _REST_THEN_GRAPHQL).splitlines()[-1])
    assert answered["rest"] == [200, []]
    assert answered["after_rest"] == []  # neither the libraries nor any module's types
    assert answered["graphql"] == [200, {"data": {"health": "ok"}}]
    loaded = {name.split(".")[0] for name in answered["after_graphql"]}
    assert set(GRAPHQL_LIBRARIES) <= loaded
    assert "rustok.modules.index.graphql" in answered["after_graphql"]


# A worker starts (its event runtime and jobs too) and answers a storefront list.
_WORKER_ANSWERS = """
import asyncio, json, sys
import httpx
from tests.lifespan import LifespanManager
from rustok.api.asgi import app_from_env

async def main():
    app = app_from_env()
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            rest = await client.get("/api/store/products?limit=20")
        drivers = sorted(name for name in sys.modules
                         if name.startswith(("sqlalchemy.dialects.", "aiosqlite", "asyncpg")))
    print(json.dumps({"rest": rest.status_code, "drivers": drivers}))

asyncio.run(main())
"""


@pytest.mark.slow
def test_a_worker_imports_the_dialect_of_its_database_only(
    tmp_path: Path, db_url: str, backend: str
) -> None:
    # Its column types (JSONB, ARRAY, tsvector), statements and driver are the other
    # database's only there. The heads come from `rustok serve`, whose child checked the
    # schema (Alembic, which imports every dialect, is not the worker's).
    env = {**_worker_env(tmp_path), "RUSTOK_DATABASE_URL": db_url}
    env[SCHEMA_HEADS_ENV] = ",".join(head_revisions())
    answered = json.loads(_run(env, "-c", _WORKER_ANSWERS).splitlines()[-1])
    assert answered["rest"] == 200
    ours, other = ("sqlite", "postgresql") if backend == "sqlite" else ("postgresql", "sqlite")
    assert f"sqlalchemy.dialects.{ours}" in answered["drivers"]
    assert [name for name in answered["drivers"] if other in name] == []
    assert ("aiosqlite" in answered["drivers"]) is (backend == "sqlite")


def _handlers(app: Litestar) -> dict[tuple[str, str], object]:
    return {
        (route.path, method): handler
        for route in app.routes
        for method, (handler, _) in getattr(route, "route_handler_map", {}).items()
    }


@pytest.mark.sql_free
def test_two_apps_built_in_one_process_share_no_route_handler(
    settings: Settings, platform: Platform
) -> None:
    # Routers are registered uncopied (FreshRouter): each build makes its own, so the
    # handlers of one app must still be objects of their own, not the other app's.
    first, second = build_litestar(settings, platform), build_litestar(settings, platform)
    one, two = _handlers(first), _handlers(second)
    assert one.keys() == two.keys()
    module_routes = [key for key in one if key[0].startswith("/api/store/")]
    assert module_routes
    shared = [key for key in one if one[key] is two[key]]
    assert shared == []
    for key in module_routes:  # under the module's router, itself under the app
        layers = one[key].ownership_layers  # type: ignore[attr-defined]
        assert layers[0] is first
        assert any(isinstance(layer, FreshRouter) for layer in layers)


# A worker's start: the module Granian imports is light; the factory builds with the collector
# off, then freezes what it built and turns the collector on again.
_FACTORY_GC = """
import gc, json, sys
import rustok.api.asgi
imported_platform = "rustok.api.app" in sys.modules
app = rustok.api.asgi.app_from_env()
print(json.dumps({"platform_at_import": imported_platform, "enabled": gc.isenabled(),
                  "frozen": gc.get_freeze_count(), "routes": len(app.litestar.routes)}))
"""


@pytest.mark.slow
def test_a_worker_builds_its_app_with_the_collector_off_and_freezes_it(tmp_path: Path) -> None:
    started = json.loads(_run(_worker_env(tmp_path), "-c", _FACTORY_GC).splitlines()[-1])
    assert started["platform_at_import"] is False
    assert started["routes"] > 140
    assert started["enabled"] is True
    # modules, classes, mappings and routes: some 300,000 objects no collection walks again
    assert started["frozen"] > 100_000


# A worker answers a storefront list, then renders an admin page; a mail is rendered last.
_REST_ADMIN_MAIL = """
import asyncio, json, sys
import httpx
from tests.lifespan import LifespanManager
from rustok.api.asgi import app_from_env
from rustok.mail.catalogue import sample_of
from rustok.mail.mail_runtime import mail_runtime

def jinja() -> bool:
    return "jinja2" in sys.modules

async def main():
    app = app_from_env()
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            rest = await client.get("/api/store/products?limit=20")
            after_rest = jinja()
            admin = await client.get("/admin/login")
        after_admin = jinja()
    mail = mail_runtime(app.platform).templates.render(
        "account/password_reset", "en", sample_of("account/password_reset"))
    print(json.dumps({"rest": rest.status_code, "after_rest": after_rest,
                      "admin": [admin.status_code, admin.headers["content-type"],
                                'action="/admin/login"' in admin.text],
                      "after_admin": after_admin, "subject": mail.subject}))

asyncio.run(main())
"""


@pytest.mark.slow
def test_jinja2_is_imported_by_the_first_admin_page_not_by_a_worker_answering_rest(
    tmp_path: Path, db_url: str
) -> None:
    env = {**_worker_env(tmp_path), "RUSTOK_DATABASE_URL": db_url}
    answered = json.loads(_run(env, "-c", _REST_ADMIN_MAIL).splitlines()[-1])
    assert answered["rest"] == 200
    assert answered["after_rest"] is False  # neither the admin's templates nor the mails'
    assert answered["admin"] == [200, "text/html; charset=utf-8", True]
    assert answered["after_admin"] is True
    assert answered["subject"] == "Reset your password"


# A worker answers a storefront list, then three simultaneous first admin requests (one for
# a product by the ULID of its id, the others for the sign-in page); an app built in the same
# process with its admin mounted at once gives the routes the worker should end with.
_REST_THEN_ADMIN = """
import asyncio, json, sys, uuid
import httpx
from tests.lifespan import LifespanManager
from rustok.api.admin_mount import with_admin
from rustok.api.app import build_litestar
from rustok.api.asgi import app_from_env
from rustok.core.ids import id_to_ulid

PAGES = ("rustok.api.admin.router", "rustok.modules.commerce.admin.products", "babel")

def admin_state(app):
    return {"routes": sorted(r.path for r in app.litestar.routes if r.path.startswith("/admin")),
            "pages": [name for name in PAGES if name in sys.modules]}

async def main():
    app = app_from_env()
    at_start = admin_state(app)
    product = uuid.uuid4()
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            rest = await client.get("/api/store/products?limit=20")
            after_rest = admin_state(app)
            by_ulid, *logins = await asyncio.gather(
                client.get(f"/admin/commerce/products/{id_to_ulid(product)}"),
                *(client.get("/admin/login") for _ in range(2)))
            by_uuid = await client.get(f"/admin/commerce/products/{product}")
            after_admin = admin_state(app)
    eager = with_admin(build_litestar(app.platform.settings, app.platform))
    print(json.dumps({
        "at_start": at_start, "rest": rest.status_code, "after_rest": after_rest,
        "logins": [[r.status_code, r.headers["content-type"], 'action="/admin/login"' in r.text]
                   for r in logins],
        "product": [[r.status_code, r.headers.get("location")] for r in (by_ulid, by_uuid)],
        "after_admin": after_admin,
        "all_routes": [r.path for r in app.litestar.routes] == [r.path for r in eager.routes],
        "eager_admin_routes": sorted(r.path for r in eager.routes if r.path.startswith("/admin")),
    }))

asyncio.run(main())
"""


@pytest.mark.slow
def test_the_admin_is_imported_and_routed_when_first_asked_for_then_as_if_built_with_the_app(
    tmp_path: Path, db_url: str
) -> None:
    env = {**_worker_env(tmp_path), "RUSTOK_DATABASE_URL": db_url}
    answered = json.loads(_run(env, "-c", _REST_THEN_ADMIN).splitlines()[-1])
    assert answered["at_start"] == {"routes": [], "pages": []}
    assert answered["rest"] == 200
    assert answered["after_rest"] == {"routes": [], "pages": []}
    assert answered["logins"] == [[200, "text/html; charset=utf-8", True]] * 2
    # The ULID was read as the id on the very request that mounted the admin: both forms are
    # sent to sign in (an unknown id would have been a 404 before any guard ran).
    (ulid_status, ulid_location), by_uuid = answered["product"]
    assert ulid_status == 303, answered["product"]
    assert ulid_location.startswith("/admin/login")
    assert by_uuid[0] == 303
    mounted = answered["after_admin"]
    assert mounted["pages"] == ["rustok.api.admin.router", "rustok.modules.commerce.admin.products",
                                "babel"]  # fmt: skip
    assert "/admin/login" in mounted["routes"]
    assert "/admin/commerce/products/{product_id:uuid}" in mounted["routes"]
    assert mounted["routes"] == answered["eager_admin_routes"]
    assert answered["all_routes"] is True  # the same routes in the same order
