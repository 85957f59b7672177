"""One built Litestar app serves whichever platform is bound to it (``bind_platform``): its
routes, its lifespan and its handlers use that platform, not the one it was built with."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from rustok.api.app import bind_platform, build_litestar
from rustok.bootstrap import bootstrap
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.tenancy.models import DEFAULT_TENANT_ID, Tenant
from tests.conftest import make_settings, serve_app
from tests.lifespan import LifespanManager


async def test_a_built_app_serves_the_platform_bound_to_it(
    settings: Settings, platform: Platform, empty_db_url: str, tmp_path: Path
) -> None:
    litestar = build_litestar(settings, platform)
    async with serve_app(bind_platform(litestar, platform)) as client:
        assert (await client.get("/api/tenant")).json()["name"] == "Default"

    renamed = bootstrap(settings)
    async with renamed.db.writer(), renamed.db.write_engine.begin() as conn:
        await conn.execute(update(Tenant).where(Tenant.id == DEFAULT_TENANT_ID).values(name="Two"))
    async with serve_app(bind_platform(litestar, renamed)) as client:
        assert (await client.get("/api/tenant")).json()["name"] == "Two"

    # The lifespan checks the bound platform's schema: an empty database is refused.
    unmigrated = bootstrap(make_settings(empty_db_url, tmp_path / "empty"))
    try:
        with pytest.raises(RuntimeError, match="lifespan"):
            async with LifespanManager(bind_platform(litestar, unmigrated)):
                pass
    finally:
        await unmigrated.aclose()
