"""A key's pass (api/key_passes.py) stands for its record, tenant and principal only while
nothing changed, for a second at most and never past the TTL of what it holds; over HTTP a
revocation ends it at once (a creator's demotion and the tenant's changes: the revocation and
tenancy tests, which go through passes too)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.api.key_passes import MAX_PASSES, PASS_SECONDS, KeyPasses
from rustok.auth.api_keys.authenticator import KeyAuthenticator
from rustok.auth.api_keys.cache import KeyCache, KeyRecord
from rustok.core.cache import LoadingCache
from rustok.core.context import TenantRef
from rustok.rbac.principal import Principal
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.keys import create_key, with_key
from tests.auth.test_api_key_cache import _cache_with_clock, _Clock, _principal, _record


def _passes() -> tuple[KeyPasses, KeyCache, LoadingCache[str, TenantRef], _Clock]:
    cache, clock = _cache_with_clock()
    keys = KeyAuthenticator.__new__(KeyAuthenticator)  # only its cache is read
    keys.cache = cache
    tenants: LoadingCache[str, TenantRef] = LoadingCache(
        capacity=10, ttl=300, tti=180, negative_ttl=60
    )
    return KeyPasses(keys, tenants), cache, tenants, clock


def _held(cache: KeyCache, loaded_at: float) -> tuple[str, KeyRecord, TenantRef, Principal]:
    record = _record()
    cache.put_record("rk_k", record, loaded_at)
    principal = _principal(record)
    cache.put_principal(record, principal, loaded_at)
    return "rk_k", record, TenantRef(id=record.tenant_id, slug="t", name="T"), principal


def test_a_pass_lasts_a_second_and_ends_with_any_change() -> None:
    passes, cache, tenants, clock = _passes()
    key, record, tenant, principal = _held(cache, clock.now)
    seen = passes.epochs()
    passes.put(key, record, tenant, principal, seen)
    found = passes.get(key)
    assert found is not None and found.record is record and found.acting is principal
    clock.now += PASS_SECONDS
    assert passes.get(key) is None  # a second at most
    passes.put(key, record, tenant, principal, passes.epochs())
    cache.drop([f"principals-of:{uuid.uuid4()}"])  # any change to any key or creator
    assert passes.get(key) is None
    passes.put(key, record, tenant, principal, passes.epochs())
    tenants.invalidate("id:whatever")  # any tenant change
    assert passes.get(key) is None


def test_a_pass_built_across_a_change_is_never_used() -> None:
    passes, cache, _, clock = _passes()
    key, record, tenant, principal = _held(cache, clock.now)
    seen = passes.epochs()  # read before the parts were found ...
    cache.drop([f"session:{uuid.uuid4()}"])  # ... then something changed meanwhile
    passes.put(key, record, tenant, principal, seen)
    assert passes.get(key) is None


def test_a_pass_never_outlives_the_ttl_of_what_it_holds() -> None:
    passes, cache, _, clock = _passes()
    key, record, tenant, principal = _held(cache, clock.now - cache.ttl + 0.25)
    passes.put(key, record, tenant, principal, passes.epochs())
    assert passes.get(key) is not None
    clock.now += 0.25
    assert passes.get(key) is None  # its principal's TTL, before the pass's second
    key, record, tenant, principal = _held(cache, clock.now - cache.ttl - 1)
    passes.put(key, record, tenant, principal, passes.epochs())
    assert len(passes) == 0  # already past it: not kept


def test_passes_are_bounded() -> None:
    passes, cache, _, clock = _passes()
    key, record, tenant, principal = _held(cache, clock.now)
    seen = passes.epochs()
    for n in range(MAX_PASSES):
        cache.put_record(f"rk_{n}", record, clock.now)
        passes.put(f"rk_{n}", record, tenant, principal, seen)
    assert len(passes) == MAX_PASSES
    passes.put(key, record, tenant, principal, seen)
    assert len(passes) == 1


async def test_over_http_a_revocation_ends_a_pass_at_once(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    created = await create_key(client, admin, ["products:list", "products:create"])
    looked_up: list[str] = []
    original = KeyAuthenticator.verify_cached

    def verify_cached(self: KeyAuthenticator, key: str) -> object:
        looked_up.append(key)
        return original(self, key)

    monkeypatch.setattr(KeyAuthenticator, "verify_cached", verify_cached)
    for _ in range(4):
        me = await client.get("/api/auth/me", headers=with_key(created["key"]))
        assert me.status_code == 200, me.text
        assert me.json()["permissions"] == ["products:create", "products:list"]
    assert len(looked_up) == 2  # the third and fourth request came through the pass
    revoked = await client.delete(f"/api/admin/api-keys/{created['id']}", headers=bearer(admin))
    assert revoked.status_code in (200, 204), revoked.text
    refused = await client.get("/api/auth/me", headers=with_key(created["key"]))
    assert refused.status_code == 401 and refused.json()["code"] == "API_KEY_REVOKED"
