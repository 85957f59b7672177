"""``GET /``: where a new user starts. HTML for a browser, JSON for an API client (chosen by
``Accept``), both naming the docs, GraphQL, health, the admin (when this app has one) and
how to choose a tenant. Tenant-free (T-8)."""

from __future__ import annotations

import html
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, get
from litestar.enums import MediaType

from rustok import __version__
from rustok.api.admin_mount import ADMIN_PATH, admin_mount_of
from rustok.core.settings import Settings
from rustok.web.deps import platform_from_state

LANDING_STATE_KEY = "landing"
_SELECTORS = {
    "header": "send `X-Tenant-ID: <tenant slug>` (e.g. `X-Tenant-ID: demo`); without it, "
    "requests go to the default tenant",
    "host": "use the tenant's own domain",
    "subdomain": "use `<tenant slug>.<base domain>`",
    "path": "prefix paths with `/t/<tenant slug>` (e.g. `/t/demo/api/store/products`)",
    "disabled": "there is one tenant",
}


class Link(msgspec.Struct, frozen=True):
    rel: str
    href: str
    title: str


class Landing(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    version: str
    tenant_resolution: str
    tenant_selector: str
    links: list[Link]


def landing_of(app: Litestar, settings: Settings) -> Landing:
    """What the page shows; the admin is linked only when this app mounts it."""
    paths = {route.path for route in app.routes}
    links = [Link("docs", "/docs", "API docs (Swagger UI)"),
             Link("openapi", "/api/openapi.json", "OpenAPI document")]  # fmt: skip
    if settings.graphiql_enabled:
        links.append(Link("graphiql", "/api/graphql", "GraphQL (GraphiQL)"))
    else:
        links.append(Link("graphql", "/api/graphql", "GraphQL endpoint (POST)"))
    links.append(Link("health", "/health/ready", "Health"))
    if ADMIN_PATH in paths or admin_mount_of(app) is not None:  # mounted on first use
        links.append(Link("admin", ADMIN_PATH, "Admin"))
    mode = settings.tenant_resolution
    return Landing(
        name="RusToK", version=__version__, tenant_resolution=mode,
        tenant_selector=_SELECTORS[mode], links=links,
    )  # fmt: skip


def _page(landing: Landing) -> str:
    items = "\n".join(
        f'    <li><a href="{html.escape(link.href)}">{html.escape(link.title)}</a>'
        f" <code>{html.escape(link.href)}</code></li>"
        for link in landing.links
    )
    selector = html.escape(landing.tenant_selector).replace("`", "")
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>RusToK {html.escape(landing.version)}</title>
  <style>
    body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto;
           padding: 0 1rem; color: #1f2328; }}
    code {{ background: #f3f4f6; padding: 0 .25rem; border-radius: 3px; }}
    li {{ margin: .3rem 0; }}
  </style>
</head>
<body>
  <h1>RusToK <small>{html.escape(landing.version)}</small></h1>
  <p>Multi-tenant headless content and commerce: REST and GraphQL APIs.</p>
  <ul>
{items}
  </ul>
  <p><strong>Tenant:</strong> {selector}.</p>
</body>
</html>
"""


@get(
    "/",
    public=True,
    include_in_schema=False,
    media_type=MediaType.JSON,
    http_only="landing page for browsers and a link index for API clients",
)
async def landing(request: Request[Any, Any, Any]) -> Response[Any]:
    """The start page: HTML for browsers, JSON for everything else."""
    state = request.app.state
    if not isinstance(page := state.get(LANDING_STATE_KEY), Landing):
        page = state[LANDING_STATE_KEY] = landing_of(
            request.app, platform_from_state(state).settings
        )
    wanted = request.accept.best_match([MediaType.JSON, MediaType.HTML], MediaType.JSON)
    headers = {"Vary": "Accept"}
    if wanted == MediaType.HTML:
        return Response(_page(page), media_type=MediaType.HTML, headers=headers)
    return Response(msgspec.json.encode(page), media_type=MediaType.JSON, headers=headers)
