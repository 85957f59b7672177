"""The resolver's no-await path (``resolve_cached``) answers exactly what ``resolve`` answers,
errors included, or nothing (then the request awaits ``resolve``)."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

import pytest

from rustok.bootstrap import bootstrap
from rustok.core.errors import RustokError
from rustok.tenancy.directory import _ID_KEYS, _ID_KEYS_MAX, id_key
from rustok.tenancy.models import DEFAULT_TENANT_ID
from rustok.tenancy.resolver import TenantResolver
from rustok.tenancy.tenancy_runtime import TenancyRuntime
from tests.conftest import make_settings
from tests.tenancy.test_identifiers import ATTACKS
from tests.tenancy.test_resolution import _disable, ensure_tenants

PATH = "/api/store/products"


async def _awaited(resolver: TenantResolver, headers: dict[str, str]) -> object:
    try:
        found = await resolver.resolve(PATH, headers, "127.0.0.1")
    except RustokError as exc:
        return (type(exc).__name__, exc.code, exc.detail)
    return (found.tenant.slug, found.path)


def _cached(resolver: TenantResolver, headers: dict[str, str]) -> object:
    try:
        found = resolver.resolve_cached(PATH, headers, "127.0.0.1")
    except RustokError as exc:
        return (type(exc).__name__, exc.code, exc.detail)
    return None if found is None else (found.tenant.slug, found.path)


async def test_header_mode_cached_answers_equal_awaited_ones(db_url: str, tmp_path: Path) -> None:
    platform = bootstrap(make_settings(db_url, tmp_path))
    try:
        await ensure_tenants(platform)
        await _disable(platform, "closed")
        resolver = TenancyRuntime.build(platform).resolver
        acme = await resolver.directory.by_slug("acme")
        assert acme is not None
        values = ["", "acme", "  ACME ", "globex", "closed", "nosuch", str(DEFAULT_TENANT_ID),
                  str(acme.id), str(uuid.uuid4()), "0A1B2C3D-0000-4000-8000-00000000000A",
                  "admin", *ATTACKS]  # fmt: skip
        for value in values:
            headers = {"x-tenant-id": value} if value else {}
            cold = _cached(resolver, headers)
            awaited = await _awaited(resolver, headers)
            warm = _cached(resolver, headers)
            # Before a load: nothing, or the same validation error before any lookup.
            assert cold is None or cold == awaited, value
            # After it: the same answer, a missing or disabled tenant's error included.
            assert warm == awaited, value
        assert _cached(resolver, {"x-tenant-id": "closed"})[:2] == (  # type: ignore[index]
            "TenantDisabled", "TENANT_DISABLED")  # fmt: skip
        assert _cached(resolver, {"x-tenant-id": "nosuch"})[:2] == (  # type: ignore[index]
            "TenantNotFound", "TENANT_NOT_FOUND")  # fmt: skip
        by_key = resolver.resolve_id_cached(acme.id, PATH)
        assert by_key is not None and by_key.tenant.slug == "acme"
        assert resolver.resolve_id_cached(uuid.uuid4(), PATH) is None  # unknown: awaited
    finally:
        await platform.aclose()


@pytest.mark.parametrize("mode", ["host", "subdomain", "path"])
async def test_other_modes_always_await(db_url: str, tmp_path: Path, mode: str) -> None:
    settings = make_settings(
        db_url, tmp_path, tenant_resolution=mode, tenant_base_domain="shop.test"
    )
    platform = bootstrap(settings)
    try:
        resolver = TenancyRuntime.build(platform).resolver
        headers = {"host": "shop.test"}
        # Warms the cache; no tenant has that host: a negative entry, still an answer held.
        with contextlib.suppress(RustokError):
            await resolver.resolve(PATH, headers, "127.0.0.1")
        assert resolver.resolve_cached(PATH, headers, "127.0.0.1") is None
    finally:
        await platform.aclose()


def test_tenant_id_keys_are_memoised_within_a_bound() -> None:
    tenant = uuid.uuid4()
    assert id_key(tenant) == f"id:{tenant}"
    assert id_key(uuid.UUID(str(tenant))) is id_key(tenant)
    for _ in range(_ID_KEYS_MAX + 5):
        id_key(uuid.uuid4())
    assert len(_ID_KEYS) <= _ID_KEYS_MAX
    assert id_key(tenant) == f"id:{tenant}"
