"""GraphiQL is served from this package's own assets (no CDN), pinned as PROVENANCE.md says."""

from __future__ import annotations

import hashlib
import re

import httpx

from rustok.api.graphiql import GRAPHIQL_DIR

BROWSER_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"


def _documented_hashes() -> dict[str, str]:
    provenance = (GRAPHIQL_DIR / "PROVENANCE.md").read_text()
    return dict(re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", provenance, re.M))


async def test_the_page_loads_only_local_assets(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/graphql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assets = [s for s in sources if s.endswith((".js", ".css"))]
    assert sorted(assets) == [
        "/docs/graphiql/graphiql.min.css", "/docs/graphiql/graphiql.min.js",
        "/docs/graphiql/react-dom.production.min.js", "/docs/graphiql/react.production.min.js",
    ]  # fmt: skip
    assert "unpkg" not in page and "https://" not in page
    # The tenant and the token are editable and sent as headers.
    assert 'id="tenant-id"' in page and 'id="token"' in page
    assert 'headers["X-Tenant-ID"]' in page and '"Bearer " + token' in page
    csp = response.headers["content-security-policy"]
    assert "unpkg" not in csp and "https:" not in csp
    assert "script-src 'self'" in csp


async def test_the_assets_are_the_pinned_files(client: httpx.AsyncClient) -> None:
    hashes = _documented_hashes()
    assert set(hashes) == {
        "graphiql.min.js", "graphiql.min.css", "react.production.min.js",
        "react-dom.production.min.js",
    }  # fmt: skip
    types = {".js": "text/javascript", ".css": "text/css"}
    for name, digest in hashes.items():
        response = await client.get(f"/docs/graphiql/{name}", headers={"X-Tenant-ID": "nowhere"})
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith(types[name[name.rfind(".") :]])
        assert hashlib.sha256(response.content).hexdigest() == digest, name
    total = sum(p.stat().st_size for p in GRAPHIQL_DIR.iterdir())
    assert total < 2_000_000  # small: the minified builds only, no source maps
