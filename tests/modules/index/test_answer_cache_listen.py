"""On PostgreSQL the answer cache hears other hosts' read-model commits through ``LISTEN``
(``RUSTOK_STOREFRONT_CACHE_LISTEN``, issue 13): told at once without Redis, so answers need
no TTL; while not listening answers live at most the TTL; a reconnect voids what was stored
before it; the ``NOTIFY`` is part of the transaction."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from rustok.core.db import pg_listen
from rustok.core.invalidation import InvalidationBus
from rustok.core.read_cache import (
    NOTIFY_CHANNEL,
    NOTIFY_TENANTS,
    ReadCache,
    ReadModelChanges,
    ReadModelListener,
    mark_changed,
)
from rustok.core.read_versions import ReadVersions
from rustok.core.settings import Settings
from rustok.modules.index.index_runtime import StorefrontRuntime, storefront
from tests.conftest import make_settings
from tests.modules.index.instances import default_tenant, fresh_within, instance
from tests.modules.index.support import count_statements, product, write

ON_POSTGRES = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def _host(db_url: str, tmp_path: Path, name: str) -> Settings:
    """Its own data directory (another host), no Redis, and a TTL no test waits for."""
    return make_settings(db_url, tmp_path / name, storefront_cache_ttl=3600)


async def _listening(runtime: StorefrontRuntime, generation: int = 1) -> None:
    assert runtime.listener is not None
    channel = runtime.listener.channel
    for _ in range(500):
        if channel.listening and channel.generation >= generation:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not listening (generation {channel.generation})")


def _dsn(db_url: str) -> str:
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


@ON_POSTGRES
async def test_another_host_is_told_at_once_without_redis(tmp_path: Path, db_url: str) -> None:
    async with AsyncExitStack() as stack:
        first, _ = await stack.enter_async_context(instance(_host(db_url, tmp_path, "a")))
        second, client = await stack.enter_async_context(instance(_host(db_url, tmp_path, "b")))
        tenant = await default_tenant(first)
        await write(first.platform, tenant, product("Lamp", 1))
        assert await fresh_within(client, "Lamp", 5)
        await _listening(storefront(second.platform))
        await client.get("/api/store/products/item-1")  # kept now that it listens
        with count_statements(second.platform) as counted:
            await client.get("/api/store/products/item-1")
        assert counted.counts == (0, 0)  # answered from the cache
        await write(first.platform, tenant, product("Lamp, told by NOTIFY", 1))
        assert await fresh_within(client, "Lamp, told by NOTIFY", 5)  # the TTL is an hour


@ON_POSTGRES
async def test_while_not_listening_answers_live_at_most_the_ttl(
    tmp_path: Path, db_url: str
) -> None:
    async with AsyncExitStack() as stack:
        first, _ = await stack.enter_async_context(instance(_host(db_url, tmp_path, "a")))
        settings = make_settings(db_url, tmp_path / "b", storefront_cache_ttl=0.3)
        second, client = await stack.enter_async_context(instance(settings))
        await write(first.platform, await default_tenant(first), product("Lamp", 1))
        assert await fresh_within(client, "Lamp", 5)
        runtime = storefront(second.platform)
        await _listening(runtime)
        assert runtime.listener is not None
        await asyncio.sleep(0.4)  # what was kept before it listened is past the TTL now
        await client.get("/api/store/products/item-1")  # kept now that it listens
        await asyncio.sleep(0.5)
        with count_statements(second.platform) as counted:
            await client.get("/api/store/products/item-1")
        assert counted.counts == (0, 0)  # past the TTL, yet heard: kept
        runtime.listener.channel.listening = False  # as while its connection is down
        with count_statements(second.platform) as counted:
            assert (await client.get("/api/store/products/item-1")).json()["title"] == "Lamp"
        assert counted.counts[0] == 1  # past the TTL and not heard: read again


@ON_POSTGRES
async def test_a_reconnect_voids_the_answers_stored_before_it(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_listen, "RECONNECT_DELAYS", (0.5,))  # time to write meanwhile
    async with AsyncExitStack() as stack:
        first, _ = await stack.enter_async_context(instance(_host(db_url, tmp_path, "a")))
        second, client = await stack.enter_async_context(instance(_host(db_url, tmp_path, "b")))
        tenant = await default_tenant(first)
        await write(first.platform, tenant, product("Lamp", 1))
        assert await fresh_within(client, "Lamp", 5)
        runtime = storefront(second.platform)
        await _listening(runtime)
        assert runtime.listener is not None
        await client.get("/api/store/products/item-1")  # kept now that it listens

        conn = await asyncpg.connect(_dsn(db_url))
        try:
            ended = await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = $1", f"rustok listen {NOTIFY_CHANNEL}",
            )  # fmt: skip
        finally:
            await conn.close()
        assert ended == 1  # the second host's (the first has served no storefront read)
        for _ in range(500):
            if not runtime.listener.channel.listening:
                break
            await asyncio.sleep(0.01)
        # Committed while the second host's listener is down: it hears nothing of it.
        await write(first.platform, tenant, product("Lamp, written while nobody listened", 1))
        await _listening(runtime, generation=2)
        title = (await client.get("/api/store/products/item-1")).json()["title"]
        assert title == "Lamp, written while nobody listened"


@ON_POSTGRES
async def test_the_notification_is_sent_at_commit_only(tmp_path: Path, db_url: str) -> None:
    heard: asyncio.Queue[str] = asyncio.Queue()
    conn = await asyncpg.connect(_dsn(db_url))
    await conn.add_listener(NOTIFY_CHANNEL, lambda *args: heard.put_nowait(args[3]))
    try:
        async with instance(_host(db_url, tmp_path, "a")) as (app, _):
            tenant = await default_tenant(app)
            versions = ReadVersions(tmp_path / "a")
            async with app.platform.uow() as uow:  # marked, then rolled back: nothing sent
                mark_changed(uow.session, tenant.id)
                await uow.session.execute(text("SELECT 1"))
                await uow.rollback()
            await write(app.platform, tenant, product("Lamp", 1))
            payload = await asyncio.wait_for(heard.get(), 5)
            assert payload == f"{versions.host_id} {tenant.id.hex}"
            await asyncio.sleep(0.2)
            assert heard.empty()
    finally:
        await conn.close()


def test_many_tenants_are_told_in_payloads_postgresql_takes(tmp_path: Path) -> None:
    versions = ReadVersions(tmp_path)
    tenants = {uuid.uuid4() for _ in range(2 * NOTIFY_TENANTS + 50)}
    payloads = ReadModelChanges(versions, InvalidationBus(None), notify=True).notifications(tenants)
    assert len(payloads) == 3
    assert all(len(p.encode()) < 8000 for p in payloads)
    assert all(p.split()[0] == versions.host_id for p in payloads)
    told = [uuid.UUID(hex=t) for p in payloads for t in p.split()[1:]]
    assert sorted(told) == sorted(tenants)


def test_a_listener_ignores_its_own_host_and_what_is_not_a_tenant(tmp_path: Path) -> None:
    versions = ReadVersions(tmp_path)
    listener = ReadModelListener("postgresql://nowhere/db", versions.host_id)
    cache = ReadCache(versions, InvalidationBus(None), size=1 << 20, ttl=None, listener=listener)
    tenant = uuid.uuid4()
    listener.channel.listening = True
    before = cache.version(tenant)
    for payload in ("", f"{versions.host_id} {tenant.hex}", "otherhost not-a-uuid", "   "):
        listener._heard(payload)
    assert cache.version(tenant) == before
    listener._heard(f"otherhost {tenant.hex} {uuid.uuid4().hex}")
    assert cache.version(tenant) != before
