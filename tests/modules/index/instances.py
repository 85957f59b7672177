"""App instances sharing one database, for the answer-cache tests: another worker of the host
(same data directory) or another host (its own)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from rustok.core.context import DEFAULT_TENANT_ID, TenantRef
from rustok.core.settings import Settings
from tests.conftest import serve_app


@asynccontextmanager
async def instance(settings: Settings) -> AsyncIterator[tuple[RustokApp, httpx.AsyncClient]]:
    """Another app instance on the same database and these settings."""
    platform = bootstrap(settings)
    try:
        app = create_app(settings, platform=platform)
        async with serve_app(app) as client:
            yield app, client
    finally:
        await platform.aclose()


async def default_tenant(app: RustokApp) -> TenantRef:
    tenant = await app.tenancy.directory.by_id(DEFAULT_TENANT_ID)
    assert tenant is not None
    return tenant


async def fresh_within(client: httpx.AsyncClient, title: str, seconds: float) -> bool:
    """Whether ``item-1`` shows ``title`` within ``seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if (await client.get("/api/store/products/item-1")).json()["title"] == title:
            return True
        await asyncio.sleep(0.01)
    return False
