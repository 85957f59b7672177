"""The forum screens: the moderation queue (approve/reject/hide) and the topics list
(pin/lock, close/reopen/archive) through ReplyService and TopicService with the REST routes'
permissions; the buttons are exactly the moves the state machines allow."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings
from tests.modules.helpers import event_types, login_as

QUEUE = "/admin/forum/replies"
TOPICS = "/admin/forum/topics"
FORUM = "/api/forum"
# The queue of 50 replies: the session check, the count, the page, the replies' nodes with
# their translations, bodies, authors, categories and tags in batches (6), and the topics'
# nodes the same way without bodies (5): measured 14 on SQLite and PostgreSQL, whatever the
# number of rows.
QUEUE_BUDGET = 14
MOVES_RE = re.compile(r'action="/admin/forum/(?:replies|topics)/([0-9a-f-]{36})/\w+">\s*'
                      r'<input[^>]*>\s*<input[^>]*>\s*<input type="hidden" name="\w+" value="(\w+)">')  # fmt: skip


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _forum(client: httpx.AsyncClient, app: RustokApp) -> dict[str, Any]:
    admin = await login_as(client, app.platform, "admin")
    category = await client.post(f"{FORUM}/categories", headers=admin, json={
        "translations": [{"locale": "en", "title": "Help"}], "moderated": True})  # fmt: skip
    topic = await client.post(f"{FORUM}/topics", headers=admin, json={
        "category_id": category.json()["id"],
        "translations": [{"locale": "en", "title": "Kettle broke", "body": "?"}]})  # fmt: skip
    assert topic.status_code == 201, topic.text
    return {"admin": admin, "topic": topic.json()["id"]}


async def _reply(client: httpx.AsyncClient, headers: dict[str, str], topic: str, text: str) -> str:
    reply = await client.post(f"{FORUM}/topics/{topic}/replies", headers=headers,
                              json={"body": text})  # fmt: skip
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


async def _sign_in_admin(client: httpx.AsyncClient, app: RustokApp) -> str:
    await make_user(app.platform, "moderator@example.com", "admin")
    assert (await admin_sign_in(client, "moderator@example.com")).status_code == 303
    return csrf_of((await client.get("/admin")).text)


def _moves(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row_id, move in MOVES_RE.findall(page):
        found.setdefault(row_id, []).append(move)
    return found


async def test_the_queue_approves_rejects_and_hides_replies(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    forum = await _forum(client, app)
    customer = await login_as(client, app.platform, "customer")
    first = await _reply(client, customer, forum["topic"], "Try descaling it")
    second = await _reply(client, customer, forum["topic"], "Buy a new one, spam spam")
    token = await _sign_in_admin(client, app)
    queue = await client.get(QUEUE)
    assert queue.status_code == 200
    assert "Try descaling it" in queue.text and "Kettle broke" in queue.text
    assert _moves(queue.text) == {first: ["approved", "rejected"], second: ["approved", "rejected"]}
    since = len(await event_types(app.platform))
    approved = await client.post(f"{QUEUE}/{first}/moderate", data={
        "_csrf": token, "status": "approved", "back": f"{QUEUE}?status=pending"})  # fmt: skip
    assert approved.status_code == 303 and approved.headers["location"] == f"{QUEUE}?status=pending"
    pending = await client.get(approved.headers["location"])
    assert "Reply moderated." in pending.text and "1 found" in pending.text
    assert "Try descaling it" not in pending.text
    rejected = await client.post(f"{QUEUE}/{second}/moderate", data={
        "_csrf": token, "status": "rejected", "back": "https://evil.example/"})  # fmt: skip
    assert rejected.headers["location"] == QUEUE  # only the list itself is a way back
    public = (await client.get(f"{FORUM}/topics/{forum['topic']}/replies")).json()
    assert [r["id"] for r in public["items"]] == [first]
    everything = await client.get(QUEUE)
    assert _moves(everything.text) == {first: ["hidden"], second: ["approved"]}
    hidden = await client.post(f"{QUEUE}/{first}/moderate", data={"_csrf": token,
                                                                  "status": "hidden"})  # fmt: skip
    assert hidden.status_code == 303
    assert (await client.get(f"{FORUM}/topics/{forum['topic']}/replies")).json()["total"] == 0
    assert "forum.reply.moderated" in await event_types(app.platform, since)
    refused = await client.post(f"{QUEUE}/{first}/moderate", data={"_csrf": token,
                                                                   "status": "rejected"})  # fmt: skip
    assert refused.status_code == 409 and "cannot move a hidden reply to rejected" in refused.text
    unknown = await client.post(f"{QUEUE}/{first}/moderate", data={"_csrf": token,
                                                                   "status": "deleted"})  # fmt: skip
    assert unknown.status_code == 400
    only_hidden = await client.get(f"{QUEUE}?status=hidden")
    assert "1 found" in only_hidden.text and "Try descaling it" in only_hidden.text
    assert (await client.get(f"{QUEUE}?status=spam")).status_code == 400


async def test_the_empty_queue_says_where_replies_come_from(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _sign_in_admin(client, app)
    page = await client.get(QUEUE)
    assert "No replies yet." in page.text and "POST /api/forum/topics/{id}/replies" in page.text


async def test_topics_pin_lock_and_close(client: httpx.AsyncClient, app: RustokApp) -> None:
    forum = await _forum(client, app)
    topic = forum["topic"]
    token = await _sign_in_admin(client, app)
    listed = await client.get(TOPICS)
    assert "Kettle broke" in listed.text
    assert _moves(listed.text) == {topic: ["pin", "lock", "close", "archive"]}
    for flag in ("pin", "lock"):
        done = await client.post(f"{TOPICS}/{topic}/flag", data={"_csrf": token, "flag": flag})
        assert done.status_code == 303
    closed = await client.post(f"{TOPICS}/{topic}/status", data={"_csrf": token,
                                                                 "action": "close"})  # fmt: skip
    assert closed.status_code == 303
    read = (await client.get(f"{FORUM}/topics/{topic}")).json()
    assert (read["is_pinned"], read["is_locked"], read["status"]) == (True, True, "closed")
    after = await client.get(TOPICS)
    assert "Topic changed." in after.text
    assert _moves(after.text) == {topic: ["unpin", "unlock", "reopen", "archive"]}
    again = await client.post(f"{TOPICS}/{topic}/status", data={"_csrf": token,
                                                                "action": "close"})  # fmt: skip
    assert again.status_code == 409
    assert "1 found" in (await client.get(f"{TOPICS}?status=closed")).text
    assert "0 found" in (await client.get(f"{TOPICS}?status=open")).text
    types = await event_types(app.platform)
    assert {"forum.topic.pinned", "forum.topic.locked", "forum.topic.status_changed"} <= set(types)


async def test_managers_may_list_topics_but_not_moderate(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    forum = await _forum(client, app)
    customer = await login_as(client, app.platform, "customer")
    reply = await _reply(client, customer, forum["topic"], "Pending words")
    await make_user(app.platform, "editor@example.com", "manager")
    assert (await admin_sign_in(client, "editor@example.com")).status_code == 303
    token = csrf_of((await client.get(TOPICS)).text)
    assert (await client.get(QUEUE)).status_code == 403
    moderate = await client.post(f"{QUEUE}/{reply}/moderate", data={"_csrf": token,
                                                                    "status": "approved"})  # fmt: skip
    assert moderate.status_code == 403 and "Pending words" not in moderate.text
    pin = await client.post(f"{TOPICS}/{forum['topic']}/flag", data={"_csrf": token, "flag": "pin"})
    assert pin.status_code == 403
    read = (await client.get(f"{FORUM}/topics/{forum['topic']}")).json()
    assert read["is_pinned"] is False and read["pending_count"] == 1


async def test_a_queue_of_50_replies_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    forum = await _forum(client, app)
    customer = await login_as(client, app.platform, "customer")
    for i in range(50):
        await _reply(client, customer, forum["topic"], f"Reply {i}")
    await _sign_in_admin(client, app)
    assert (await client.get(QUEUE)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get(QUEUE)
    assert page.text.count('name="status" value="approved"') == 50
    assert counter.count <= QUEUE_BUDGET, counter.statements
