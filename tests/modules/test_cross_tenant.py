"""Every content-family route answers 404 for another tenant's id (T-1, API.md): the
resources of tenant ``other`` are invisible to an administrator of the default tenant,
whatever the method."""

from __future__ import annotations

import re
from typing import Any

import httpx

from rustok.api.app import RustokApp
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService
from tests.modules.helpers import login_as
from tests.security.test_route_permissions import http_routes

PREFIXES = ("/api/content", "/api/blog", "/api/forum", "/api/pages")
PARAM = re.compile(r"\{(\w+):uuid\}")
# Bodies that pass validation, so that only the lookup can fail.
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/content/tags/{tag_id:uuid}"): {"translations": [{"locale": "en", "name": "x"}]},
    ("PATCH", "/api/blog/comments/{comment_id:uuid}"): {"body": "x"},
    ("POST", "/api/blog/posts/{post_id:uuid}/comments"): {"body": "x"},
    ("PATCH", "/api/forum/replies/{reply_id:uuid}"): {"body": "x"},
    ("POST", "/api/forum/topics/{topic_id:uuid}/replies"): {"body": "x"},
    ("POST", "/api/forum/replies/{reply_id:uuid}/moderate"): {"status": "approved"},
}


async def _resources(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    """One of everything in the other tenant; returns ids by route parameter."""

    async def made(path: str, body: Any) -> str:
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    en = [{"locale": "en", "title": "Other"}]
    ids = {
        "node_id": await made("/api/content/nodes", {"kind": "article", "translations": en}),
        "content_category": await made(
            "/api/content/categories", {"translations": [{"locale": "en", "name": "C"}]}
        ),
        "tag_id": await made(
            "/api/content/tags", {"translations": [{"locale": "en", "name": "T"}]}
        ),
        "post_id": await made("/api/blog/posts", {"translations": en, "publish": True}),
        "forum_category": await made("/api/forum/categories", {"translations": en}),
        "page_id": await made("/api/pages", {"translations": en}),
        "menu_id": await made("/api/pages/menus", {"name": "M", "location": "footer", "items": []}),
    }
    ids["comment_id"] = await made(f"/api/blog/posts/{ids['post_id']}/comments", {"body": "c"})
    ids["topic_id"] = await made(
        "/api/forum/topics", {"category_id": ids["forum_category"], "translations": en}
    )
    ids["reply_id"] = await made(f"/api/forum/topics/{ids['topic_id']}/replies", {"body": "r"})
    upload = await client.post(
        "/api/content/media?file_name=a.png", content=b"\x89PNG...",
        headers={**headers, "content-type": "image/png"},
    )  # fmt: skip
    assert upload.status_code == 201, upload.text
    ids["media_id"] = upload.json()["id"]
    return ids


def _concrete(path: str, ids: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "category_id":
            name = "forum_category" if path.startswith("/api/forum") else "content_category"
        return ids[name]

    return PARAM.sub(value, path)


async def test_another_tenants_ids_are_not_found(client: httpx.AsyncClient, app: RustokApp) -> None:
    await TenantService(app.platform).create(TenantCreate(slug="other", name="Other"))
    other_admin = await login_as(client, app.platform, "admin", tenant="other")
    ids = await _resources(client, other_admin)
    admin = await login_as(client, app.platform, "super_admin")
    walked, wrong = 0, []
    for method, path, _ in http_routes(app):
        if not path.startswith(PREFIXES) or not PARAM.search(path):
            continue
        walked += 1
        body = BODIES.get((method, path), {} if method in ("PATCH",) else None)
        response = await client.request(method, _concrete(path, ids), json=body, headers=admin)
        if response.status_code != 404:
            wrong.append(f"{method} {path}: {response.status_code} {response.text[:100]}")
    assert wrong == []
    assert walked >= 40
    for path in ("/api/content/nodes/by-slug/article/other", "/api/blog/posts/by-slug/other",
                 "/api/pages/by-slug/other"):  # fmt: skip
        assert (await client.get(path, headers=admin)).status_code == 404
    # ... while they exist for their own tenant.
    seen = await client.get(f"/api/content/nodes/{ids['node_id']}", headers=other_admin)
    assert seen.status_code == 200
