"""``rustok demo`` seeds the content family into the demo tenant, once."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.cli.demo import seed_demo
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from tests.modules.helpers import event_types

DEMO = {"X-Tenant-ID": "demo"}


async def _get(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    response = await client.get(path, headers=DEMO)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_demo_data_is_seeded_once(
    client: httpx.AsyncClient, platform: Platform, settings: Settings
) -> None:
    await seed_demo(settings, "demo password 123")
    after_first = len(await event_types(platform))
    await seed_demo(settings, "demo password 123")
    assert len(await event_types(platform)) == after_first  # the second run wrote nothing

    posts = await _get(client, "/api/blog/posts?per_page=100")
    assert posts["total"] == 3
    russian = await _get(client, "/api/blog/posts/by-slug/welcome-to-rustok?locale=ru")
    assert russian["title"] == "Добро пожаловать в RusToK" and russian["tags"]
    assert {t["locale"] for t in russian["translations"]} == {"en", "ru"}
    forum = await _get(client, "/api/forum/categories")
    assert forum["total"] == 1
    topics = await _get(client, "/api/forum/topics")
    assert topics["total"] == 2
    assert sum(t["reply_count"] for t in topics["items"]) == 3
    home = await _get(client, "/api/pages/by-slug/home?locale=ru")
    assert home["title"] == "Главная" and len(home["blocks"]) == 5
    menus = await _get(client, "/api/pages/menus?location=header&locale=ru")
    labels = [i["label"] for i in menus["items"][0]["items"]]
    assert labels == ["Главная", "Блог", "Форум"]
