"""Revoking a key, and demoting, banning or deleting its creator, reach every instance within
a second without Redis (K-2). Two app instances share one database, as two server processes
would; each caches keys and their principals for 15 s, so only the principal-change rows they
poll can tell the second instance in time. The bound waited for (5 s) is far under the TTL."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from sqlalchemy import delete

from rustok.auth.models import User
from rustok.core.context import DEFAULT_TENANT_ID, RequestContext, use_context
from rustok.modules.commerce.module import MODULE as COMMERCE
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.instances import two_instances
from tests.auth.keys import create_key, with_key
from tests.outbox.support import wait_until

WITHIN = 5.0  # seconds; the caches alone would keep the old answer for 15


async def _code(client: httpx.AsyncClient, key: str) -> str | None:
    response = await client.get("/api/auth/me", headers=with_key(key))
    return None if response.status_code == 200 else str(response.json()["code"])


async def _permissions(client: httpx.AsyncClient, key: str) -> list[str]:
    response = await client.get("/api/auth/me", headers=with_key(key))
    assert response.status_code == 200, response.text
    permissions: list[str] = response.json()["permissions"]
    return permissions


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


async def test_revocation_on_one_instance_is_refused_by_the_other(
    db_url: str, tmp_path: Path
) -> None:
    async with two_instances(db_url, tmp_path) as ((one, app), (two, _)):
        await make_user(app.platform, "admin@example.com", "admin")
        admin = await sign_in(one, "admin@example.com")
        created = await create_key(one, admin, ["users:list"])
        assert await _code(two, created["key"]) is None  # the second instance caches it
        deleted = await one.delete(f"/api/admin/api-keys/{created['id']}", headers=bearer(admin))
        assert deleted.status_code == 204

        await wait_until(
            lambda: _is(two, created["key"], "API_KEY_REVOKED"),
            within=WITHIN, what="the other instance to refuse the revoked key",
        )  # fmt: skip


async def _is(client: httpx.AsyncClient, key: str, code: str) -> bool:
    return await _code(client, key) == code


async def test_demoting_the_creator_narrows_the_key_on_the_other_instance(
    db_url: str, tmp_path: Path
) -> None:
    async with two_instances(db_url, tmp_path, modules=[COMMERCE]) as ((one, app), (two, _)):
        await make_user(app.platform, "root@example.com", "super_admin")
        await make_user(app.platform, "boss@example.com", "admin")
        root = await sign_in(one, "root@example.com")
        boss = await sign_in(one, "boss@example.com")
        key = (await create_key(one, boss, ["products:manage", "users:list"]))["key"]
        before = await _permissions(two, key)
        assert "users:list" in before and "products:delete" in before
        await _update_user(one, root, boss["user"]["id"], 'role: "manager"')  # type: ignore[index]

        async def narrowed() -> bool:
            return "users:list" not in await _permissions(two, key)

        await wait_until(narrowed, within=WITHIN, what="the key to lose its creator's grants")
        # products:manage narrowed to what a manager has on products: not delete-everything.
        assert await _permissions(two, key) == [
            "products:create", "products:delete", "products:list", "products:read",
            "products:update",
        ]  # fmt: skip
        assert (await two.get("/api/admin/api-keys", headers=with_key(key))).status_code == 403


async def test_banning_the_creator_ends_the_key_on_the_other_instance(
    db_url: str, tmp_path: Path
) -> None:
    async with two_instances(db_url, tmp_path) as ((one, app), (two, _)):
        await make_user(app.platform, "root@example.com", "super_admin")
        await make_user(app.platform, "boss@example.com", "admin")
        root = await sign_in(one, "root@example.com")
        boss = await sign_in(one, "boss@example.com")
        key = (await create_key(one, boss, ["users:list"]))["key"]
        assert await _code(two, key) is None
        await _update_user(one, root, boss["user"]["id"], 'status: "banned"')  # type: ignore[index]

        await wait_until(
            lambda: _is(two, key, "API_KEY_REVOKED"),
            within=WITHIN, what="the other instance to refuse the banned creator's key",
        )  # fmt: skip
        # Unbanned, the key works again: it was never revoked, only its creator was.
        await _update_user(one, root, boss["user"]["id"], 'status: "active"')  # type: ignore[index]
        await wait_until(
            lambda: _is(two, key, None),  # type: ignore[arg-type]
            within=WITHIN, what="the key to work again",
        )  # fmt: skip


async def test_deleting_the_creator_ends_the_key_on_the_other_instance(
    db_url: str, tmp_path: Path
) -> None:
    async with two_instances(db_url, tmp_path) as ((one, app), (two, _)):
        await make_user(app.platform, "boss@example.com", "admin")
        boss = await sign_in(one, "boss@example.com")
        key = (await create_key(one, boss, ["users:list"]))["key"]
        assert await _code(two, key) is None
        user_id = uuid.UUID(boss["user"]["id"])  # type: ignore[index]
        # What deleting a user does: the row goes (its keys with it) and a change is recorded.
        tenant = await app.platform.tenants.by_id(DEFAULT_TENANT_ID)  # type: ignore[union-attr]
        with use_context(RequestContext(tenant=tenant)):
            async with app.platform.uow() as uow:
                await uow.session.execute(delete(User).where(User.id == user_id))
                await app.auth.sessions.changed_user(uow, user_id)
                await uow.commit()

        await wait_until(
            lambda: _is(two, key, "INVALID_API_KEY"),
            within=WITHIN, what="the other instance to refuse the deleted creator's key",
        )  # fmt: skip
