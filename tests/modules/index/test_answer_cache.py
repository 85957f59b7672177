"""The storefront answer cache (issue 13): never older than the read model after a commit on
any app instance of the host, across instances through Redis, per tenant, ETag/304."""

from __future__ import annotations

import asyncio
import random
import uuid
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, cast

import httpx
import msgspec
import pytest

from rustok.api.app import RustokApp
from rustok.bootstrap import bootstrap
from rustok.core.context import TenantRef
from rustok.core.settings import Settings
from rustok.modules.index.queries import ProductFilter
from rustok.modules.index.schemas import product_detail
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import tenant_ref
from tests.conftest import make_settings, outbox_settled, serve_app
from tests.modules.index import orm_reads
from tests.modules.index.instances import default_tenant, fresh_within, instance
from tests.modules.index.support import count_statements, product, write
from tests.services import Service

LIST = "/api/store/products?limit=50"


async def _truth(app: RustokApp, tenant: TenantRef, handle: str) -> tuple[bytes, bytes | None]:
    """What the read model says now, read through the ORM (no cache): the list, the detail."""
    from rustok.core.context import RequestContext, use_context

    with use_context(RequestContext(tenant=tenant)):
        async with app.platform.db.read_session() as session:
            page = await orm_reads.list_products(session, tenant, None, ProductFilter(limit=50))
            row = await orm_reads.product_by_handle(session, tenant, None, handle)
    detail = msgspec.json.encode(product_detail(cast(Any, row), "USD")) if row is not None else None
    return msgspec.json.encode(page), detail


async def test_after_every_write_the_next_read_on_any_instance_is_current(
    tmp_path: Path, db_url: str
) -> None:
    rng = random.Random(13)
    # Two instances (workers) of one host: one database, one data directory.
    settings = make_settings(db_url, tmp_path, rate_limit="0")
    async with instance(settings) as (app, client), instance(settings) as (other, other_client):
        tenant = await default_tenant(app)
        apps = [(app, client), (other, other_client)]
        for step in range(40):
            n = rng.randrange(6)
            writer, _ = rng.choice(apps)
            choice = rng.random()
            if choice < 0.6:
                doc = product(f"Thing {n} v{step}", n, price=rng.randrange(100, 900))
            else:  # unpublished: gone from the storefront
                doc = product(f"Thing {n} v{step}", n, published=False)
            await write(writer.platform, tenant, doc)
            listed, detail = await _truth(app, tenant, f"item-{n}")
            # Both instances, twice each: a read right after the write, then a cached one.
            for _, reader in [*apps, *apps]:
                response = await reader.get(LIST)
                assert response.content == listed, (step, response.text)
                response = await reader.get(f"/api/store/products/item-{n}")
                if detail is None:
                    assert response.status_code == 404, step
                else:
                    assert response.content == detail, step


async def test_repeated_reads_are_answered_from_the_cache(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    tenant = await default_tenant(app)
    await write(app.platform, tenant, *(product(f"Thing {n}", n) for n in range(3)))
    await outbox_settled(app.platform)  # tenant events handled: the tenant cache stays warm
    first = await client.get(LIST)
    with count_statements(app.platform) as counted:
        again = await client.get(LIST)
    assert counted.counts == (0, 0)
    assert again.content == first.content
    await write(app.platform, tenant, product("Thing 0 renamed", 0))
    with count_statements(app.platform) as counted:
        fresh = await client.get(LIST)
    assert counted.counts == (1, 0), counted.orm
    assert b"Thing 0 renamed" in fresh.content


async def test_a_tenants_writes_never_touch_another_tenants_answers(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    default = await default_tenant(app)
    shop = tenant_ref(await app.tenancy.tenants().create(TenantCreate(slug="shop", name="Shop")))
    shop = await app.tenancy.directory.by_id(shop.id) or shop
    await write(app.platform, default, product("Default lamp", 1))
    await write(app.platform, shop, product("Shop lamp", 1, product_id=uuid.uuid4()))
    headers = {"X-Tenant-ID": "shop"}
    # The same request for two tenants: two answers, each the tenant's own.
    mine = await client.get("/api/store/products/item-1")
    theirs = await client.get("/api/store/products/item-1", headers=headers)
    assert mine.json()["title"] == "Default lamp" and theirs.json()["title"] == "Shop lamp"
    # The default tenant writes: the shop's cached answers stay (no read) and stay its own.
    await write(app.platform, default, product("Default lamp v2", 1))
    with count_statements(app.platform) as counted:
        again = await client.get("/api/store/products/item-1", headers=headers)
    assert counted.counts == (0, 0)
    assert again.content == theirs.content
    assert (await client.get("/api/store/products/item-1")).json()["title"] == "Default lamp v2"
    assert (await client.get(LIST, headers=headers)).json()["items"][0]["title"] == "Shop lamp"


async def test_an_answer_sent_from_the_cache_has_every_header_of_a_json_answer(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    """Cached answers are sent as encoded once (``answers.py``), not through Litestar's
    ``Response``: the same headers, the outer layers' ones too, a fresh request id each."""
    await write(app.platform, await default_tenant(app), product("Lamp", 1))
    first = await client.get("/api/store/products/item-1")
    second = await client.get("/api/store/products/item-1")
    assert second.content == first.content
    for answer in (first, second):
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["content-length"] == str(len(first.content))
        assert answer.headers["etag"] == first.headers["etag"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert len(answer.headers.get_list("x-request-id")) == 1
        assert len(answer.headers.get_list("etag")) == 1
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert sorted(second.headers.keys()) == sorted(first.headers.keys())
    unchanged = await client.get(
        "/api/store/products/item-1", headers={"If-None-Match": first.headers["etag"]}
    )
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert "content-type" not in unchanged.headers
    assert unchanged.headers["vary"] == "Accept-Language, X-Tenant-ID"


async def test_etag_answers_304_and_cache_control_follows_the_settings(
    tmp_path: Path, db_url: str
) -> None:
    settings = make_settings(db_url, tmp_path, storefront_max_age=30,
                             storefront_stale_while_revalidate=120)  # fmt: skip
    async with instance(settings) as (app, client):
        tenant = await default_tenant(app)
        await write(app.platform, tenant, product("Lamp", 1))
        first = await client.get("/api/store/products/item-1")
        etag = first.headers["etag"]
        assert first.headers["cache-control"] == "public, max-age=30, stale-while-revalidate=120"
        assert first.headers["vary"] == "Accept-Language, X-Tenant-ID"
        same = await client.get("/api/store/products/item-1", headers={"If-None-Match": etag})
        assert (same.status_code, same.content, same.headers["etag"]) == (304, b"", etag)
        listed = await client.get(LIST, headers={"If-None-Match": f'W/{etag}, "other"'})
        assert listed.status_code == 200  # another answer, another tag
        await write(app.platform, tenant, product("Lamp v2", 1))
        changed = await client.get("/api/store/products/item-1", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag
        assert changed.json()["title"] == "Lamp v2"
    async with instance(make_settings(db_url, tmp_path)) as (_, client):
        default = await client.get("/api/store/products/item-1")
        assert default.headers["cache-control"] == "no-cache"


async def test_cache_off_reads_every_time(tmp_path: Path, db_url: str) -> None:
    async with instance(make_settings(db_url, tmp_path, storefront_cache_size=0)) as (app, client):
        tenant = await default_tenant(app)
        await write(app.platform, tenant, product("Lamp", 1))
        await outbox_settled(app.platform)
        await client.get(LIST)
        with count_statements(app.platform) as counted:
            await client.get(LIST)
        assert counted.counts == (1, 0), counted.orm


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # SQLite has one host
async def test_redis_tells_other_instances(
    tmp_path: Path, db_url: str, redis_service: Service
) -> None:
    """Two instances on two hosts (own data dirs), not listening on PostgreSQL: only Redis
    can tell the second one, and its TTL is an hour, so a fresh answer there came through
    Redis."""

    def host(name: str, redis: str | None) -> Settings:
        return make_settings(
            db_url, tmp_path / name, redis_url=redis, storefront_cache_ttl=3600,
            storefront_cache_listen=False,
        )  # fmt: skip

    for redis in (redis_service.url, None):
        async with AsyncExitStack() as stack:
            first, _ = await stack.enter_async_context(instance(host("a", redis)))
            second, second_client = await stack.enter_async_context(instance(host("b", redis)))
            for app in (first, second):
                assert await app.platform.invalidation.wait_subscribed(10) or redis is None
            tenant = await default_tenant(first)
            title = f"Lamp via {'redis' if redis else 'nothing'}"
            await write(first.platform, tenant, product("Lamp", 1))
            assert await fresh_within(second_client, "Lamp", 1)  # cached on the second host
            await write(first.platform, tenant, product(title, 1))
            told = await fresh_within(second_client, title, 5)
            assert told is (redis is not None), redis


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # SQLite has one host
async def test_without_redis_another_hosts_answers_live_at_most_the_ttl(
    tmp_path: Path, db_url: str
) -> None:
    """Another host (own data dir, no Redis, not listening) is never told; its TTL bounds
    the staleness."""

    def host(name: str) -> Settings:
        return make_settings(
            db_url, tmp_path / name, storefront_cache_ttl=0.5, storefront_cache_listen=False
        )

    async with AsyncExitStack() as stack:
        first, _ = await stack.enter_async_context(instance(host("a")))
        _, second_client = await stack.enter_async_context(instance(host("b")))
        tenant = await default_tenant(first)
        await write(first.platform, tenant, product("Lamp", 1))
        assert await fresh_within(second_client, "Lamp", 1)  # cached on the second host
        await write(first.platform, tenant, product("Lamp after the TTL", 1))
        assert await fresh_within(second_client, "Lamp after the TTL", 10)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_on_sqlite_every_writer_of_the_file_is_seen_at_once_and_answers_outlive_the_ttl(
    tmp_path: Path, db_url: str
) -> None:
    """A SQLite file is written on one host: its versions file lies beside it, so an
    instance with another data directory (and no Redis) still tells this one at once, and
    an answer needs no time bound (it is kept past the TTL, read by no statement)."""

    def host(name: str) -> Settings:
        return make_settings(db_url, tmp_path / name, storefront_cache_ttl=0.2)

    async with AsyncExitStack() as stack:
        first, _ = await stack.enter_async_context(instance(host("a")))
        second, second_client = await stack.enter_async_context(instance(host("b")))
        tenant = await default_tenant(first)
        await write(first.platform, tenant, product("Lamp", 1))
        await outbox_settled(second.platform)
        assert (await second_client.get("/api/store/products/item-1")).json()["title"] == "Lamp"
        await asyncio.sleep(0.5)  # well past the TTL
        with count_statements(second.platform) as counted:
            kept = await second_client.get("/api/store/products/item-1")
        assert (kept.json()["title"], counted.counts) == ("Lamp", (0, 0))
        await write(first.platform, tenant, product("Lamp from the other data dir", 1))
        fresh = await second_client.get("/api/store/products/item-1")
        assert fresh.json()["title"] == "Lamp from the other data dir"


async def test_a_rebound_app_never_answers_from_the_previous_platforms_cache(
    tmp_path: Path, db_url: str
) -> None:
    """The tests lend one built app to each test's fresh platform (``tests/apps.py``). The
    answer cache belongs to the platform, not the app: the second platform's answer is its
    own even though its tenant, request and version (one write each) equal the first's."""
    from tests.apps import BuiltApps

    built = BuiltApps()
    for n, title in enumerate(("Lamp of the first test", "Lamp of the second test")):
        settings = make_settings(db_url, tmp_path / f"test-{n}")
        platform = bootstrap(settings)
        try:
            app = built.bind(settings, platform)
            async with serve_app(app) as client:
                await write(platform, await default_tenant(app), product(title, 1))
                for _ in range(2):  # the second from the cache
                    response = await client.get("/api/store/products/item-1")
                    assert response.json()["title"] == title, n
        finally:
            await platform.aclose()
            built.release()
    assert built.builds == 1
