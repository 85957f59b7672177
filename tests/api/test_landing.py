"""``GET /``: a landing page, HTML for browsers and JSON for API clients (T-8)."""

from __future__ import annotations

from pathlib import Path

import httpx

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from tests.conftest import make_settings, serve_app

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_api_clients_get_json_with_the_links(client: httpx.AsyncClient) -> None:
    for accept in ("*/*", "application/json", None):
        headers = {"Accept": accept} if accept else {}
        response = await client.get("/", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["vary"] == "Accept"
        body = response.json()
        links = {link["rel"]: link["href"] for link in body["links"]}
        assert links == {
            "docs": "/docs", "openapi": "/api/openapi.json", "graphiql": "/api/graphql",
            "health": "/health/ready", "admin": "/admin",
        }  # fmt: skip
        assert body["tenant_resolution"] == "header"
        assert "X-Tenant-ID: demo" in body["tenant_selector"]


async def test_browsers_get_a_page_that_links_everything(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for href in ("/docs", "/api/openapi.json", "/api/graphql", "/health/ready", "/admin"):
        assert f'href="{href}"' in page
    assert "X-Tenant-ID: demo" in page
    # The page's own inline style is allowed; scripts and everything else are not.
    csp = response.headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in csp
    assert "script-src" not in csp and "default-src 'none'" in csp


async def test_the_landing_page_needs_no_tenant(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"X-Tenant-ID": "no-such-tenant"})
    assert response.status_code == 200
    head = await client.head("/")
    assert head.status_code == 200
    assert head.content == b""


async def test_the_admin_link_leads_to_its_sign_in_form(client: httpx.AsyncClient) -> None:
    admin = await client.get("/admin", headers={"Accept": BROWSER_ACCEPT})
    assert admin.status_code == 303
    assert admin.headers["location"] == "/admin/login?next=/admin"
    form = await client.get(admin.headers["location"])
    assert form.status_code == 200 and 'action="/admin/login"' in form.text


async def test_path_mode_and_no_graphiql(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, tenant_resolution="path", graphiql=False)
    app = create_app(settings, platform=bootstrap(settings))
    async with serve_app(app) as client:
        body = (await client.get("/")).json()
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert links["graphql"] == "/api/graphql" and "graphiql" not in links
    assert body["tenant_resolution"] == "path"
    assert "/t/demo/api/store/products" in body["tenant_selector"]
