"""GraphQL for content: the same rules, permissions and errors as REST."""

from __future__ import annotations

import httpx

from rustok.core.platform import Platform
from tests.modules.helpers import error_code, gql, login_as

CREATE = """mutation($input: ContentNodeInput!) { createContentNode(input: $input, locale: "de") {
    id status locale title slug translations { locale slug } body { body } } }"""
TRANSITION = "mutation($id: ID!) { %s(id: $id) { status publishedAt } }"
NODE = """query($id: ID!, $locale: String) { contentNode(id: $id, locale: $locale) {
    title locale author { name } tags { name } category { name } } }"""


async def test_node_lifecycle(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    tag = await gql(
        client, 'mutation { createContentTag(input: {translations: [{locale: "en", name: "Go"}]})'
        " { id slug } }", admin,
    )  # fmt: skip
    category = await gql(
        client, 'mutation { createContentCategory(input: {translations: [{locale: "en", '
        'name: "Lang"}]}) { id name } }', admin,
    )  # fmt: skip
    created = await gql(
        client, CREATE, admin,
        input={"kind": "article", "tagIds": [tag["data"]["createContentTag"]["id"]],
               "categoryId": category["data"]["createContentCategory"]["id"],
               "translations": [{"locale": "en", "title": "Hello", "body": "Hi"},
                                {"locale": "de", "title": "Hallo", "body": "Servus"}]},
    )  # fmt: skip
    node = created["data"]["createContentNode"]
    assert (node["status"], node["locale"], node["title"], node["body"]["body"]) == (
        "draft", "de", "Hallo", "Servus"
    )  # fmt: skip
    assert error_code(await gql(client, NODE, id=node["id"])) == "NODE_NOT_FOUND"  # a draft
    published = await gql(client, TRANSITION % "publishContentNode", admin, id=node["id"])
    assert published["data"]["publishContentNode"]["status"] == "published"
    again = await gql(client, TRANSITION % "publishContentNode", admin, id=node["id"])
    assert error_code(again) == "INVALID_TRANSITION"
    seen = (await gql(client, NODE, id=node["id"], locale="en"))["data"]["contentNode"]
    assert seen["title"] == "Hello" and seen["tags"] == [{"name": "Go"}]
    assert seen["category"] == {"name": "Lang"} and seen["author"] is not None
    updated = await gql(
        client, 'mutation($id: ID!) { updateContentNode(id: $id, input: {position: 3, '
        'translations: [{locale: "en", title: "Hello again"}]}) { title position } }',
        admin, id=node["id"],
    )  # fmt: skip
    assert updated["data"]["updateContentNode"] == {"title": "Hello again", "position": 3}
    for name in ("archiveContentNode", "restoreContentNode"):
        assert "errors" not in await gql(client, TRANSITION % name, admin, id=node["id"])
    deleted = await gql(
        client, "mutation($id: ID!) { deleteContentNode(id: $id) }", admin, id=node["id"]
    )
    assert deleted["data"] == {"deleteContentNode": True}


async def test_errors_carry_codes(client: httpx.AsyncClient, platform: Platform) -> None:
    bad = {"kind": "Bad Kind", "translations": [{"locale": "en", "title": ""}]}
    anonymous = await gql(client, CREATE, input=bad)
    assert error_code(anonymous) == "UNAUTHENTICATED"
    customer = await login_as(client, platform, "customer")
    assert error_code(await gql(client, CREATE, customer, input=bad)) == "FORBIDDEN"
    admin = await login_as(client, platform, "admin")
    invalid = await gql(client, CREATE, admin, input=bad)
    assert error_code(invalid) == "VALIDATION_ERROR"
    assert set(invalid["errors"][0]["extensions"]["errors"]) == {"kind", "translations[0].title"}
    assert error_code(await gql(client, NODE, id="not-a-uuid")) == "VALIDATION_ERROR"
    too_many = await gql(client, "{ contentNodes(first: 101) { totalCount } }")
    assert error_code(too_many) == "VALIDATION_ERROR"


async def test_disabled_module_hides_its_fields(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "super_admin")
    for slug in ("blog", "forum", "pages", "content"):
        response = await client.put(f"/api/modules/{slug}", json={"enabled": False}, headers=admin)
        assert response.status_code == 200, response.text
    assert (await client.get("/api/content/nodes")).status_code == 404
    listed = await gql(client, "{ contentNodes { totalCount } }")
    assert error_code(listed) == "NOT_FOUND"
    assert error_code(await gql(client, "{ blogPosts { totalCount } }")) == "NOT_FOUND"
