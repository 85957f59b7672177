"""The content flow (SM-1): draft with two translations → publish → unpublish → archive →
restore, with its events in the outbox and at a consumer in order; every illegal
transition answers 409 and changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from rustok.bootstrap import builtin_modules
from rustok.core.consumer import ConsumerSpec
from rustok.core.events import Envelope
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content import events
from tests.modules.helpers import login_as, outbox

NODE_EVENTS = (
    events.NodeCreated, events.NodePublished, events.NodeUnpublished, events.NodeArchived,
    events.NodeRestored, events.NodeUpdated, events.NodeDeleted,
)  # fmt: skip
ILLEGAL = {
    "draft": ("unpublish", "archive", "restore"),
    "published": ("publish", "restore"),
    "archived": ("publish", "unpublish", "archive"),
}


class Received:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle(self, payload: Any, envelope: Envelope, uow: UnitOfWork) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
def test_modules(received: Received) -> list[ModuleSpec]:
    spec = ConsumerSpec("test.content-flow", NODE_EVENTS, received.handle)
    probe = ModuleSpec(slug="flow_probe", name="Probe", description="", version="0",
                       consumers=[spec])  # fmt: skip
    return [*builtin_modules(), probe]


async def _received_types(received: Received, node_id: str, count: int) -> list[str]:
    for _ in range(500):
        mine = [e for e in received.envelopes if str(e.aggregate_id) == node_id]
        if len(mine) >= count:
            return [e.event_type for e in mine]
        await asyncio.sleep(0.02)
    raise AssertionError(f"consumer got {[e.event_type for e in received.envelopes]}")


async def _illegal_ones_change_nothing(
    client: httpx.AsyncClient, headers: dict[str, str], node: dict[str, Any]
) -> None:
    for action in ILLEGAL[node["status"]]:
        response = await client.post(f"/api/content/nodes/{node['id']}/{action}", headers=headers)
        assert response.status_code == 409, (node["status"], action, response.text)
        assert response.json()["code"] == "INVALID_TRANSITION"
        after = (await client.get(f"/api/content/nodes/{node['id']}", headers=headers)).json()
        assert (after["status"], after["published_at"], after["updated_at"]) == (
            node["status"], node["published_at"], node["updated_at"]
        )  # fmt: skip


async def test_draft_publish_unpublish_archive_restore(
    client: httpx.AsyncClient, platform: Platform, received: Received
) -> None:
    admin = await login_as(client, platform, "admin")
    body = {
        "kind": "article",
        "translations": [
            {"locale": "en", "title": "Event flow", "excerpt": "e", "body": "# Events"},
            {"locale": "ru", "title": "Поток событий", "body": "# События", "format": "markdown"},
        ],
    }
    created = await client.post("/api/content/nodes", json=body, headers=admin)
    assert created.status_code == 201, created.text
    node = created.json()
    node_id = node["id"]
    assert (node["status"], node["published_at"], node["archived_at"]) == ("draft", None, None)
    assert [(t["locale"], t["slug"]) for t in node["translations"]] == [
        ("en", "event-flow"), ("ru", "potok-sobytii")
    ]  # fmt: skip
    assert node["body"]["body"] == "# Events"
    await _illegal_ones_change_nothing(client, admin, node)

    published = await client.post(f"/api/content/nodes/{node_id}/publish", headers=admin)
    assert published.status_code == 200, published.text
    node = published.json()
    assert node["status"] == "published" and node["published_at"] is not None
    assert await outbox(platform, node_id) == [
        ("node.created", {"node_id": node_id, "kind": "article", "author_id": node["author_id"]}),
        ("node.published", {"node_id": node_id, "kind": "article"}),
    ]
    assert await _received_types(received, node_id, 2) == ["node.created", "node.published"]
    await _illegal_ones_change_nothing(client, admin, node)

    steps = [("unpublish", "draft"), ("publish", "published"), ("archive", "archived")]
    for action, status in steps:
        response = await client.post(f"/api/content/nodes/{node_id}/{action}", headers=admin)
        assert response.status_code == 200, response.text
        node = response.json()
        assert node["status"] == status
        assert (node["published_at"] is not None) == (status == "published")
        assert (node["archived_at"] is not None) == (status == "archived")
    await _illegal_ones_change_nothing(client, admin, node)
    restored = (await client.post(f"/api/content/nodes/{node_id}/restore", headers=admin)).json()
    assert (restored["status"], restored["published_at"], restored["archived_at"]) == (
        "draft", None, None
    )  # fmt: skip
    expected = ["node.created", "node.published", "node.unpublished", "node.published",
                "node.archived", "node.restored"]  # fmt: skip
    assert [kind for kind, _ in await outbox(platform, node_id)] == expected
    assert await _received_types(received, node_id, len(expected)) == expected


async def test_transitions_of_an_unknown_node_are_404(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    for action in ("publish", "unpublish", "archive", "restore"):
        response = await client.post(
            f"/api/content/nodes/0190c5a0-0000-7000-8000-000000000001/{action}", headers=admin
        )
        assert response.status_code == 404
        assert response.json()["code"] == "NODE_NOT_FOUND"
