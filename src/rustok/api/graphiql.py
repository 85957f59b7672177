"""GraphiQL on ``GET /api/graphql`` from files shipped in this package (no CDN: it works
offline), with the tenant and the access token editable above the editor.

The assets are npm's builds, pinned and unchanged (``static/graphiql/PROVENANCE.md``), served
under ``/docs/graphiql/`` (tenant-free and not rate limited, like the Swagger UI assets).
The tenant is shared with the Swagger UI page (this browser's storage); the token is kept
for the tab only. Headers typed in GraphiQL's own header editor win over both.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router

from rustok.api.fresh_router import FreshRouter

GRAPHIQL_ASSETS_PATH = "/docs/graphiql"
GRAPHIQL_DIR = Path(__file__).parent / "static" / "graphiql"

GRAPHIQL_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>RusToK GraphQL</title>
  <link rel="stylesheet" href="__ASSETS__/graphiql.min.css">
  <style>
    html, body { height: 100%; margin: 0; }
    body { display: flex; flex-direction: column; font: 14px sans-serif; }
    #rustok-bar { display: flex; gap: 1.5em; align-items: center; padding: 6px 12px;
                  border-bottom: 1px solid #ddd; }
    #rustok-bar input { font: inherit; padding: 3px 6px; }
    #token { width: 28em; }
    #graphiql { flex: 1; min-height: 0; }
  </style>
</head>
<body>
  <form id="rustok-bar" onsubmit="return false">
    <label>Tenant (<code>X-Tenant-ID</code>)
      <input id="tenant-id" name="tenant" placeholder="default" autocomplete="off"></label>
    <label>Access token
      <input id="token" name="token" placeholder="from POST /api/auth/login or signIn"
             autocomplete="off"></label>
    <a href="/">home</a> <a href="/docs">REST docs</a>
  </form>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="__ASSETS__/react.production.min.js"></script>
  <script src="__ASSETS__/react-dom.production.min.js"></script>
  <script src="__ASSETS__/graphiql.min.js"></script>
  <script>
    const tenantBox = document.getElementById("tenant-id");
    const tokenBox = document.getElementById("token");
    tenantBox.value = localStorage.getItem("rustok.tenant") || "";
    tokenBox.value = sessionStorage.getItem("rustok.token") || "";
    tenantBox.addEventListener("input", () =>
      localStorage.setItem("rustok.tenant", tenantBox.value.trim()));
    tokenBox.addEventListener("input", () =>
      sessionStorage.setItem("rustok.token", tokenBox.value.trim()));
    const send = GraphiQL.createFetcher({ url: "/api/graphql" });
    const named = (headers, name) =>
      Object.keys(headers).some((key) => key.toLowerCase() === name);
    const fetcher = (params, options) => {
      const headers = Object.assign({}, (options && options.headers) || {});
      const tenant = tenantBox.value.trim();
      const token = tokenBox.value.trim().replace(/^Bearer\\s+/i, "");
      if (tenant && !named(headers, "x-tenant-id")) headers["X-Tenant-ID"] = tenant;
      if (token && !named(headers, "authorization")) headers.Authorization = "Bearer " + token;
      return send(params, Object.assign({}, options, { headers }));
    };
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: "headers" }));
  </script>
</body>
</html>
""".replace("__ASSETS__", GRAPHIQL_ASSETS_PATH)


class LocalGraphiQL:
    """Mixed into the GraphQL controller: its IDE page is ours, with local assets."""

    @property
    def graphql_ide_html(self) -> str:
        return GRAPHIQL_PAGE


def graphiql_assets_router() -> Router:
    return create_static_files_router(
        path=GRAPHIQL_ASSETS_PATH,
        directories=[GRAPHIQL_DIR],
        include_in_schema=False,
        opt={"public": True, "http_only": "GraphiQL's static files"},
        router_class=FreshRouter,
    )
