"""Categories and tags with names per locale, tagging with its events, list filters."""

from __future__ import annotations

import httpx

from rustok.core.platform import Platform
from tests.modules.helpers import event_types, login_as, node_body, outbox

CATEGORIES, TAGS, NODES = "/api/content/categories", "/api/content/tags", "/api/content/nodes"


async def test_categories(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    names = [{"locale": "en", "name": "News & Views"}, {"locale": "ru", "name": "Новости"}]
    created = await client.post(CATEGORIES, json={"translations": names}, headers=admin)
    assert created.status_code == 201, created.text
    news = created.json()
    assert [t["slug"] for t in news["translations"]] == ["news-views", "novosti"]
    child = (
        await client.post(
            CATEGORIES, json={"translations": [{"locale": "en", "name": "Local"}],
                              "parent_id": news["id"]}, headers=admin,
        )
    ).json()  # fmt: skip
    assert (await client.get(f"{CATEGORIES}/{news['id']}?locale=ru")).json()["name"] == "Новости"
    assert (await client.get(f"{CATEGORIES}?parent_id={news['id']}")).json()["total"] == 1
    loop = await client.patch(
        f"{CATEGORIES}/{news['id']}", json={"parent_id": child["id"]}, headers=admin
    )
    assert loop.status_code == 400 and "parent_id" in loop.json()["errors"]
    taken = await client.post(
        CATEGORIES, json={"translations": [{"locale": "en", "name": "X", "slug": "news-views"}]},
        headers=admin,
    )  # fmt: skip
    assert taken.status_code == 409 and taken.json()["code"] == "SLUG_TAKEN"
    node = (await client.post(NODES, json=node_body(category_id=news["id"]), headers=admin)).json()
    assert node["category"]["name"] == "News & Views"
    renamed = await client.patch(
        f"{CATEGORIES}/{news['id']}", json={"translations": [{"locale": "en", "name": "Updates"}]},
        headers=admin,
    )  # fmt: skip
    assert renamed.json()["slug"] == "updates"
    assert (await client.delete(f"{CATEGORIES}/{news['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"{NODES}/{node['id']}", headers=admin)).json()["category_id"] is None
    assert (await client.get(f"{CATEGORIES}/{child['id']}")).json()["parent_id"] is None
    assert (await client.get(f"{CATEGORIES}/{news['id']}")).json()["code"] == "CATEGORY_NOT_FOUND"
    kinds = await event_types(platform)
    assert kinds.count("category.created") == 2 and "category.deleted" in kinds


async def test_tags_and_tagging(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    tags = []
    for name in ("Python", "Rust"):
        made = await client.post(TAGS, json={"translations": [{"locale": "en", "name": name}]},
                                 headers=admin)  # fmt: skip
        tags.append(made.json())
    python, rust = tags
    tagged = await client.post(
        NODES, json=node_body(status="published", tag_ids=[python["id"], rust["id"]]), headers=admin
    )
    node = tagged.json()
    assert [t["slug"] for t in node["tags"]] == ["python", "rust"]
    await client.post(NODES, json=node_body(title="Untagged", status="published"), headers=admin)
    for tag in ("python", python["id"]):
        listed = (await client.get(f"{NODES}?tag={tag}")).json()
        assert [n["id"] for n in listed["items"]] == [node["id"]]
    retagged = await client.patch(
        f"{NODES}/{node['id']}", json={"tag_ids": [rust["id"]]}, headers=admin
    )
    assert [t["name"] for t in retagged.json()["tags"]] == ["Rust"]
    assert (await client.get(f"{NODES}?tag=python")).json()["total"] == 0
    attach = [k for k, p in await outbox(platform, node["id"]) if k.startswith("tag.")]
    assert attach == ["tag.attached", "tag.attached", "tag.detached"]
    renamed = await client.patch(
        f"{TAGS}/{rust['id']}", json={"translations": [{"locale": "de", "name": "Rost"}]},
        headers=admin,
    )  # fmt: skip
    assert [t["locale"] for t in renamed.json()["translations"]] == ["de", "en"]
    assert (await client.delete(f"{TAGS}/{rust['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"{NODES}/{node['id']}")).json()["tags"] == []
    kinds = await event_types(platform)
    assert kinds[-2:] == ["tag.detached", "tag.deleted"] and "tag.updated" in kinds
    assert (await client.get(f"{TAGS}?per_page=10")).json()["total"] == 1
    missing = await client.get(f"{TAGS}/{rust['id']}")
    assert missing.status_code == 404 and missing.json()["code"] == "TAG_NOT_FOUND"


async def test_taxonomy_writes_need_categories_permissions(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    customer = await login_as(client, platform, "customer")
    body = {"translations": [{"locale": "en", "name": "Nope"}]}
    for path in (CATEGORIES, TAGS):
        assert (await client.post(path, json=body, headers=customer)).status_code == 403
        assert (await client.post(path, json=body)).status_code == 401
    manager = await login_as(client, platform, "manager")
    assert (await client.post(TAGS, json=body, headers=manager)).status_code == 201
