"""``/docs``: Swagger UI served from the bundled assets (works offline), with a tenant box;
``/api/openapi.json``; ``/metrics``."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
import threading
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, Router, get
from litestar.static_files import create_static_files_router
from litestar.utils.version import get_version as litestar_version

from rustok import __version__
from rustok.api.admin_mount import is_admin_path
from rustok.api.fresh_router import FreshRouter
from rustok.api.openapi import build_document
from rustok.core.logging import get_logger
from rustok.core.metrics import render_metrics
from rustok.core.settings import Settings
from rustok.web.deps import platform_from_state

OPENAPI_JSON_PATH = "/api/openapi.json"
DOCUMENT_STATE_KEY = "openapi_json"
_log = get_logger(__name__)


def _swagger_static_dir() -> Path:
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


# A tenant box above Swagger UI: its value goes out as X-Tenant-ID on every request that
# does not fill the operation's own X-Tenant-ID field (kept in this browser's storage, like
# the token of *Authorize*).
_SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>RusToK API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
  <style>
    #rustok-tenant { font: 14px sans-serif; max-width: 1460px; margin: 12px auto 0;
                     padding: 0 20px; box-sizing: border-box; }
    #rustok-tenant input { font: inherit; padding: 4px 8px; width: 16em; }
  </style>
</head>
<body>
  <form id="rustok-tenant" onsubmit="return false">
    <label>Tenant (<code>X-Tenant-ID</code>)
      <input id="tenant-id" name="tenant" placeholder="default" autocomplete="off"></label>
    <span>sent with every request; the demo shop is <code>demo</code></span>
  </form>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    const tenantBox = document.getElementById("tenant-id");
    tenantBox.value = localStorage.getItem("rustok.tenant") || "";
    tenantBox.addEventListener("input", () =>
      localStorage.setItem("rustok.tenant", tenantBox.value.trim()));
    window.ui = SwaggerUIBundle({
      url: "__OPENAPI_JSON__",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      displayOperationId: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      requestInterceptor: (request) => {
        const tenant = tenantBox.value.trim();
        const named = Object.keys(request.headers || {}).some(
          (name) => name.toLowerCase() === "x-tenant-id");
        if (tenant && !named) request.headers["X-Tenant-ID"] = tenant;
        return request;
      },
    });
  </script>
</body>
</html>
""".replace("__OPENAPI_JSON__", OPENAPI_JSON_PATH)


@get(
    "/docs",
    public=True,
    include_in_schema=False,
    media_type="text/html",
    http_only="Swagger UI (HTML)",
)
async def swagger_ui() -> str:
    return _SWAGGER_PAGE


@get(
    OPENAPI_JSON_PATH,
    public=True,
    include_in_schema=False,
    media_type="application/vnd.oai.openapi+json",
    sync_to_thread=True,  # the first call builds the document: seconds of CPU
    http_only="the OpenAPI document itself",
)
def openapi_json(request: Request[Any, Any, Any]) -> Response[bytes]:
    return Response(encoded_document(request.app), media_type="application/vnd.oai.openapi+json")


def encoded_document(app: Litestar) -> bytes:
    """The OpenAPI 3.1 document as JSON, built on first use and then kept in the app's state;
    a caller may build it ahead of the first request.

    Building it walks the handlers' code (seconds of CPU), so the bytes are also kept in
    ``RUSTOK_DATA_DIR/cache`` under a key of everything they depend on (see
    :func:`document_key`): the other workers, and the next start of the same code and
    settings, read them instead of building them again.
    """
    body = app.state.get(DOCUMENT_STATE_KEY)
    if isinstance(body, bytes):
        return body
    with _building:  # one build per process, whichever thread asks first
        body = app.state.get(DOCUMENT_STATE_KEY)
        if not isinstance(body, bytes):
            settings = platform_from_state(app.state).settings
            body = app.state[DOCUMENT_STATE_KEY] = _cached_document(app, settings)
    return body


_building = threading.Lock()
_CACHE_PREFIX = "openapi-"


def _cached_document(app: Litestar, settings: Settings) -> bytes:
    folder = Path(settings.data_dir) / "cache"
    path = folder / f"{_CACHE_PREFIX}{document_key(app, settings)}.json"
    with contextlib.suppress(OSError):
        return path.read_bytes()
    body = msgspec.json.encode(build_document(app, settings))
    try:  # a cache that cannot be written only costs the next process a build
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f"{_CACHE_PREFIX}*.json"):
            stale.unlink(missing_ok=True)
        written = folder / f".{path.name}.{os.getpid()}"
        written.write_bytes(body)
        written.replace(path)  # atomic: a reader sees the whole document or none
    except OSError as exc:
        _log.warning("openapi document not cached", path=str(path), error=str(exc))
    return body


def document_key(app: Litestar, settings: Settings) -> str:
    """What the document is made of: the versions of the code (this package's files and the
    modules of every handler, by size and modification time; the libraries' versions), the
    routes with their methods, and the settings the document reads."""
    digest = hashlib.sha256()
    rate_limited = settings.rate_limit.strip() != "0"
    versions = f"{__version__} {sys.version} {msgspec.__version__} {litestar_version()}"
    digest.update(f"{versions} {settings.tenant_resolution} {rate_limited}\n".encode())
    sources = {str(path) for path in _PACKAGE_DIR.rglob("*.py")}
    for route in app.routes:
        if is_admin_path(route.path):  # not in the document, and registered on first use
            continue
        methods = sorted(getattr(route, "methods", ()))
        digest.update(f"{route.path} {' '.join(methods)}\n".encode())
        for handler in getattr(route, "route_handlers", ()):
            module = sys.modules.get(getattr(handler.fn, "__module__", ""))
            if (source := getattr(module, "__file__", None)) is not None:
                sources.add(source)
    for source in sorted(sources):
        with contextlib.suppress(OSError):
            stat = os.stat(source)
            digest.update(f"{source} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@get("/metrics", public=True, include_in_schema=False, http_only="Prometheus text exposition")
async def metrics() -> Response[bytes]:
    body, content_type = render_metrics()
    # Litestar appends the charset itself.
    return Response(body, media_type=content_type.replace("; charset=utf-8", ""))


def docs_assets_router() -> Router:
    return create_static_files_router(
        path="/docs/assets",
        directories=[_swagger_static_dir()],
        include_in_schema=False,
        opt={"public": True, "http_only": "Swagger UI's static files"},
        router_class=FreshRouter,
    )
