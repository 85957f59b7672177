"""A repeated key is one lookup for its record and the principal it acts as (issue 15: the
key check costs the storefront at most 5 %): the guard loads the principal once, then the
tenant middleware finds it on the cached record and names the actor in the request context
itself. What a principal change, the TTL or a full invalidation must end, they still end."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.auth.api_keys.authenticator import KeyAuthenticator
from rustok.auth.api_keys.cache import KeyCache, KeyRecord
from rustok.auth.principals import ALL_PRINCIPALS, SESSION_KEY_PREFIX, USER_KEY_PREFIX
from rustok.rbac.principal import Principal
from tests.auth.helpers import make_user, sign_in
from tests.auth.keys import create_key, with_key
from tests.conftest import count_queries


def _record() -> KeyRecord:
    return KeyRecord(
        id=uuid.uuid4(), tenant_id=uuid.uuid4(), name="k", created_by=uuid.uuid4(),
        permissions=("products:list",), expires_at=None, revoked_at=None,
    )  # fmt: skip


def _principal(record: KeyRecord) -> Principal:
    return Principal(
        user_id=record.created_by, tenant_id=record.tenant_id, session_id=record.id,
        role="admin", email="a@example.com", api_key_id=record.id,
    )  # fmt: skip


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _cache_with_clock() -> tuple[KeyCache, _Clock]:
    cache, clock = KeyCache(ttl=15.0), _Clock()
    cache.clock = clock  # type: ignore[method-assign]
    return cache, clock


def test_the_principal_is_kept_on_the_cached_record() -> None:
    cache, clock = _cache_with_clock()
    record = _record()
    cache.put_record("rk_key", record, clock())
    assert cache.principal(record) is None
    principal = _principal(record)
    cache.put_principal(record, principal, clock())
    found = cache.record("rk_key")
    assert found is record and cache.principal(found) is principal
    # The record's equality and hash ignore what it holds.
    assert record == KeyRecord(
        **{
            f: getattr(record, f)
            for f in (
                "id",
                "tenant_id",
                "name",
                "created_by",
                "permissions",
                "expires_at",
                "revoked_at",
            )
        }
    )
    assert hash(record) == hash(found)


def test_a_principal_older_than_the_ttl_is_not_trusted() -> None:
    cache, clock = _cache_with_clock()
    record = _record()
    cache.put_principal(record, _principal(record), clock())
    clock.now += 15.0
    assert cache.principal(record) is not None
    clock.now += 0.5
    assert cache.principal(record) is None
    assert record.acting == []


@pytest.mark.parametrize("changed", ["key", "creator"])
def test_a_change_to_the_key_or_its_creator_ends_the_principal(changed: str) -> None:
    cache, clock = _cache_with_clock()
    record = _record()
    cache.put_principal(record, _principal(record), clock())
    clock.now += 1
    other = _record()
    cache.put_principal(other, _principal(other), clock())
    key = (
        f"{SESSION_KEY_PREFIX}{record.id}" if changed == "key"
        else f"{USER_KEY_PREFIX}{record.created_by}"
    )  # fmt: skip
    cache.drop([key])
    assert cache.principal(record) is None
    assert cache.principal(other) is not None  # another key's principal is untouched
    clock.now += 1
    reloaded = _principal(record)
    cache.put_principal(record, reloaded, clock())  # loaded after the change: trusted
    assert cache.principal(record) is reloaded


def test_dropping_everything_ends_principals_held_outside_the_cache() -> None:
    """A record a caller kept (an MCP stdio session keeps its key's) is no longer in the map
    the drop clears: its principal must not be trusted after it either."""
    cache, clock = _cache_with_clock()
    record = _record()
    cache.put_record("rk_key", record, clock())
    cache.put_principal(record, _principal(record), clock())
    cache.drop([ALL_PRINCIPALS])
    assert cache.record("rk_key") is None
    assert cache.principal(record) is None


def _count_calls(monkeypatch: pytest.MonkeyPatch, method: str) -> list[uuid.UUID]:
    """The key ids ``KeyAuthenticator.<method>`` is called for, from now on."""
    seen: list[uuid.UUID] = []
    original = getattr(KeyAuthenticator, method)

    async def counted(self: KeyAuthenticator, record: KeyRecord) -> Principal:
        seen.append(record.id)
        principal: Principal = await original(self, record)
        return principal

    monkeypatch.setattr(KeyAuthenticator, method, counted)
    return seen


async def test_a_repeated_key_loads_its_principal_once_and_names_the_actor(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    created = await create_key(client, admin, ["products:list"])
    loads = _count_calls(monkeypatch, "principal")
    for style in ("x-api-key", "bearer", "x-api-key"):
        me = await client.get("/api/auth/me", headers=with_key(created["key"], style=style))
        assert me.status_code == 200 and me.json()["email"] == "admin@example.com", me.text
        assert me.json()["permissions"] == ["products:list"]
    assert loads == [uuid.UUID(created["id"])]  # the first request's guard; then none
    # A later request's context (made by the middleware) names the actor and the key.
    denied = await client.get("/api/admin/api-keys", headers=with_key(created["key"]))
    assert denied.status_code == 403, denied.text
    assert len(loads) == 1
    async with app.platform.db.read_session(all_tenants=True) as session:
        entry = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "authz.denied"))
        ).one()
    assert entry.details["api_key_id"] == created["id"]
    assert str(entry.actor_id) == admin["user"]["id"]  # type: ignore[index]


async def test_an_expired_key_is_refused_though_its_principal_is_cached(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    created = await create_key(client, admin, ["products:list"], expires_at=soon)
    assert (await client.get("/api/auth/me", headers=with_key(created["key"]))).status_code == 200
    record = app.auth.keys.cache.record(created["key"])
    assert record is not None and app.auth.keys.cache.principal(record) is not None
    object.__setattr__(record, "expires_at", dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    expired = await client.get("/api/auth/me", headers=with_key(created["key"]))
    assert expired.status_code == 401 and expired.json()["code"] == "API_KEY_EXPIRED"


async def test_requests_that_miss_one_key_together_share_one_load(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a key's entries end (the TTL), the requests in flight then share one lookup of
    its row and one load of its principal, instead of one each."""
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    created = await create_key(client, admin, ["products:list"])
    principal_loads = _count_calls(monkeypatch, "_load_principal")
    with count_queries(app.platform.db) as queries:
        answers = await asyncio.gather(
            *(client.get("/api/auth/me", headers=with_key(created["key"])) for _ in range(20))
        )
    assert [a.status_code for a in answers] == [200] * 20
    assert {a.json()["email"] for a in answers} == {"admin@example.com"}
    assert len([q for q in queries.statements if "FROM api_keys" in q]) == 1
    assert principal_loads == [uuid.UUID(created["id"])]


async def test_a_repeated_key_is_verified_without_awaiting_and_still_refused_when_revoked(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After its first request, a key's record comes from ``verify_cached`` (no coroutine,
    no lookup); a revocation seen on the cached record still answers 401 at once."""
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    created = await create_key(client, admin, ["products:list"])
    awaited: list[str] = []
    original = KeyAuthenticator.verify

    async def verify(self: KeyAuthenticator, key: str) -> KeyRecord:
        awaited.append(key)
        return await original(self, key)

    monkeypatch.setattr(KeyAuthenticator, "verify", verify)
    for _ in range(3):
        me = await client.get("/api/auth/me", headers=with_key(created["key"]))
        assert me.status_code == 200 and me.json()["email"] == "admin@example.com", me.text
    assert len(awaited) == 1  # the first request loaded the row; the others did not await
    usage = app.auth.keys.usage
    assert usage.pending == 1  # every request noted the use, the cached ones too
    record = app.auth.keys.cache.record(created["key"])
    assert record is not None
    object.__setattr__(record, "revoked_at", dt.datetime.now(dt.UTC))
    revoked = await client.get("/api/auth/me", headers=with_key(created["key"]))
    assert revoked.status_code == 401 and revoked.json()["code"] == "API_KEY_REVOKED"
    assert len(awaited) == 1
