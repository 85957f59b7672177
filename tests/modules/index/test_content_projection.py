"""index_content follows the content write model through events (IX-1): create, translate,
publish, retag, rename a category, unpublish, delete — the storefront shows exactly the
current state once the events are handled, and handling them again changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import RequestContext, use_context
from rustok.modules.index.models import ContentListing
from rustok.modules.index.projections.content import ContentProjector
from rustok.tenancy.schemas import LocaleSetting, TenantCreate
from tests.conftest import outbox_settled
from tests.modules.helpers import login_as
from tests.modules.index.support import replay_every_event

TENANT = "press"
STORE = {"X-Tenant-ID": TENANT}


@pytest.fixture
async def editor(client: httpx.AsyncClient, app: RustokApp) -> dict[str, str]:
    await app.tenancy.tenants().create(
        TenantCreate(slug=TENANT, name="Press", locales=[LocaleSetting(locale="de", fallback="en")])
    )
    return await login_as(client, app.platform, "admin", tenant=TENANT)


async def eventually(check: Callable[[], Awaitable[Any]], expected: Any) -> None:
    """Poll ``check`` until it returns ``expected`` (the projector runs asynchronously)."""
    seen: Any = None
    for _ in range(300):
        seen = await check()
        if seen == expected:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"read model shows {seen!r}, expected {expected!r}")


def stored(
    client: httpx.AsyncClient, slug: str, locale: str = "en"
) -> Callable[[], Awaitable[Any]]:
    async def check() -> Any:
        response = await client.get(
            f"/api/store/content/post/{slug}?locale={locale}", headers=STORE
        )
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        body = response.json()
        return {k: body[k] for k in ("title", "locale", "body", "tags", "category_name", "excerpt")}

    return check


def found(client: httpx.AsyncClient, q: str) -> Callable[[], Awaitable[Any]]:
    async def check() -> Any:
        response = await client.get("/api/store/search", params={"q": q}, headers=STORE)
        assert response.status_code == 200, response.text
        return [hit["title"] for hit in response.json()["items"]]

    return check


async def listings(app: RustokApp) -> list[tuple[Any, ...]]:
    tenant = await app.tenancy.directory.by_slug(TENANT)
    assert tenant is not None
    with use_context(RequestContext(tenant=tenant)):
        async with app.platform.db.read_session() as session:
            rows = await session.scalars(
                select(ContentListing).order_by(ContentListing.node_id, ContentListing.locale)
            )
            return [
                (r.node_id, r.locale, r.title, r.slug, r.body, r.tags, r.category_name, r.status)
                for r in rows
            ]


async def test_post_lifecycle_reaches_the_storefront(
    client: httpx.AsyncClient, app: RustokApp, editor: dict[str, str]
) -> None:
    category = await client.post(
        "/api/content/categories", headers=editor,
        json={"translations": [{"locale": "en", "name": "News"}, {"locale": "de", "name": "Neues"}]},
    )  # fmt: skip
    assert category.status_code == 201, category.text
    tag = await client.post(
        "/api/content/tags",
        headers=editor,
        json={"translations": [{"locale": "en", "name": "lamps"}]},
    )
    assert tag.status_code == 201, tag.text
    created = await client.post("/api/content/nodes", headers=editor, json={
        "kind": "post", "category_id": category.json()["id"],
        "translations": [
            {"locale": "en", "title": "Brass lamp", "slug": "brass-lamp", "body": "A warm glow"},
            {"locale": "de", "title": "Messinglampe", "slug": "messinglampe", "body": "Warmes Licht"},
        ],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    node = created.json()["id"]
    await outbox_settled(app.platform)
    assert await stored(client, "brass-lamp")() is None  # a draft is not on the storefront

    assert (
        await client.post(f"/api/content/nodes/{node}/publish", headers=editor)
    ).status_code == 200
    english: dict[str, Any] = {"title": "Brass lamp", "locale": "en", "body": "A warm glow", "tags": [],
               "category_name": "News", "excerpt": None}  # fmt: skip
    await eventually(stored(client, "brass-lamp"), english)
    german = {**english, "title": "Messinglampe", "locale": "de", "body": "Warmes Licht",
              "category_name": "Neues"}  # fmt: skip
    await eventually(stored(client, "messinglampe", "de"), german)
    await eventually(found(client, "glow"), ["Brass lamp"])

    patch = {"tag_ids": [tag.json()["id"]], "translations": [
        {"locale": "en", "title": "Brass desk lamp", "body": "A warm, steady glow"}]}  # fmt: skip
    response = await client.patch(f"/api/content/nodes/{node}", headers=editor, json=patch)
    assert response.status_code == 200, response.text
    english = {
        **english,
        "title": "Brass desk lamp",
        "body": "A warm, steady glow",
        "tags": ["lamps"],
    }
    await eventually(stored(client, "brass-lamp"), english)
    await eventually(found(client, "steady"), ["Brass desk lamp"])

    renamed = await client.patch(
        f"/api/content/categories/{category.json()['id']}", headers=editor,
        json={"translations": [{"locale": "en", "name": "Journal"}]},
    )  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    await eventually(stored(client, "brass-lamp"), {**english, "category_name": "Journal"})
    gone = await client.delete(f"/api/content/categories/{category.json()['id']}", headers=editor)
    assert gone.status_code == 204, gone.text
    english = {**english, "category_name": None}
    await eventually(stored(client, "brass-lamp"), english)

    # Handling every event again, twice (a replay), rewrites the same rows.
    await outbox_settled(app.platform)
    before = await listings(app)
    assert await replay_every_event(app.platform, "index.content") > 5
    assert await listings(app) == before
    tenant = await app.tenancy.directory.by_slug(TENANT)
    assert tenant is not None
    with use_context(RequestContext(tenant=tenant)):
        async with app.platform.uow() as uow:
            await ContentProjector(uow.session, tenant).project([before[0][0]])
            await uow.commit()
    assert await listings(app) == before
    assert [row[1] for row in before] == ["de", "en"]

    assert (
        await client.post(f"/api/content/nodes/{node}/unpublish", headers=editor)
    ).status_code == 200
    await eventually(stored(client, "brass-lamp"), None)
    await eventually(found(client, "steady"), [])
    assert (
        await client.post(f"/api/content/nodes/{node}/publish", headers=editor)
    ).status_code == 200
    await eventually(stored(client, "brass-lamp"), english)
    assert (await client.delete(f"/api/content/nodes/{node}", headers=editor)).status_code == 204
    await eventually(stored(client, "brass-lamp"), None)
    await outbox_settled(app.platform)
    assert await listings(app) == []


async def test_locale_without_translation_falls_back_and_comments_stay_unlisted(
    client: httpx.AsyncClient, app: RustokApp, editor: dict[str, str]
) -> None:
    created = await client.post("/api/content/nodes", headers=editor, json={
        "kind": "post", "status": "published",
        "translations": [{"locale": "en", "title": "Only English", "slug": "only-english"}],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    comment = await client.post(
        f"/api/blog/posts/{created.json()['id']}/comments", headers=editor,
        json={"body": "Nice post"},
    )  # fmt: skip
    assert comment.status_code == 201, comment.text
    shown: dict[str, Any] = {"title": "Only English", "locale": "de", "body": None, "tags": [],
             "category_name": None, "excerpt": None}  # fmt: skip
    # The German listing exists and shows the English translation.
    await eventually(stored(client, "only-english", "de"), shown)
    await outbox_settled(app.platform)
    assert {(row[1], row[2]) for row in await listings(app)} == {
        ("en", "Only English"),
        ("de", "Only English"),
    }
