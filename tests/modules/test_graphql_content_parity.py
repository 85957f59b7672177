"""GraphQL twins of the content, forum and pages REST operations that had none (API-2):
single reads, the media library, forum category and topic updates — same values, same
visibility, same error codes."""

from __future__ import annotations

import httpx

from rustok.core.platform import Platform
from tests.modules.content.media_samples import png
from tests.modules.helpers import error_code, gql, login_as

EN = [{"locale": "en", "title": "General", "excerpt": "Talk"}]


async def test_content_single_reads_and_media_library(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    made = await gql(
        client, 'mutation { createContentCategory(input: {translations: [{locale: "en", '
        'name: "Lang"}, {locale: "de", name: "Sprache"}]}) { id } }', admin,
    )  # fmt: skip
    category = made["data"]["createContentCategory"]["id"]
    read = "query($id: ID!, $l: String) { contentCategory(id: $id, locale: $l) { name } }"
    assert (await gql(client, read, id=category, l="de"))["data"] == {
        "contentCategory": {"name": "Sprache"}
    }
    tag = await gql(
        client, 'mutation { createContentTag(input: {translations: [{locale: "en", name: "Go"}]})'
        " { id } }", admin,
    )  # fmt: skip
    one_tag = "query($id: ID!) { contentTag(id: $id) { name slug } }"
    got = await gql(client, one_tag, id=tag["data"]["createContentTag"]["id"])
    assert got["data"] == {"contentTag": {"name": "Go", "slug": "go"}}
    missing = "0190c5a0-0000-7000-8000-00000000beef"
    rest = await client.get(f"/api/content/tags/{missing}")
    assert error_code(await gql(client, one_tag, id=missing)) == rest.json()["code"]
    upload = await client.post(
        "/api/content/media", files={"file": ("dot.png", png(4, 3), "image/png")}, headers=admin
    )
    assert upload.status_code == 201, upload.text
    library = "{ contentMediaLibrary { totalCount items { id fileName width height url } } }"
    listed = (await gql(client, library, admin))["data"]["contentMediaLibrary"]
    assert listed["totalCount"] == 1
    item = listed["items"][0]
    assert (item["id"], item["fileName"], item["width"], item["height"]) == (
        upload.json()["id"], "dot.png", 4, 3,
    )  # fmt: skip
    assert item["url"] == upload.json()["url"]
    customer = await login_as(client, platform, "customer")
    rest_denied = await client.get("/api/content/media", headers=customer)
    assert error_code(await gql(client, library, customer)) == rest_denied.json()["code"]
    assert error_code(await gql(client, library)) == "UNAUTHENTICATED"


async def test_forum_updates_and_single_reads(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    made = await gql(
        client, "mutation($t: [ContentTranslationInput!]!) { createForumCategory(input: "
        "{translations: $t, moderated: true}) { id } }", admin, t=EN,
    )  # fmt: skip
    category = made["data"]["createForumCategory"]["id"]
    update = """mutation($id: ID!, $i: ForumCategoryUpdateInput!) {
      updateForumCategory(id: $id, input: $i) { color moderated node { title } } }"""
    changed = await gql(
        client, update, admin, id=category,
        i={"color": "#aa0000", "translations": [{"locale": "en", "title": "Chat"}]},
    )  # fmt: skip
    assert changed["data"]["updateForumCategory"] == {
        "color": "#aa0000", "moderated": True, "node": {"title": "Chat"},
    }  # fmt: skip
    bad = await gql(client, update, admin, id=category, i={"color": "red"})
    rest = await client.patch(f"/api/forum/categories/{category}", json={"color": "red"},
                              headers=admin)  # fmt: skip
    assert error_code(bad) == rest.json()["code"] == "VALIDATION_ERROR"
    one = "query($id: ID!) { forumCategory(id: $id) { color node { title } } }"
    assert (await gql(client, one, id=category))["data"] == {
        "forumCategory": {"color": "#aa0000", "node": {"title": "Chat"}}
    }
    other = await gql(
        client, "mutation($t: [ContentTranslationInput!]!) { createForumCategory(input: "
        "{translations: $t}) { id } }", admin, t=EN,
    )  # fmt: skip
    second = other["data"]["createForumCategory"]["id"]
    topic = await gql(
        client, "mutation($c: ID!) { createForumTopic(input: {categoryId: $c, translations: "
        '[{locale: "en", title: "Hi", body: "?"}]}) { id } }', admin, c=category,
    )  # fmt: skip
    topic_id = topic["data"]["createForumTopic"]["id"]
    move = """mutation($id: ID!, $i: ForumTopicUpdateInput!) {
      updateForumTopic(id: $id, input: $i) { categoryId node { title } } }"""
    moved = await gql(
        client, move, admin, id=topic_id,
        i={"categoryId": second, "translations": [{"locale": "en", "title": "Hello"}]},
    )  # fmt: skip
    assert moved["data"]["updateForumTopic"] == {"categoryId": second, "node": {"title": "Hello"}}
    customer = await login_as(client, platform, "customer")
    not_mine = await gql(client, move, customer, id=topic_id, i={"categoryId": category})
    rest_not_mine = await client.patch(
        f"/api/forum/topics/{topic_id}", json={"category_id": category}, headers=customer
    )
    assert error_code(not_mine) == rest_not_mine.json()["code"]
    # A pending reply (moderated category) is visible to its author, not to others.
    back = await gql(client, move, admin, id=topic_id, i={"categoryId": category})
    assert back["data"]["updateForumTopic"]["categoryId"] == category
    reply = await gql(
        client, 'mutation($t: ID!) { createForumReply(topicId: $t, body: "wait") { id status } }',
        customer, t=topic_id,
    )  # fmt: skip
    assert reply["data"]["createForumReply"]["status"] == "pending"
    reply_id = reply["data"]["createForumReply"]["id"]
    read_reply = "query($id: ID!) { forumReply(id: $id) { status node { body { body } } } }"
    own = await gql(client, read_reply, customer, id=reply_id)
    assert own["data"] == {"forumReply": {"status": "pending", "node": {"body": {"body": "wait"}}}}
    anonymous = await gql(client, read_reply, id=reply_id)
    rest_anonymous = await client.get(f"/api/forum/replies/{reply_id}")
    assert error_code(anonymous) == rest_anonymous.json()["code"]
    assert rest_anonymous.status_code == 404


async def test_menu_by_id(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    made = await client.post(
        "/api/pages/menus", headers=admin,
        json={"name": "Main", "location": "header", "items": [{"labels": {"en": "Home"}, "url": "/"}]},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    read = "query($id: ID!) { menu(id: $id) { name location items { label url } } }"
    got = await gql(client, read, id=made.json()["id"])
    assert got["data"] == {
        "menu": {"name": "Main", "location": "header", "items": [{"label": "Home", "url": "/"}]}
    }
    missing = "0190c5a0-0000-7000-8000-00000000beef"
    rest = await client.get(f"/api/pages/menus/{missing}")
    assert error_code(await gql(client, read, id=missing)) == rest.json()["code"]
    assert error_code(await gql(client, read, id="not-an-id")) == "VALIDATION_ERROR"
