"""Tenant resolution in every mode (T-2, T-4), answered before routing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.bootstrap import bootstrap
from rustok.core.platform import Platform
from rustok.tenancy.errors import TenantNotFound
from rustok.tenancy.models import DEFAULT_TENANT_ID
from rustok.tenancy.schemas import TenantCreate, TenantUpdate
from rustok.tenancy.service import TenantService
from tests.apps import MakeApp
from tests.conftest import make_settings, outbox_settled, serve_app
from tests.probe_module import PROBE_MODULE
from tests.tenancy.test_identifiers import ATTACKS

Serve = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, Platform]]]


async def ensure_tenants(platform: Platform) -> None:
    service = TenantService(platform)
    for slug, domain in (("acme", "shop.acme.test"), ("globex", None), ("closed", None)):
        try:
            await service.get_by_slug(slug)
        except TenantNotFound:
            await service.create(TenantCreate(slug=slug, name=slug.title(), domain=domain))


@pytest.fixture
def serve(db_url: str, tmp_path: Path, make_app: MakeApp) -> Serve:
    @asynccontextmanager
    async def run(
        client_ip: str = "127.0.0.1", **overrides: Any
    ) -> AsyncIterator[tuple[httpx.AsyncClient, Platform]]:
        settings = make_settings(db_url, tmp_path, **overrides)
        platform = bootstrap(settings, modules=[PROBE_MODULE])
        await ensure_tenants(platform)
        app = make_app(settings, platform)
        async with serve_app(app, client_ip=client_ip) as client:
            yield client, platform

    return run


async def whoami(
    client: httpx.AsyncClient, path: str = "/api/probe/whoami", **headers: str
) -> httpx.Response:
    return await client.get(path, headers=headers)


def problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


async def _disable(platform: Platform, slug: str) -> None:
    service = TenantService(platform)
    tenant = await service.get_by_slug(slug)
    await service.update(tenant.id, TenantUpdate(is_active=False))


async def test_header_mode(serve: Serve) -> None:
    async with serve() as (client, platform):
        assert (await whoami(client)).json() == {"tenant": "default"}
        assert (await whoami(client, **{"X-Tenant-ID": "acme"})).json() == {"tenant": "acme"}
        assert (await whoami(client, **{"X-Tenant-ID": "  ACME "})).json() == {"tenant": "acme"}
        by_id = await whoami(client, **{"X-Tenant-ID": str(DEFAULT_TENANT_ID)})
        assert by_id.json() == {"tenant": "default"}
        problem(await whoami(client, **{"X-Tenant-ID": "nosuch"}), 404, "TENANT_NOT_FOUND")
        upper = "0A1B2C3D-0000-4000-8000-00000000000A"
        problem(await whoami(client, **{"X-Tenant-ID": upper}), 400, "INVALID_TENANT_IDENTIFIER")
        problem(await whoami(client, **{"X-Tenant-ID": "admin"}), 400, "INVALID_TENANT_IDENTIFIER")
        await _disable(platform, "closed")
        problem(await whoami(client, **{"X-Tenant-ID": "closed"}), 403, "TENANT_DISABLED")


async def test_errors_come_before_routing_and_on_graphql(serve: Serve) -> None:
    async with serve() as (client, _):
        # An unknown route under /api still gets the tenant error first.
        problem(
            await whoami(client, "/api/no/such/route", **{"X-Tenant-ID": "nosuch"}),
            404,
            "TENANT_NOT_FOUND",
        )
        response = await client.post(
            "/api/graphql", json={"query": "{ health }"}, headers={"X-Tenant-ID": "bad_slug"}
        )
        problem(response, 400, "INVALID_TENANT_IDENTIFIER")
        ok = await client.post(
            "/api/graphql",
            json={"query": "{ currentTenant { slug } }"},
            headers={"X-Tenant-ID": "acme"},
        )
        assert ok.json() == {"data": {"currentTenant": {"slug": "acme"}}}


async def test_tenant_free_paths_answer_without_a_tenant(serve: Serve) -> None:
    async with serve() as (client, _):
        for path in ("/health/live", "/health/ready", "/metrics", "/docs", "/api/openapi.json"):
            response = await client.get(path, headers={"X-Tenant-ID": "nosuch"})
            assert response.status_code == 200, path


@pytest.mark.parametrize("attack", ATTACKS[:11])
async def test_attack_identifiers_never_reach_the_database(serve: Serve, attack: str) -> None:
    from rustok.tenancy.directory import DB_LOADS

    async with serve() as (client, platform):
        await outbox_settled(platform)  # consumers load tenants too; let them finish first
        before = DB_LOADS._value.get()
        response = await client.get(
            "/api/probe/whoami", headers=[(b"X-Tenant-ID", attack.encode())]
        )
        problem(response, 400, "INVALID_TENANT_IDENTIFIER")
        assert DB_LOADS._value.get() == before


async def test_host_mode_with_trusted_and_untrusted_proxies(serve: Serve) -> None:
    async with serve(
        tenant_resolution="host", trusted_proxies=("10.0.0.0/8",), client_ip="10.1.2.3"
    ) as (client, _):
        assert (await whoami(client, Host="SHOP.acme.test:8443")).json() == {"tenant": "acme"}
        forwarded = await whoami(
            client, Host="proxy.internal", **{"X-Forwarded-Host": "shop.acme.test"}
        )
        assert forwarded.json() == {"tenant": "acme"}
        rfc = await whoami(
            client, Host="proxy.internal", Forwarded='for=1.2.3.4;host="shop.acme.test"'
        )
        assert rfc.json() == {"tenant": "acme"}
        problem(await whoami(client, Host="unknown.test"), 404, "TENANT_NOT_FOUND")
        problem(await whoami(client, Host="bad_host.test"), 400, "INVALID_TENANT_IDENTIFIER")
    async with serve(
        tenant_resolution="host", trusted_proxies=("10.0.0.0/8",), client_ip="203.0.113.9"
    ) as (client, _):
        # Not a trusted proxy: its forwarded host is ignored.
        spoofed = await whoami(client, Host="other.test", **{"X-Forwarded-Host": "shop.acme.test"})
        problem(spoofed, 404, "TENANT_NOT_FOUND")


async def test_subdomain_mode(serve: Serve) -> None:
    async with serve(tenant_resolution="subdomain", tenant_base_domain="rustok.test") as (
        client,
        _,
    ):
        assert (await whoami(client, Host="acme.rustok.test")).json() == {"tenant": "acme"}
        assert (await whoami(client, Host="rustok.test")).json() == {"tenant": "default"}
        problem(await whoami(client, Host="nosuch.rustok.test"), 404, "TENANT_NOT_FOUND")
        problem(await whoami(client, Host="acme.other.test"), 404, "TENANT_NOT_FOUND")
        problem(await whoami(client, Host="a.b.rustok.test"), 400, "INVALID_TENANT_IDENTIFIER")
        problem(await whoami(client, Host="api.rustok.test"), 400, "INVALID_TENANT_IDENTIFIER")


async def test_path_mode_strips_the_prefix(serve: Serve) -> None:
    async with serve(tenant_resolution="path") as (client, _):
        assert (await whoami(client, "/t/acme/api/probe/whoami")).json() == {"tenant": "acme"}
        assert (await whoami(client, "/api/probe/whoami")).json() == {"tenant": "default"}
        problem(await whoami(client, "/t/nosuch/api/probe/whoami"), 404, "TENANT_NOT_FOUND")
        problem(
            await whoami(client, "/t/%2e%2e/api/probe/whoami"), 400, "INVALID_TENANT_IDENTIFIER"
        )
        # The header is ignored in path mode.
        assert (await whoami(client, **{"X-Tenant-ID": "acme"})).json() == {"tenant": "default"}


async def test_disabled_mode_always_uses_the_default_tenant(serve: Serve) -> None:
    async with serve(tenant_resolution="disabled") as (client, _):
        assert (await whoami(client, **{"X-Tenant-ID": "acme"})).json() == {"tenant": "default"}
        assert (await whoami(client, Host="shop.acme.test")).json() == {"tenant": "default"}


async def test_single_flight_over_http(serve: Serve) -> None:
    import asyncio

    from rustok.tenancy.directory import DB_LOADS

    async with serve() as (client, platform):
        await outbox_settled(platform)  # consumers load tenants too; let them finish first
        before = DB_LOADS._value.get()
        responses = await asyncio.gather(
            *(whoami(client, **{"X-Tenant-ID": "globex"}) for _ in range(100))
        )
        assert {r.json()["tenant"] for r in responses} == {"globex"}
        assert DB_LOADS._value.get() - before == 1


async def test_current_tenant_endpoint(serve: Serve) -> None:
    async with serve() as (client, _):
        body = (await client.get("/api/tenant", headers={"X-Tenant-ID": "acme"})).json()
        assert body["slug"] == "acme"
        assert body["name"] == "Acme"
        assert body["modules"] == ["probe"]
        assert body["currency_code"] == "USD"
