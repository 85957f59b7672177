"""Reads in the requested locale with the tenant's fallbacks (C-4, T-7): ``?locale=`` first,
else ``Accept-Language``; then the locale's fallback, then the tenant's default."""

from __future__ import annotations

import httpx
import pytest

from rustok.core.platform import Platform
from rustok.tenancy.schemas import LocaleSetting, TenantCreate
from rustok.tenancy.service import TenantService
from tests.modules.helpers import login_as

TENANT = "intl"


@pytest.fixture
async def editor(client: httpx.AsyncClient, platform: Platform) -> dict[str, str]:
    locales = [
        LocaleSetting(locale="en"), LocaleSetting(locale="es"),
        LocaleSetting(locale="es-419", fallback="es"), LocaleSetting(locale="de", fallback="en"),
    ]  # fmt: skip
    await TenantService(platform).create(TenantCreate(slug=TENANT, name="Intl", locales=locales))
    return await login_as(client, platform, "admin", tenant=TENANT)


async def _node(client: httpx.AsyncClient, headers: dict[str, str], *locales: str) -> str:
    translations = [
        {"locale": loc, "title": f"title {loc}", "body": f"body {loc}"} for loc in locales
    ]
    body = {"kind": "article", "status": "published", "translations": translations}
    response = await client.post("/api/content/nodes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _shown(
    client: httpx.AsyncClient, node_id: str, query: str = "", **headers: str
) -> tuple[str, str, str | None]:
    response = await client.get(
        f"/api/content/nodes/{node_id}{query}", headers={"X-Tenant-ID": TENANT, **headers}
    )
    assert response.status_code == 200, response.text
    node = response.json()
    return node["locale"], node["title"], node["body"]["locale"] if node["body"] else None


async def test_fallback_chain(client: httpx.AsyncClient, editor: dict[str, str]) -> None:
    both = await _node(client, editor, "en", "es")
    assert await _shown(client, both) == ("en", "title en", "en")
    assert await _shown(client, both, "?locale=es") == ("es", "title es", "es")
    assert await _shown(client, both, "?locale=es-419") == ("es", "title es", "es")
    assert await _shown(client, both, "?locale=de") == ("en", "title en", "en")
    spanish_only = await _node(client, editor, "es")
    assert (await _shown(client, spanish_only, "?locale=de"))[0] == "es"  # last resort
    french = await _node(client, editor, "fr", "en")
    assert (await _shown(client, french, "?locale=fr"))[0] == "fr"  # named, though not enabled


async def test_accept_language(client: httpx.AsyncClient, editor: dict[str, str]) -> None:
    node_id = await _node(client, editor, "en", "es", "de")
    cases = {
        "es-419,es;q=0.9": "es",
        "de-AT, en;q=0.5": "de",
        "fr-CH, fr;q=0.9, *;q=0.5": "en",
        "ru;q=0.2, de;q=0.8": "de",
        "garbage;;q=x, es": "es",
    }
    for header, expected in cases.items():
        assert (await _shown(client, node_id, **{"Accept-Language": header}))[0] == expected, header
    assert (await _shown(client, node_id, "?locale=en", **{"Accept-Language": "es"}))[0] == "en"


async def test_lists_and_slugs_follow_the_chain(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    await _node(client, editor, "en", "es")
    await _node(client, editor, "en")
    listed = await client.get("/api/content/nodes?locale=es-419", headers={"X-Tenant-ID": TENANT})
    assert sorted(n["locale"] for n in listed.json()["items"]) == ["en", "es"]
    by_slug = await client.get(
        "/api/content/nodes/by-slug/article/title-es?locale=es", headers={"X-Tenant-ID": TENANT}
    )
    assert by_slug.status_code == 200 and by_slug.json()["locale"] == "es"
    bad = await client.get(
        "/api/content/nodes?locale=not_a_locale", headers={"X-Tenant-ID": TENANT}
    )
    assert bad.status_code == 400 and "locale" in bad.json()["errors"]
    nul = await client.get(
        "/api/content/nodes/by-slug/article/a%00b", headers={"X-Tenant-ID": TENANT}
    )
    assert nul.status_code == 400 and nul.json()["errors"] == {
        "path": ["must not contain NUL (U+0000) characters"]
    }
