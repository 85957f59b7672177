"""``/docs``: Swagger UI served from the bundled assets (works offline), and ``/metrics``."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Response, Router, get
from litestar.static_files import create_static_files_router

from rustok.api.deps import platform_from_state
from rustok.api.openapi import openapi_document
from rustok.core.metrics import render_metrics

OPENAPI_JSON_PATH = "/api/openapi.json"


def _swagger_static_dir() -> Path:
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


_SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>RusToK API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "__OPENAPI_JSON__",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
    });
  </script>
</body>
</html>
""".replace("__OPENAPI_JSON__", OPENAPI_JSON_PATH)


@get("/docs", public=True, include_in_schema=False, media_type="text/html")
async def swagger_ui() -> str:
    return _SWAGGER_PAGE


@get(
    OPENAPI_JSON_PATH,
    public=True,
    include_in_schema=False,
    media_type="application/vnd.oai.openapi+json",
)
async def openapi_json(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The OpenAPI 3.1 document, built and encoded once per process."""
    state = request.app.state
    if (body := state.get("openapi_json")) is None:
        settings = platform_from_state(state).settings
        body = state["openapi_json"] = msgspec.json.encode(openapi_document(request.app, settings))
    return Response(body, media_type="application/vnd.oai.openapi+json")


@get("/metrics", public=True, include_in_schema=False)
async def metrics() -> Response[bytes]:
    body, content_type = render_metrics()
    # Litestar appends the charset itself.
    return Response(body, media_type=content_type.replace("; charset=utf-8", ""))


def docs_assets_router() -> Router:
    return create_static_files_router(
        path="/docs/assets",
        directories=[_swagger_static_dir()],
        include_in_schema=False,
        opt={"public": True},
    )
