"""Field limits (rustok-reference.md §1.3), slugs and references: every broken rule is a
400/409 problem naming the fields, and nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rustok.core.platform import Platform
from tests.modules.helpers import event_types, login_as, node_body

NODES = "/api/content/nodes"


def tr(**fields: Any) -> dict[str, Any]:
    return {"locale": "en", "title": "T", **fields}


@pytest.fixture
async def admin(client: httpx.AsyncClient, platform: Platform) -> dict[str, str]:
    return await login_as(client, platform, "admin")


async def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def test_every_broken_limit_is_listed(
    client: httpx.AsyncClient, platform: Platform, admin: dict[str, str]
) -> None:
    before = await event_types(platform)
    bad = {
        "kind": "Not A Kind",
        "position": 100_001,
        "translations": [
            {"locale": "english-language", "title": "", "excerpt": "x" * 1001,
             "body": "b" * 1_000_001, "format": "rtf", "slug": "Bad--Slug"},
        ],
    }  # fmt: skip
    body = await _problem(
        await client.post(NODES, json=bad, headers=admin), 400, "VALIDATION_ERROR"
    )
    assert set(body["errors"]) == {
        "kind", "position", "translations[0].locale", "translations[0].title",
        "translations[0].excerpt", "translations[0].body", "translations[0].format",
        "translations[0].slug",
    }  # fmt: skip
    assert await event_types(platform) == before


REFUSED = [
    ({"kind": "post", "translations": []}, "translations"),
        ({"kind": "post"}, "translations"),
        ({"kind": "x" * 65, "translations": [tr()]}, "kind"),
        ({"kind": "post", "translations": [tr(locale="e")]}, "translations[0].locale"),
        ({"kind": "post", "translations": [tr(locale="es-419", slug="-a")]}, "translations[0].slug"),
        ({"kind": "post", "translations": [tr(slug="a-")]}, "translations[0].slug"),
        ({"kind": "post", "translations": [tr(slug="a" * 256)]}, "translations[0].slug"),
        ({"kind": "post", "translations": [tr(title="t" * 256)]}, "translations[0].title"),
        ({"kind": "post", "translations": [tr(title="   ")]}, "translations[0].title"),
        ({"kind": "post", "position": -1, "translations": [tr()]}, "position"),
        ({"kind": "post", "status": "archived", "translations": [tr()]}, "status"),
        ({"kind": "post", "translations": [tr()], "author_id": "x"}, "author_id"),
        ({"kind": "post", "translations": [tr(), tr()]}, "translations[1].locale"),
        ({"kind": "post", "translations": [tr(title="!!!")]}, "translations[0].slug"),
        ({"kind": "post", "metadata": {"x": "y" * 70_000}, "translations": [tr()]}, "metadata"),
]  # fmt: skip


async def test_create_refuses(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    wrong = []
    for body, field in REFUSED:
        response = await client.post(NODES, json=body, headers=admin)
        if response.status_code != 400 or field not in response.json().get("errors", {}):
            wrong.append((field, response.status_code, response.text[:200]))
    assert wrong == []
    listed = await client.get(NODES, headers=admin)
    assert listed.json()["total"] == 0


async def test_locale_tags_up_to_ten_characters(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = node_body(translations=[tr(locale="es-419"), tr(locale="zh-Hant", title="Zh")])
    created = await client.post(NODES, json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert [t["locale"] for t in created.json()["translations"]] == ["es-419", "zh-Hant"]


async def test_slugs_unique_per_kind_and_locale(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    first = (await client.post(NODES, json=node_body(title="Same"), headers=admin)).json()
    second = (await client.post(NODES, json=node_body(title="Same"), headers=admin)).json()
    other_kind = await client.post(NODES, json=node_body("post", "Same"), headers=admin)
    assert (first["slug"], second["slug"], other_kind.json()["slug"]) == ("same", "same-2", "same")
    taken = await client.post(NODES, json=node_body(translations=[tr(slug="same")]), headers=admin)
    body = await _problem(taken, 409, "SLUG_TAKEN")
    assert "translations[0].slug" in body["errors"]
    renamed = await client.patch(
        f"{NODES}/{second['id']}", json={"translations": [{"locale": "en", "slug": "same"}]},
        headers=admin,
    )  # fmt: skip
    await _problem(renamed, 409, "SLUG_TAKEN")


async def test_unknown_references(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    ghost = "0190c5a0-0000-7000-8000-00000000dead"
    for field, value in (("parent_id", ghost), ("category_id", ghost), ("tag_ids", [ghost])):
        body = node_body()
        body[field] = value
        response = await client.post(NODES, json=body, headers=admin)
        body = await _problem(response, 400, "UNKNOWN_REFERENCE")
        assert field in body["errors"]


async def test_tree_rules(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    root = (await client.post(NODES, json=node_body(title="Root"), headers=admin)).json()
    child = await client.post(
        NODES, json=node_body(title="Child", parent_id=root["id"]), headers=admin
    )
    grandchild = await client.post(
        NODES, json=node_body(title="Grandchild", parent_id=child.json()["id"]), headers=admin
    )
    assert (child.json()["depth"], grandchild.json()["depth"]) == (1, 2)
    loop = await client.patch(
        f"{NODES}/{root['id']}", json={"parent_id": grandchild.json()["id"]}, headers=admin
    )
    assert "parent_id" in (await _problem(loop, 400, "VALIDATION_ERROR"))["errors"]
    await _problem(
        await client.delete(f"{NODES}/{root['id']}", headers=admin), 409, "NODE_HAS_CHILDREN"
    )
    moved = await client.patch(
        f"{NODES}/{child.json()['id']}", json={"parent_id": None}, headers=admin
    )
    assert moved.json()["depth"] == 0
    regrown = (await client.get(f"{NODES}/{grandchild.json()['id']}", headers=admin)).json()
    assert regrown["depth"] == 1  # the subtree moved up with its root
    assert (await client.delete(f"{NODES}/{root['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"{NODES}/{root['id']}", headers=admin)).status_code == 404


async def test_patch_translations_and_removal(
    client: httpx.AsyncClient, platform: Platform, admin: dict[str, str]
) -> None:
    node = (await client.post(NODES, json=node_body(title="One"), headers=admin)).json()
    before = len(await event_types(platform))
    patched = await client.patch(
        f"{NODES}/{node['id']}",
        json={"translations": [{"locale": "en", "body": "new body"},
                               {"locale": "de", "title": "Eins", "body": "Text"}]},
        headers=admin,
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert [t["slug"] for t in patched.json()["translations"]] == ["eins", "one"]
    assert sorted(await event_types(platform, before)) == sorted(
        ["body.updated", "node.translation.updated", "body.updated", "node.updated"]
    )
    new_locale = await client.patch(
        f"{NODES}/{node['id']}", json={"translations": [{"locale": "fr", "excerpt": "x"}]},
        headers=admin,
    )  # fmt: skip
    assert (
        "translations[0].title" in (await _problem(new_locale, 400, "VALIDATION_ERROR"))["errors"]
    )
    removed = await client.patch(
        f"{NODES}/{node['id']}", json={"remove_locales": ["de"]}, headers=admin
    )
    assert [t["locale"] for t in removed.json()["translations"]] == ["en"]
    last = await client.patch(
        f"{NODES}/{node['id']}", json={"remove_locales": ["en"]}, headers=admin
    )
    assert "remove_locales" in (await _problem(last, 400, "VALIDATION_ERROR"))["errors"]
    unknown = await client.patch(
        f"{NODES}/{node['id']}", json={"status": "published"}, headers=admin
    )
    assert "status" in (await _problem(unknown, 400, "VALIDATION_ERROR"))["errors"]


async def test_kinds_of_other_modules_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    refused = await client.post(NODES, json=node_body("forum_topic"), headers=admin)
    assert "kind" in (await _problem(refused, 400, "VALIDATION_ERROR"))["errors"]
    page = await client.post(
        "/api/pages", json={"translations": [{"locale": "en", "title": "P"}]}, headers=admin
    )
    page_id = page.json()["id"]
    for response in (
        await client.patch(f"{NODES}/{page_id}", json={"position": 3}, headers=admin),
        await client.post(f"{NODES}/{page_id}/publish", headers=admin),
        await client.delete(f"{NODES}/{page_id}", headers=admin),
    ):
        await _problem(response, 409, "KIND_MANAGED")
    assert (await client.get(f"{NODES}/{page_id}", headers=admin)).json()["kind"] == "page"


async def test_depth_limit(
    client: httpx.AsyncClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rustok.modules.content.hierarchy.MAX_DEPTH", 2)
    parent = None
    chain = []
    for level in range(3):
        body = node_body(title=f"Level {level}", parent_id=parent)
        response = await client.post(NODES, json=body, headers=admin)
        assert response.status_code == 201, response.text
        parent = response.json()["id"]
        chain.append(parent)
    too_deep = await client.post(
        NODES, json=node_body(title="Deeper", parent_id=parent), headers=admin
    )
    assert "parent_id" in (await _problem(too_deep, 400, "VALIDATION_ERROR"))["errors"]
    other_root = (await client.post(NODES, json=node_body(title="Other"), headers=admin)).json()
    # Moving the whole 3-level tree under another root would make it 3 deep.
    moved = await client.patch(
        f"{NODES}/{chain[0]}", json={"parent_id": other_root["id"]}, headers=admin
    )
    assert "parent_id" in (await _problem(moved, 400, "VALIDATION_ERROR"))["errors"]
