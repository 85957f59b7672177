"""Per-key rate limits and last-used time and address (K-2): a key has its own budget (the
general limit by default); made-up keys count against the client address; usage is noted in
memory and written in batches, never once per request."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from rustok.auth.api_keys.keys import mint_key
from rustok.auth.api_keys.models import ApiKey
from rustok.bootstrap import bootstrap
from rustok.core.settings import Settings
from tests.apps import MakeApp
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.keys import create_key, with_key
from tests.conftest import count_queries, make_settings, serve_app


def _settings(db_url: str, tmp_path: Path, **overrides: str) -> Settings:
    return make_settings(db_url, tmp_path, login_ip_rate_limit="1000/minute", **overrides)


async def test_each_key_has_its_own_limit(db_url: str, tmp_path: Path, make_app: MakeApp) -> None:
    settings = _settings(db_url, tmp_path, rate_limit="1000/minute", api_key_rate_limit="3/minute")
    platform = bootstrap(settings, modules=[])
    try:
        async with serve_app(make_app(settings, platform)) as client:
            await make_user(platform, "admin@example.com", "admin")
            admin = await sign_in(client, "admin@example.com")
            first = (await create_key(client, admin, ["users:list"], name="a"))["key"]
            second = (await create_key(client, admin, ["users:list"], name="b"))["key"]
            codes = [
                (await client.get("/api/auth/me", headers=with_key(first))).status_code
                for _ in range(6)
            ]
            # The first request verified the key (counted by address), then 3 per minute.
            assert codes == [200, 200, 200, 200, 429, 429]
            refused = await client.get("/api/auth/me", headers=with_key(first))
            assert refused.json()["code"] == "RATE_LIMITED"
            assert refused.headers["ratelimit-limit"] == "3" and "retry-after" in refused.headers
            assert (await client.get("/api/auth/me", headers=with_key(second))).status_code == 200
            assert (await client.get("/api/auth/me", headers=bearer(admin))).status_code == 200
            ok = await client.get("/api/auth/me", headers=with_key(second))
            assert ok.headers["ratelimit-limit"] == "3"
    finally:
        await platform.aclose()


async def test_made_up_keys_count_against_the_address(
    db_url: str, tmp_path: Path, make_app: MakeApp
) -> None:
    settings = _settings(db_url, tmp_path, rate_limit="5/minute")
    platform = bootstrap(settings, modules=[])
    try:
        async with serve_app(make_app(settings, platform)) as client:
            codes = []
            for _ in range(7):
                forged, _ = mint_key()
                response = await client.get("/api/auth/me", headers=with_key(forged))
                codes.append(response.json()["code"])
            assert codes == ["INVALID_API_KEY"] * 5 + ["RATE_LIMITED"] * 2
    finally:
        await platform.aclose()


async def test_last_use_is_written_in_a_batch(
    db_url: str, tmp_path: Path, make_app: MakeApp
) -> None:
    settings = _settings(db_url, tmp_path)
    platform = bootstrap(settings, modules=[])
    app = make_app(settings, platform)
    try:
        async with serve_app(app, client_ip="203.0.113.7") as client:
            await make_user(platform, "admin@example.com", "admin")
            admin = await sign_in(client, "admin@example.com")
            created = await create_key(client, admin, ["users:list"])
            assert (await client.get("/api/auth/me", headers=with_key(created["key"]))).is_success
            with count_queries(platform.db) as queries:
                for _ in range(5):
                    response = await client.get("/api/auth/me", headers=with_key(created["key"]))
                    assert response.status_code == 200
            assert not [s for s in queries.statements if "api_keys" in s]  # no write per request
            async with platform.db.read_session(all_tenants=True) as session:
                row = (await session.scalars(select(ApiKey))).one()
                assert row.last_used_at is None  # not yet written

            with count_queries(platform.db) as queries:
                assert await app.auth.keys.usage.flush() == 1
            assert len([s for s in queries.statements if s.startswith("UPDATE api_keys")]) == 1
            async with platform.db.read_session(all_tenants=True) as session:
                row = (await session.scalars(select(ApiKey))).one()
            assert row.last_used_at is not None and row.last_used_ip == "203.0.113.7"
            assert await app.auth.keys.usage.flush() == 0  # nothing new: no write
            listed = await client.get("/api/admin/api-keys", headers=bearer(admin))
            assert listed.json()["items"][0]["last_used_ip"] == "203.0.113.7"
    finally:
        await platform.aclose()


async def test_usage_noted_before_shutdown_is_written_at_shutdown(
    db_url: str, tmp_path: Path, make_app: MakeApp
) -> None:
    settings = _settings(db_url, tmp_path)
    platform = bootstrap(settings, modules=[])
    try:
        async with serve_app(make_app(settings, platform)) as client:
            await make_user(platform, "admin@example.com", "admin")
            admin = await sign_in(client, "admin@example.com")
            created = await create_key(client, admin, ["users:list"])
            assert (await client.get("/api/auth/me", headers=with_key(created["key"]))).is_success
        async with platform.db.read_session(all_tenants=True) as session:
            row = (await session.scalars(select(ApiKey))).one()
        assert row.last_used_at is not None and row.last_used_ip == "127.0.0.1"
    finally:
        await platform.aclose()
