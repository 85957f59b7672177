"""API keys (K-1, K-3): created, listed and revoked over REST and GraphQL, shown once,
stored hashed, scoped no wider than their creator, expiring, sent either way, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.auth.api_keys.keys import mint_key, well_formed
from rustok.auth.api_keys.models import ApiKey
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.keys import create_key, with_key
from tests.conftest import count_queries


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text


async def _admin(client: httpx.AsyncClient, app: RustokApp, role: str = "admin") -> dict[str, str]:
    await make_user(app.platform, f"{role}@example.com", role)
    return await sign_in(client, f"{role}@example.com")


async def test_create_shows_the_key_once_and_stores_only_its_hash(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    created = await create_key(client, admin, ["products:read", "products:read", "orders:list"])
    key = created["key"]
    assert key.startswith("rk_live_") and len(key) == 54 and well_formed(key)
    assert created["permissions"] == ["products:read", "orders:list"]
    assert created["prefix"] == key[:12]
    async with app.platform.db.read_session(all_tenants=True) as session:
        row = (await session.scalars(select(ApiKey))).one()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = [str(getattr(row, c.key)) for c in ApiKey.__table__.columns]
    assert not any(key in value or key[12:] in value for value in stored)

    listed = await client.get("/api/admin/api-keys", headers=bearer(admin))
    assert listed.status_code == 200
    assert listed.headers["cache-control"] == "no-store"
    [item] = listed.json()["items"]
    assert item["id"] == created["id"] and item["active"] is True
    assert "key" not in item and key not in listed.text
    one = await client.get(f"/api/admin/api-keys/{created['id']}", headers=bearer(admin))
    assert one.status_code == 200 and "key" not in one.json()


@pytest.mark.parametrize("style", ["x-api-key", "bearer"])
async def test_a_key_acts_with_its_permissions_either_way_it_is_sent(
    client: httpx.AsyncClient, app: RustokApp, style: str
) -> None:
    admin = await _admin(client, app)
    key = (await create_key(client, admin, ["products:list", "users:read"]))["key"]
    me = await client.get("/api/auth/me", headers=with_key(key, style=style))
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "admin@example.com"
    assert me.json()["permissions"] == ["products:list", "users:read"]
    allowed = await client.get("/api/commerce/products", headers=with_key(key, style=style))
    assert allowed.status_code == 200
    assert_problem(
        await client.get("/api/admin/api-keys", headers=with_key(key, style=style)),
        403, "FORBIDDEN",
    )  # fmt: skip


async def test_permissions_wider_than_the_creator_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "manager@example.com", "manager")
    manager = await sign_in(client, "manager@example.com")
    # Managers lack api_keys:create: give the manager role that one grant only.
    admin = await _admin(client, app)
    refused = await client.post(
        "/api/admin/api-keys", json={"name": "x", "permissions": ["products:read"]},
        headers=bearer(manager),
    )  # fmt: skip
    assert_problem(refused, 403, "FORBIDDEN")
    wider = await client.post(
        "/api/admin/api-keys", json={"name": "x", "permissions": ["products:read", "tenants:list"]},
        headers=bearer(admin),
    )  # fmt: skip
    assert_problem(wider, 403, "PERMISSIONS_TOO_WIDE")
    assert wider.json()["errors"] == {"permissions": ["tenants:list is not yours to give"]}
    unknown = await client.post(
        "/api/admin/api-keys", json={"name": "x", "permissions": ["spaceships:fly"]},
        headers=bearer(admin),
    )  # fmt: skip
    assert_problem(unknown, 400, "VALIDATION_ERROR")
    assert unknown.json()["errors"] == {"permissions": ["unknown permission spaceships:fly"]}
    empty = await client.post(
        "/api/admin/api-keys", json={"name": "", "permissions": []}, headers=bearer(admin)
    )
    assert_problem(empty, 400, "VALIDATION_ERROR")
    assert set(empty.json()["errors"]) == {"name", "permissions"}
    async with app.platform.db.read_session(all_tenants=True) as session:
        assert list(await session.scalars(select(ApiKey))) == []


async def test_expiry(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await _admin(client, app)
    past = await client.post(
        "/api/admin/api-keys",
        json={"name": "x", "permissions": ["products:list"], "expires_at": "2020-01-01T00:00:00Z"},
        headers=bearer(admin),
    )
    assert_problem(past, 400, "VALIDATION_ERROR")
    naive = await client.post(
        "/api/admin/api-keys",
        json={"name": "x", "permissions": ["products:list"], "expires_at": "2099-01-01T00:00:00"},
        headers=bearer(admin),
    )
    assert_problem(naive, 400, "VALIDATION_ERROR")
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    created = await create_key(client, admin, ["products:list"], expires_at=later)
    assert created["expires_at"] is not None
    # The key expires (moved into the past in the database; this process never saw it).
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(ApiKey).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
        await session.commit()
    assert_problem(
        await client.get("/api/auth/me", headers=with_key(created["key"])), 401, "API_KEY_EXPIRED"
    )
    listed = (await client.get("/api/admin/api-keys", headers=bearer(admin))).json()
    assert listed["items"][0]["active"] is False


async def test_revoked_key_is_refused_at_once(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await _admin(client, app)
    created = await create_key(client, admin, ["products:list"])
    assert (await client.get("/api/auth/me", headers=with_key(created["key"]))).status_code == 200
    revoked = await client.delete(f"/api/admin/api-keys/{created['id']}", headers=bearer(admin))
    assert revoked.status_code == 204
    assert_problem(
        await client.get("/api/auth/me", headers=with_key(created["key"])), 401, "API_KEY_REVOKED"
    )
    again = await client.delete(f"/api/admin/api-keys/{created['id']}", headers=bearer(admin))
    assert again.status_code == 204
    missing = await client.delete(
        "/api/admin/api-keys/00000000-0000-0000-0000-00000000abcd", headers=bearer(admin)
    )
    assert_problem(missing, 404, "NOT_FOUND")
    async with app.platform.db.read_session(all_tenants=True) as session:
        actions = [
            (e.action, e.resource_id)
            for e in await session.scalars(
                select(AuditEntry).where(AuditEntry.resource == "api_keys")
                .order_by(AuditEntry.created_at)
            )
        ]  # fmt: skip
    assert actions == [("api_key.created", created["id"]), ("api_key.revoked", created["id"])]


async def test_a_repeated_key_is_one_cache_lookup_and_revocation_still_ends_it(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key as presented finds its record: no checksum, no SHA-256, no query (issue 15:
    the key check costs the storefront at most 5 %); a revocation still ends it at once."""
    from rustok.auth.api_keys import authenticator

    admin = await _admin(client, app)
    created = await create_key(client, admin, ["products:list"])
    assert (await client.get("/api/auth/me", headers=with_key(created["key"]))).status_code == 200
    checks: list[str] = []

    def hashed(key: str) -> str:
        checks.append(key)
        return hashlib.sha256(key.encode()).hexdigest()

    def shape(key: str) -> bool:
        checks.append(key)
        return well_formed(key)

    monkeypatch.setattr(authenticator, "hash_key", hashed)
    monkeypatch.setattr(authenticator, "well_formed", shape)
    with count_queries(app.platform.db) as queries:
        for style in ("x-api-key", "bearer", "x-api-key"):
            me = await client.get("/api/auth/me", headers=with_key(created["key"], style=style))
            assert me.status_code == 200 and me.json()["email"] == "admin@example.com", me.text
    assert checks == []
    assert [q for q in queries.statements if "api_keys" in q] == []  # /me itself reads the user
    revoked = await client.delete(f"/api/admin/api-keys/{created['id']}", headers=bearer(admin))
    assert revoked.status_code == 204
    assert_problem(
        await client.get("/api/auth/me", headers=with_key(created["key"])), 401, "API_KEY_REVOKED"
    )


@pytest.mark.parametrize(
    "key",
    [
        "rk_live_",
        "rk_live_" + "A" * 46,  # right length, wrong checksum
        "rk_test_" + "A" * 46,
        "rk_live_" + "\xe9" * 46,  # latin-1 bytes on the wire
        "x" * 5000,
    ],
)
async def test_garbage_keys_are_refused_without_a_query(
    client: httpx.AsyncClient, app: RustokApp, key: str
) -> None:
    await client.get("/api/tenant")  # the tenant is cached: only the key could cost a query
    with count_queries(app.platform.db) as queries:
        response = await client.get("/api/auth/me", headers=[(b"X-Api-Key", key.encode("latin-1"))])
    assert_problem(response, 401, "INVALID_API_KEY")
    assert queries.statements == []


async def test_a_made_up_key_of_the_right_shape_costs_one_indexed_lookup(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await client.get("/api/tenant")
    forged, _ = mint_key()
    with count_queries(app.platform.db) as queries:
        response = await client.get("/api/auth/me", headers=with_key(forged, style="bearer"))
    assert_problem(response, 401, "INVALID_API_KEY")
    [statement] = queries.statements
    assert "FROM api_keys" in statement and "api_keys.key_hash =" in statement


async def test_two_different_credentials_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    key = (await create_key(client, admin, ["products:list"]))["key"]
    both = {"X-Api-Key": key, "Authorization": f"Bearer {admin['access_token']}"}
    assert_problem(await client.get("/api/auth/me", headers=both), 401, "INVALID_API_KEY")
    same = {"X-Api-Key": key, "Authorization": f"Bearer {key}"}
    assert (await client.get("/api/auth/me", headers=same)).status_code == 200


async def test_keys_manage_neither_keys_nor_sessions(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    key = (await create_key(client, admin, ["api_keys:manage"]))["key"]
    assert (await client.get("/api/admin/api-keys", headers=with_key(key))).status_code == 200
    minted = await client.post(
        "/api/admin/api-keys", json={"name": "child", "permissions": ["products:read"]},
        headers=with_key(key),
    )  # fmt: skip
    assert_problem(minted, 403, "API_KEY_NOT_ALLOWED")
    for path in ("/api/auth/logout", "/api/auth/sessions/revoke-all"):
        assert_problem(await client.post(path, headers=with_key(key)), 403, "API_KEY_NOT_ALLOWED")
    changed = await client.post(
        "/api/auth/change-password", json={"current_password": "x", "new_password": "y" * 12},
        headers=with_key(key),
    )  # fmt: skip
    assert_problem(changed, 403, "API_KEY_NOT_ALLOWED")
    # The creator's session survived all of it.
    assert (await client.get("/api/auth/me", headers=bearer(admin))).status_code == 200


async def test_a_refused_permission_is_audited_with_the_key(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    created = await create_key(client, admin, ["products:list"])
    denied = await client.get("/api/admin/api-keys", headers=with_key(created["key"]))
    assert denied.status_code == 403
    async with app.platform.db.read_session(all_tenants=True) as session:
        entry = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "authz.denied"))
        ).one()
    assert entry.details["api_key_id"] == created["id"]
    assert str(entry.actor_id) == admin["user"]["id"]  # type: ignore[index]


GRAPHQL_CREATE = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { key apiKey { id name prefix permissions active } }
}"""


async def test_graphql_create_list_revoke(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await _admin(client, app)

    async def gql(
        query: str, variables: dict[str, object] | None = None, **headers: str
    ) -> dict[str, Any]:
        response = await client.post(
            "/api/graphql", json={"query": query, "variables": variables or {}},
            headers=headers or bearer(admin),
        )  # fmt: skip
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    created = await gql(
        GRAPHQL_CREATE, {"input": {"name": "bot", "permissions": ["products:list"]}}
    )
    payload = created["data"]["createApiKey"]
    key, key_id = payload["key"], payload["apiKey"]["id"]
    assert well_formed(key) and payload["apiKey"]["permissions"] == ["products:list"]
    listed = await gql("{ apiKeys { id name prefix active } }")
    assert listed["data"]["apiKeys"] == [
        {"id": key_id, "name": "bot", "prefix": key[:12], "active": True}
    ]
    wider = await gql(GRAPHQL_CREATE, {"input": {"name": "x", "permissions": ["tenants:list"]}})
    assert wider["errors"][0]["extensions"]["code"] == "PERMISSIONS_TOO_WIDE"
    by_key = await gql("{ apiKeys { id } }", **{"X-Api-Key": key})
    assert by_key["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    revoked = await gql(f'mutation {{ revokeApiKey(id: "{key_id}") {{ active }} }}')
    assert revoked["data"]["revokeApiKey"] == {"active": False}
    refused = await client.post(
        "/api/graphql", json={"query": "{ apiVersion }"}, headers={"X-Api-Key": key}
    )
    assert_problem(refused, 401, "API_KEY_REVOKED")
