"""Forum: locked and closed topics refuse replies; moderation changes what everybody sees
and the counters; pin, lock and status transitions with their events."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.core.platform import Platform
from tests.modules.helpers import error_code, event_types, gql, login_as

FORUM = "/api/forum"


async def _category(client: httpx.AsyncClient, headers: dict[str, str], **extra: Any) -> str:
    body = {"translations": [{"locale": "en", "title": "General", "excerpt": "Talk"}], **extra}
    response = await client.post(f"{FORUM}/categories", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _topic(
    client: httpx.AsyncClient, headers: dict[str, str], category: str, title: str
) -> str:
    body = {
        "category_id": category,
        "translations": [{"locale": "en", "title": title, "body": "?"}],
    }
    response = await client.post(f"{FORUM}/topics", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _reply(
    client: httpx.AsyncClient, headers: dict[str, str], topic: str, text: str = "hi"
) -> httpx.Response:
    return await client.post(
        f"{FORUM}/topics/{topic}/replies", json={"body": text}, headers=headers
    )


async def test_locked_and_closed_topics_refuse_replies(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    manager = await login_as(client, platform, "manager")
    customer = await login_as(client, platform, "customer")
    category = await _category(client, admin)
    first = await _topic(client, manager, category, "First")
    second = await _topic(client, manager, category, "Second")
    assert (await _reply(client, customer, first)).status_code == 201
    assert (await client.post(f"{FORUM}/topics/{first}/lock", headers=manager)).status_code == 403
    locked = await client.post(f"{FORUM}/topics/{first}/lock", headers=admin)
    assert locked.json()["is_locked"] is True
    refused = await _reply(client, customer, first)
    assert refused.status_code == 409 and refused.json()["code"] == "TOPIC_LOCKED"
    assert (await client.get(f"{FORUM}/topics/{first}")).json()["reply_count"] == 1
    await client.post(f"{FORUM}/topics/{first}/unlock", headers=admin)
    assert (await _reply(client, customer, first)).status_code == 201
    closed = await client.post(f"{FORUM}/topics/{first}/close", headers=manager)
    assert closed.json()["status"] == "closed"
    assert (await _reply(client, customer, first)).json()["code"] == "TOPIC_CLOSED"
    for action, status in (("close", 409), ("archive", 200), ("archive", 409), ("close", 409),
                           ("reopen", 200)):  # fmt: skip
        response = await client.post(f"{FORUM}/topics/{first}/{action}", headers=manager)
        assert response.status_code == status, (action, response.text)
    await client.post(f"{FORUM}/topics/{second}/pin", headers=admin)
    listed = (await client.get(f"{FORUM}/topics?category_id={category}")).json()
    assert [t["id"] for t in listed["items"]] == [second, first]
    assert listed["items"][0]["is_pinned"] is True
    assert (await client.get(f"{FORUM}/categories/{category}")).json()["topic_count"] == 2
    kinds = await event_types(platform)
    for kind in ("forum.topic.created", "forum.topic.locked", "forum.topic.pinned",
                 "forum.topic.status_changed", "forum.reply.created"):  # fmt: skip
        assert kind in kinds, kind


async def test_moderation_changes_visibility_and_counters(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    author = await login_as(client, platform, "customer")
    other = await login_as(client, platform, "customer")
    category = await _category(client, admin, moderated=True)
    topic = await _topic(client, admin, category, "Moderated")
    created = await _reply(client, author, topic, "please approve")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    reply = created.json()["id"]

    async def state() -> tuple[int, int, int, int, int]:
        t = (await client.get(f"{FORUM}/topics/{topic}")).json()
        c = (await client.get(f"{FORUM}/categories/{category}")).json()
        public = (await client.get(f"{FORUM}/topics/{topic}/replies")).json()["total"]
        own = (await client.get(f"{FORUM}/topics/{topic}/replies", headers=author)).json()["total"]
        return t["reply_count"], t["pending_count"], c["reply_count"], public, own

    assert await state() == (0, 1, 0, 0, 1)
    assert (await client.get(f"{FORUM}/replies/{reply}", headers=other)).status_code == 404
    assert (await client.get(f"{FORUM}/topics/{topic}/replies", headers=admin)).json()["total"] == 1
    denied = await client.post(f"{FORUM}/replies/{reply}/moderate", json={"status": "approved"},
                               headers=author)  # fmt: skip
    assert denied.status_code == 403
    steps = [("approved", 200, (1, 0, 1, 1, 1)), ("rejected", 409, (1, 0, 1, 1, 1)),
             ("hidden", 200, (0, 0, 0, 0, 1)), ("approved", 200, (1, 0, 1, 1, 1))]  # fmt: skip
    for target, status, expected in steps:
        response = await client.post(
            f"{FORUM}/replies/{reply}/moderate", json={"status": target}, headers=admin
        )
        assert response.status_code == status, (target, response.text)
        assert await state() == expected, target
    shown = (await client.get(f"{FORUM}/replies/{reply}", headers=other)).json()
    assert shown["status"] == "approved" and shown["node"]["body"]["body"] == "please approve"
    assert (await client.delete(f"{FORUM}/replies/{reply}", headers=other)).status_code == 403
    assert (await client.delete(f"{FORUM}/replies/{reply}", headers=author)).status_code == 204
    assert await state() == (0, 0, 0, 0, 0)
    moderated = [k for k in await event_types(platform) if k == "forum.reply.moderated"]
    assert len(moderated) == 3
    # Deleting the topic takes its replies and its count with it.
    await _reply(client, admin, topic, "by a moderator: approved at once")
    assert (await client.delete(f"{FORUM}/topics/{topic}", headers=admin)).status_code == 204
    after = (await client.get(f"{FORUM}/categories/{category}")).json()
    assert (after["topic_count"], after["reply_count"]) == (0, 0)
    assert (await client.delete(f"{FORUM}/categories/{category}", headers=admin)).status_code == 204


async def test_forum_errors_and_graphql(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    category = await _category(client, admin)
    topic = await _topic(client, admin, category, "GraphQL")
    not_empty = await client.delete(f"{FORUM}/categories/{category}", headers=admin)
    assert not_empty.status_code == 409 and not_empty.json()["code"] == "CATEGORY_NOT_EMPTY"
    ghost = "0190c5a0-0000-7000-8000-00000000beef"
    unknown = await client.post(f"{FORUM}/topics", json={"category_id": ghost, "translations": [
        {"locale": "en", "title": "x"}]}, headers=admin)  # fmt: skip
    assert unknown.status_code == 400 and "category_id" in unknown.json()["errors"]
    bad_parent = await client.post(f"{FORUM}/topics/{topic}/replies",
                                   json={"body": "x", "parent_reply_id": ghost}, headers=admin)  # fmt: skip
    assert "parent_reply_id" in bad_parent.json()["errors"]
    direct = await client.post(f"/api/content/nodes/{topic}/archive", headers=admin)
    assert direct.status_code == 409 and direct.json()["code"] == "KIND_MANAGED"
    customer = await login_as(client, platform, "customer")
    made = await gql(
        client, 'mutation($t: ID!) { createForumReply(topicId: $t, body: "via gql") { status '
        "node { body { body } author { id } } } }", customer, t=topic,
    )  # fmt: skip
    assert made["data"]["createForumReply"]["status"] == "approved"
    locked = await gql(client, "mutation($t: ID!) { setForumTopicLocked(id: $t, locked: true) "
                       "{ isLocked } }", admin, t=topic)  # fmt: skip
    assert locked["data"]["setForumTopicLocked"] == {"isLocked": True}
    refused = await gql(client, 'mutation($t: ID!) { createForumReply(topicId: $t, body: "no") '
                        "{ id } }", customer, t=topic)  # fmt: skip
    assert error_code(refused) == "TOPIC_LOCKED"
    listed = await gql(client, "query($t: ID!) { forumReplies(topicId: $t) { totalCount items { "
                       "status node { title } } } forumTopics { items { node { replyCount } } } }",
                       t=topic)  # fmt: skip
    assert listed["data"]["forumReplies"]["totalCount"] == 1
    assert listed["data"]["forumTopics"]["items"] == [{"node": {"replyCount": 1}}]
    wrong_action = await gql(client, 'mutation($t: ID!) { changeForumTopicStatus(id: $t, '
                             'action: "explode") { status } }', admin, t=topic)  # fmt: skip
    assert error_code(wrong_action) == "VALIDATION_ERROR"
    reply_id = (await client.get(f"{FORUM}/topics/{topic}/replies")).json()["items"][0]["id"]
    wrong_status = await gql(client, 'mutation($r: ID!) { moderateForumReply(id: $r, '
                             'status: "deleted") { status } }', admin, r=reply_id)  # fmt: skip
    assert error_code(wrong_status) == "VALIDATION_ERROR"
    hidden = await gql(client, 'mutation($r: ID!) { moderateForumReply(id: $r, status: "hidden") '
                       "{ status } }", admin, r=reply_id)  # fmt: skip
    assert hidden["data"]["moderateForumReply"] == {"status": "hidden"}
