"""Pages: the 15 block types validated per type, publish/unpublish with page events, SEO
fields per locale; menus with nested items at the four locations."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.core.platform import Platform
from rustok.modules.pages.blocks import BLOCK_TYPES
from tests.modules.helpers import error_code, event_types, gql, login_as

PAGES, MENUS = "/api/pages", "/api/pages/menus"
VALID: list[dict[str, Any]] = [
    {"type": "hero", "title": "Welcome", "cta_text": "Go", "cta_url": "/start"},
    {"type": "text", "content": "**Hi**"},
    {"type": "image", "url": "https://cdn.example.com/a.png", "alt": "A"},
    {"type": "gallery", "images": [{"url": "/a.png", "alt": "a"}], "columns": 2},
    {"type": "cta", "title": "Buy", "button_text": "Now", "button_url": "/shop"},
    {"type": "features", "items": [{"title": "Fast", "icon": "bolt"}]},
    {"type": "testimonials", "items": [{"quote": "Great", "author": "Ann"}]},
    {"type": "pricing", "plans": [{"name": "Pro", "price_amount": 990, "currency_code": "EUR"}]},
    {"type": "faq", "items": [{"question": "Why?", "answer": "Because."}]},
    {"type": "contact", "email": "hi@example.com"},
    {"type": "product_grid", "category": "shoes"},
    {"type": "newsletter", "title": "News"},
    {"type": "video", "url": "https://video.example.com/v.mp4"},
    {"type": "html", "html": "<p class='x'>Hello</p>"},
    {"type": "spacer", "height": 80},
]
INVALID: list[dict[str, Any]] = [
    {"type": "hero", "title": "T", "cta_text": "Go"},  # cta_url missing
    {"type": "text", "content": ""},
    {"type": "image", "url": "javascript:alert(1)", "alt": "x"},
    {"type": "gallery", "images": []},
    {"type": "cta", "title": "T", "button_text": "B"},
    {"type": "features", "items": [{"title": "x", "icon": "Bad Icon"}]},
    {"type": "testimonials", "items": [{"quote": "q"}]},
    {"type": "pricing", "plans": [{"name": "x", "price_amount": 9.5, "currency_code": "EUR"}]},
    {"type": "faq", "items": [{"question": " ", "answer": "a"}]},
    {"type": "contact"},
    {"type": "product_grid"},
    {"type": "newsletter"},
    {"type": "video", "url": "ftp://x"},
    {"type": "html", "html": "<img src=x onerror=alert(1)>"},
    {"type": "spacer", "height": 0},
    {"type": "carousel"},
]


def page_body(
    title: str = "About", blocks: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    translation = {
        "locale": "en",
        "title": title,
        "blocks": blocks or [],
        "meta_title": f"{title}!",
    }
    return {"translations": [translation], **extra}


async def test_every_block_type_is_validated(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    assert sorted(b["type"] for b in VALID) == sorted(BLOCK_TYPES)
    created = await client.post(PAGES, json=page_body(blocks=VALID), headers=admin)
    assert created.status_code == 201, created.text
    page = created.json()
    assert [b["type"] for b in page["blocks"]] == [b["type"] for b in VALID]
    assert page["blocks"][14] == {"type": "spacer", "height": 80}
    wrong = []
    for block in INVALID:
        response = await client.post(PAGES, json=page_body(blocks=[VALID[0], block]), headers=admin)
        errors = response.json().get("errors", {})
        if response.status_code != 400 or not any(
            k.startswith("translations[0].blocks[1]") for k in errors
        ):
            wrong.append((block["type"], response.status_code, errors))
    assert wrong == []
    assert (await client.get(PAGES, headers=admin)).json()["total"] == 1


async def test_page_lifecycle(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    manager = await login_as(client, platform, "manager")
    assert (await client.post(PAGES, json=page_body(), headers=manager)).status_code == 403
    body = page_body("Home", [VALID[0]], template="landing")
    body["translations"].append({"locale": "ru", "title": "Главная", "meta_description": "Описание",
                                 "blocks": [VALID[1]]})  # fmt: skip
    page = (await client.post(PAGES, json=body, headers=admin)).json()
    assert (page["status"], page["template"], page["slug"], page["meta_title"]) == (
        "draft", "landing", "home", "Home!"
    )  # fmt: skip
    assert (await client.get(f"{PAGES}/by-slug/home")).status_code == 404
    published = await client.post(f"{PAGES}/{page['id']}/publish", headers=admin)
    assert published.status_code == 200 and published.json()["published_at"] is not None
    ru = (await client.get(f"{PAGES}/by-slug/glavnaia?locale=ru")).json()
    assert (ru["title"], ru["meta_description"], ru["blocks"]) == (
        "Главная",
        "Описание",
        [{**VALID[1], "format": "markdown"}],
    )
    assert (await client.get(PAGES)).json()["items"][0]["blocks"] is None  # lists carry no blocks
    patched = await client.patch(
        f"{PAGES}/{page['id']}",
        json={"translations": [{"locale": "en", "blocks": [VALID[14]], "meta_title": None}]},
        headers=admin,
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert (patched.json()["blocks"], patched.json()["meta_title"]) == ([VALID[14]], None)
    again = await client.post(f"{PAGES}/{page['id']}/publish", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "INVALID_TRANSITION"
    await client.post(f"{PAGES}/{page['id']}/unpublish", headers=admin)
    assert (await client.get(f"{PAGES}/{page['id']}")).status_code == 404
    kinds = await event_types(platform)
    assert [k for k in kinds if k.startswith("page.")] == [
        "page.created", "page.published", "page.updated", "page.unpublished"
    ]  # fmt: skip
    assert "node.published" in kinds and "body.updated" in kinds


async def test_menus(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    page = (await client.post(PAGES, json=page_body(publish=True), headers=admin)).json()
    items = [
        {"labels": {"en": "About", "ru": "О нас"}, "page_id": page["id"]},
        {"labels": {"en": "Shop"}, "url": "/shop",
         "children": [{"labels": {"en": "Shoes"}, "url": "/shop/shoes",
                       "children": [{"labels": {"en": "Boots"}, "url": "https://x.example/b"}]}]},
    ]  # fmt: skip
    created = await client.post(MENUS, json={"name": "Main", "location": "header", "items": items},
                                headers=admin)  # fmt: skip
    assert created.status_code == 201, created.text
    menu = created.json()
    tree = menu["items"]
    assert [i["label"] for i in tree] == ["About", "Shop"]
    assert tree[1]["children"][0]["children"][0]["label"] == "Boots"
    ru = (await client.get(f"{MENUS}?location=header&locale=ru")).json()["items"][0]["items"]
    assert [i["label"] for i in ru] == ["О нас", "Shop"]  # fallback for an English-only label
    taken = await client.post(MENUS, json={"name": "Two", "location": "header"}, headers=admin)
    assert taken.status_code == 409 and taken.json()["code"] == "MENU_LOCATION_TAKEN"
    deep: dict[str, Any] = {"labels": {"en": "6"}, "url": "/6"}
    for level in range(5, 0, -1):
        deep = {"labels": {"en": str(level)}, "url": f"/{level}", "children": [deep]}
    bad_bodies = [
        {"name": "x", "location": "footer", "items": [{"labels": {"en": "x"}, "url": "/a",
                                                       "page_id": page["id"]}]},
        {"name": "x", "location": "footer", "items": [{"labels": {}, "url": "/a"}]},
        {"name": "x", "location": "top", "items": []},
        {"name": "x", "location": "footer", "items": [deep]},
        {"name": "x", "location": "footer",
         "items": [{"labels": {"en": "x"}, "page_id": "0190c5a0-0000-7000-8000-00000000beef"}]},
    ]  # fmt: skip
    for bad in bad_bodies:
        assert (await client.post(MENUS, json=bad, headers=admin)).status_code == 400, bad
    replaced = await client.patch(
        f"{MENUS}/{menu['id']}", json={"items": items[:1], "name": "Top"}, headers=admin
    )
    assert [i["label"] for i in replaced.json()["items"]] == ["About"]
    assert (await client.delete(f"{PAGES}/{page['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"{MENUS}/{menu['id']}")).json()["items"] == []
    assert (await client.delete(f"{MENUS}/{menu['id']}", headers=admin)).status_code == 204
    assert [k for k in await event_types(platform) if k.startswith("menu.")] == [
        "menu.created", "menu.updated", "menu.updated", "menu.deleted"
    ]  # fmt: skip
    wrong = await gql(client, '{ pages(status: "gone") { totalCount } }')
    assert error_code(wrong) == "VALIDATION_ERROR"
    listed = await gql(client, "{ menus { location } pages { totalCount } }")
    assert listed["data"] == {"menus": [], "pages": {"totalCount": 0}}
    typed = {"translations": [{"locale": "en", "title": "Via GraphQL",
                               "blocks": [{"text": {"content": "**Hi**"}}]}]}  # fmt: skip
    made = await gql(client, "mutation($i: PageCreateInput!) { createPage(input: $i) "
                     "{ title blocks } }", admin, i=typed)  # fmt: skip
    assert made["data"]["createPage"]["blocks"] == [{**VALID[1], "format": "markdown"}]
    bad_hero = {"hero": {"title": "T", "ctaText": "Go"}}  # cta_url missing
    broken = await gql(client, "mutation($i: PageCreateInput!) { createPage(input: $i) { id } }",
                       admin, i={"translations": [{"locale": "en", "title": "x",
                                                   "blocks": [bad_hero]}]})  # fmt: skip
    assert error_code(broken) == "VALIDATION_ERROR"
