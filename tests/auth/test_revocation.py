"""Logout, disabling and demotion reach every instance within a second, without Redis
(hardening item 5). Two app instances share one database, as two server processes would;
each keeps its own principal cache (15 s TTL), so only the change rows they poll can tell
the second instance in time. The bound waited for below (5 s) is far under that TTL."""

from __future__ import annotations

from pathlib import Path

import httpx

from rustok.auth.revocations import POLL_SECONDS, PrincipalChangeWatcher
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.instances import two_instances
from tests.outbox.support import wait_until
from tests.services import Service

WITHIN = 5.0  # seconds; the principal cache alone would keep the old answer for 15


async def _answers(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], status: int
) -> bool:
    return (await client.get(path, headers=headers)).status_code == status


async def _update_user(
    client: httpx.AsyncClient, admin: dict[str, str], user_id: str, change: str
) -> None:
    response = await client.post(
        "/api/graphql",
        headers=bearer(admin),
        json={
            "query": f'mutation {{ updateUser(id: "{user_id}", input: {{ {change} }}) {{ id }} }}'
        },
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text


async def test_logout_on_one_instance_is_refused_by_the_other(db_url: str, tmp_path: Path) -> None:
    async with two_instances(db_url, tmp_path) as ((one, app), (two, _)):
        await make_user(app.platform, "leaving@example.com", "customer")
        tokens = await sign_in(one, "leaving@example.com")
        assert (await two.get("/api/auth/me", headers=bearer(tokens))).status_code == 200
        assert (await one.post("/api/auth/logout", headers=bearer(tokens))).status_code == 204

        await wait_until(
            lambda: _answers(two, "/api/auth/me", bearer(tokens), 401),
            within=WITHIN, what="the other instance to refuse the logged-out token",
        )  # fmt: skip
        refused = await two.get("/api/auth/me", headers=bearer(tokens))
        assert refused.json()["code"] == "SESSION_REVOKED"


async def test_one_poll_of_the_change_rows_carries_a_logout(db_url: str, tmp_path: Path) -> None:
    """Why it is within a second: every process polls the change rows every half second,
    and a single poll is all the other instance needs to refuse the token."""
    async with two_instances(db_url, tmp_path) as ((one, app), (two, app_two)):
        watcher = app_two.auth.sessions.watcher
        assert watcher._interval == POLL_SECONDS <= 0.5

        async def blind() -> int:  # the second instance's own polling stops
            return 0

        watcher.poll = blind  # type: ignore[method-assign]
        await make_user(app.platform, "leaving@example.com", "customer")
        tokens = await sign_in(one, "leaving@example.com")
        assert (await two.get("/api/auth/me", headers=bearer(tokens))).status_code == 200
        assert (await one.post("/api/auth/logout", headers=bearer(tokens))).status_code == 204
        # Unpolled, the second instance still answers from its principal cache ...
        assert (await two.get("/api/auth/me", headers=bearer(tokens))).status_code == 200
        assert await PrincipalChangeWatcher.poll(watcher) == 1
        # ... and one poll later it refuses.
        refused = await two.get("/api/auth/me", headers=bearer(tokens))
        assert (refused.status_code, refused.json()["code"]) == (401, "SESSION_REVOKED")


async def test_demotion_on_one_instance_reaches_the_other(db_url: str, tmp_path: Path) -> None:
    async with two_instances(db_url, tmp_path) as ((one, app), (two, _)):
        await make_user(app.platform, "root@example.com", "super_admin")
        await make_user(app.platform, "boss@example.com", "admin")
        root = await sign_in(one, "root@example.com")
        boss = await sign_in(one, "boss@example.com")
        # modules:list is an admin's, not a customer's; the second instance caches the grant.
        assert (await two.get("/api/modules", headers=bearer(boss))).status_code == 200
        await _update_user(one, root, boss["user"]["id"], 'role: "customer"')  # type: ignore[index]

        await wait_until(
            lambda: _answers(two, "/api/modules", bearer(boss), 403),
            within=WITHIN, what="the other instance to drop the demoted admin's grants",
        )  # fmt: skip
        # The session itself lives on, with the new role.
        assert (await two.get("/api/auth/me", headers=bearer(boss))).json()["role"] == "customer"


async def test_disabling_on_one_instance_reaches_the_other(db_url: str, tmp_path: Path) -> None:
    async with two_instances(db_url, tmp_path) as ((one, app), (two, _)):
        await make_user(app.platform, "root@example.com", "super_admin")
        await make_user(app.platform, "banned@example.com", "manager")
        root = await sign_in(one, "root@example.com")
        user = await sign_in(one, "banned@example.com")
        assert (await two.get("/api/auth/me", headers=bearer(user))).status_code == 200
        await _update_user(one, root, user["user"]["id"], 'status: "banned"')  # type: ignore[index]

        await wait_until(
            lambda: _answers(two, "/api/auth/me", bearer(user), 401),
            within=WITHIN, what="the other instance to refuse the banned user",
        )  # fmt: skip


async def test_with_redis_the_bus_alone_carries_revocations(
    db_url: str, tmp_path: Path, redis_service: Service
) -> None:
    async with two_instances(db_url, tmp_path, redis_url=redis_service.url) as (
        (one, app),
        (two, app_two),
    ):
        assert await app.platform.invalidation.wait_subscribed(5)
        assert await app_two.platform.invalidation.wait_subscribed(5)

        async def blind() -> int:  # the second instance stops reading the change rows
            return 0

        app_two.auth.sessions.watcher.poll = blind  # type: ignore[method-assign]
        await make_user(app.platform, "root@example.com", "super_admin")
        await make_user(app.platform, "boss@example.com", "admin")
        root = await sign_in(one, "root@example.com")
        boss = await sign_in(one, "boss@example.com")
        assert (await two.get("/api/modules", headers=bearer(boss))).status_code == 200
        await _update_user(one, root, boss["user"]["id"], 'role: "customer"')  # type: ignore[index]
        await wait_until(
            lambda: _answers(two, "/api/modules", bearer(boss), 403),
            within=WITHIN, what="the demotion to arrive through Redis",
        )  # fmt: skip
        assert (await one.post("/api/auth/logout", headers=bearer(boss))).status_code == 204
        await wait_until(
            lambda: _answers(two, "/api/auth/me", bearer(boss), 401),
            within=WITHIN, what="the logout to arrive through Redis",
        )  # fmt: skip
