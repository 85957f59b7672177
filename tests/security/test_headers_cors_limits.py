"""Security headers on every response, CORS, request rate limits, the audit log."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp, create_app
from rustok.audit.models import AuditEntry
from rustok.bootstrap import bootstrap
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import make_settings, serve_app
from tests.probe_module import PROBE_MODULE

REQUIRED = {
    "content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
    "permissions-policy",
}  # fmt: skip


@pytest.fixture
def test_modules() -> list[object]:
    return [PROBE_MODULE]


async def test_headers_on_every_kind_of_response(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get("/health/live"),
        await client.get("/nope"),  # router 404
        await client.get("/api/auth/me"),  # 401 from the guard
        await client.get("/api/probe/boom"),  # 500
        await client.get("/api/probe/whoami", headers={"X-Tenant-ID": "bad_slug"}),  # tenant 400
        await client.post("/api/graphql", json={"query": "{ health }"}),
        await client.get("/docs"),
    ]
    for response in responses:
        assert REQUIRED <= set(response.headers), (response.request.url, response.headers)
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # plain HTTP
    assert "script-src 'self'" in responses[-1].headers["content-security-policy"]
    assert responses[0].headers["content-security-policy"].startswith("default-src 'none'")


async def test_hsts_only_over_https_from_trusted_proxy(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, trusted_proxies=("10.0.0.0/8",))

    def fresh() -> RustokApp:  # one start per platform, as a server process does
        return create_app(settings, platform=bootstrap(settings, modules=[]))

    async with serve_app(fresh(), client_ip="10.0.0.5") as client:
        https = await client.get("/health/live", headers={"X-Forwarded-Proto": "https"})
        assert https.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    async with serve_app(fresh(), client_ip="203.0.113.1") as client:
        spoofed = await client.get("/health/live", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in spoofed.headers
    async with serve_app(fresh(), base_url="https://secure.test") as client:
        direct = await client.get("/health/live")
        assert "strict-transport-security" in direct.headers


async def test_cors(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, cors_origins=("https://shop.example",))
    app = create_app(settings, platform=bootstrap(settings, modules=[]))
    async with serve_app(app) as client:
        preflight = await client.options("/api/auth/login", headers={
            "Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-tenant-id",
        })  # fmt: skip
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "https://shop.example"
        assert "x-tenant-id" in preflight.headers["access-control-allow-headers"]
        simple = await client.get("/health/live", headers={"Origin": "https://shop.example"})
        assert simple.headers["access-control-allow-origin"] == "https://shop.example"
        assert "x-request-id" in simple.headers["access-control-expose-headers"]
        other = await client.get("/health/live", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        refused = await client.options("/api/auth/login", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})  # fmt: skip
        assert refused.status_code == 403


async def test_request_rate_limit(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, rate_limit="5/minute")
    app = create_app(settings, platform=bootstrap(settings, modules=[]))
    async with serve_app(app) as client:
        statuses = [(await client.get("/api/modules")).status_code for _ in range(5)]
        assert 429 not in statuses
        limited = await client.get("/api/modules")
        assert limited.status_code == 429
        assert limited.json()["code"] == "RATE_LIMITED"
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert limited.headers["ratelimit-limit"] == "5"
        assert limited.headers["ratelimit-remaining"] == "0"
        assert (await client.get("/health/live")).status_code == 200  # never limited
    async with serve_app(app, client_ip="127.0.0.2") as other:
        assert (await other.get("/api/modules")).status_code != 429  # per client


async def test_rate_limit_off_with_zero(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, rate_limit="0")
    app = create_app(settings, platform=bootstrap(settings, modules=[]))
    async with serve_app(app) as client:
        response = await client.get("/api/modules")
        assert "ratelimit-limit" not in response.headers


async def test_audit_log_records_who_did_what(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "cust@example.com", "customer")
    await client.post("/api/auth/login", json={"email": "cust@example.com", "password": "wrong pass"},
                      headers={"X-Request-ID": "audit-request-0001"})  # fmt: skip
    tokens = await sign_in(client, "cust@example.com")
    await client.get("/api/admin/tenants", headers=bearer(tokens))
    await make_user(app.platform, "root@example.com", "super_admin")
    root = await sign_in(client, "root@example.com")
    created = await client.post(
        "/api/admin/tenants", headers=bearer(root), json={"slug": "acme", "name": "Acme"}
    )
    assert created.status_code == 201
    async with app.platform.db.read_session(all_tenants=True) as session:
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.created_at)))
    by_action = {e.action: e for e in entries}
    assert {"auth.login_failed", "auth.login", "authz.denied", "tenant.created"} <= set(by_action)
    failed = by_action["auth.login_failed"]
    assert failed.request_id == "audit-request-0001"
    assert failed.ip_address == "127.0.0.1"
    assert failed.details == {"email": "cust@example.com"}
    denied = by_action["authz.denied"]
    assert denied.details["permission"] == "tenants:list"
    assert denied.actor_id is not None and len(denied.trace_id or "") == 32
    assert by_action["tenant.created"].resource_id == created.json()["id"]
