"""Sign-up, sign-in, refresh rotation with theft detection, logout, sessions (A-2, A-3)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.auth.models import User
from rustok.core.context import RequestContext, use_context
from rustok.tenancy.schemas import TenantCreate
from tests.auth.helpers import PASSWORD, bearer, make_user, sign_in


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


async def test_register_login_me(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "New@Example.com", "password": PASSWORD, "name": "Ann"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["user"]["email"] == "new@example.com"
    assert body["user"]["role"] == "customer"
    me = await client.get("/api/auth/me", headers=bearer(body))
    assert me.status_code == 200
    user = me.json()
    assert user["email"] == "new@example.com" and user["name"] == "Ann"
    assert "orders:read:own" in user["permissions"] and "products:read" in user["permissions"]
    assert "users:read" not in user["permissions"]
    again = await client.post(
        "/api/auth/register", json={"email": "new@example.com", "password": PASSWORD}
    )
    assert_problem(again, 409, "EMAIL_TAKEN")
    short = await client.post(
        "/api/auth/register", json={"email": "x@example.com", "password": "short"}
    )
    assert_problem(short, 400, "VALIDATION_ERROR")
    assert short.json()["errors"] == {"password": ["must be at least 8 characters"]}


async def test_wrong_password_and_unknown_email_look_alike(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "known@example.com", "customer")
    wrong = await client.post(
        "/api/auth/login", json={"email": "known@example.com", "password": "wrong password"}
    )
    unknown = await client.post(
        "/api/auth/login", json={"email": "ghost@example.com", "password": "wrong password"}
    )
    for response in (wrong, unknown):
        assert_problem(response, 401, "INVALID_CREDENTIALS")

    def strip(response: httpx.Response) -> dict[str, object]:
        return {k: v for k, v in response.json().items() if k not in ("trace_id", "request_id")}

    assert strip(wrong) == strip(unknown)


async def test_refresh_rotates_and_reuse_revokes_the_session(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "r@example.com", "customer")
    first = await sign_in(client, "r@example.com")
    second = (
        await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/auth/me", headers=bearer(second))).status_code == 200
    # The first token again: theft. The whole session dies, including the newest tokens.
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_problem(reuse, 401, "REFRESH_TOKEN_REUSED")
    assert_problem(await client.get("/api/auth/me", headers=bearer(second)), 401, "SESSION_REVOKED")
    latest = await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert_problem(latest, 401, "INVALID_REFRESH_TOKEN")
    unknown = await client.post("/api/auth/refresh", json={"refresh_token": "x" * 43})
    assert_problem(unknown, 401, "INVALID_REFRESH_TOKEN")
    async with app.platform.db.read_session(all_tenants=True) as session:
        actions = set(await session.scalars(select(AuditEntry.action)))
    assert "auth.refresh_reuse" in actions


async def test_logout_revokes(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "l@example.com", "customer")
    tokens = await sign_in(client, "l@example.com")
    assert (await client.post("/api/auth/logout", headers=bearer(tokens))).status_code == 204
    assert_problem(await client.get("/api/auth/me", headers=bearer(tokens)), 401, "SESSION_REVOKED")
    refresh = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert_problem(refresh, 401, "INVALID_REFRESH_TOKEN")


async def test_sessions_list_revoke_all_and_change_password(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "s@example.com", "customer")
    laptop = await sign_in(client, "s@example.com")
    phone = await sign_in(client, "s@example.com")
    listed = (await client.get("/api/auth/sessions", headers=bearer(laptop))).json()
    assert len(listed) == 2
    assert sum(s["current"] for s in listed) == 1
    revoked = await client.post("/api/auth/sessions/revoke-all", headers=bearer(laptop))
    assert revoked.json() == {"revoked": 1}
    assert_problem(await client.get("/api/auth/me", headers=bearer(phone)), 401, "SESSION_REVOKED")
    assert (await client.get("/api/auth/me", headers=bearer(laptop))).status_code == 200

    tablet = await sign_in(client, "s@example.com")
    bad = await client.post("/api/auth/change-password", headers=bearer(laptop),
                            json={"current_password": "nope nope", "new_password": "new password 1"})  # fmt: skip
    assert_problem(bad, 400, "VALIDATION_ERROR")
    ok = await client.post("/api/auth/change-password", headers=bearer(laptop),
                           json={"current_password": PASSWORD, "new_password": "new password 1"})  # fmt: skip
    assert ok.status_code == 204
    assert_problem(await client.get("/api/auth/me", headers=bearer(tablet)), 401, "SESSION_REVOKED")
    assert (await client.get("/api/auth/me", headers=bearer(laptop))).status_code == 200
    await sign_in(client, "s@example.com", "new password 1")


async def test_token_of_one_tenant_is_refused_on_another(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "a@example.com", "admin")
    tokens = await sign_in(client, "a@example.com")
    assert_problem(
        await client.get("/api/auth/me", headers=bearer(tokens, "acme")), 403, "TENANT_MISMATCH"
    )


async def test_banned_user_is_refused(client: httpx.AsyncClient, app: RustokApp) -> None:
    from rustok.auth.admin import UserAdminService

    await make_user(app.platform, "b@example.com", "customer")
    await make_user(app.platform, "root@example.com", "super_admin")
    tokens = await sign_in(client, "b@example.com")
    root = await sign_in(client, "root@example.com")
    assert (
        await client.get("/api/auth/me", headers=bearer(tokens))
    ).status_code == 200  # cached now
    default = await app.tenancy.directory.by_slug("default")
    assert default is not None
    with use_context(RequestContext(tenant=default)):
        async with app.platform.db.read_session() as session:
            user = await session.scalar(select(User).where(User.email == "b@example.com"))
        assert user is not None
        actor = await app.auth.sessions.authenticate(root["access_token"])
        admin = UserAdminService(app.platform, app.auth.sessions, app.auth.grants)
        await admin.update(actor, user.id, status="banned")
    # Refused at once, although the principal was cached a moment ago.
    me = await client.get("/api/auth/me", headers=bearer(tokens))
    assert me.status_code == 401
    assert me.json()["code"] in {"SESSION_REVOKED", "ACCOUNT_DISABLED"}
    login = await client.post(
        "/api/auth/login", json={"email": "b@example.com", "password": PASSWORD}
    )
    assert_problem(login, 401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize(
    "header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-token", "Bearer a.b.c"]
)
async def test_malformed_authorization_is_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/api/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] in {"UNAUTHENTICATED", "INVALID_TOKEN"}


async def test_brute_force_sixth_attempt_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "victim@example.com", "customer")
    for _ in range(5):
        failed = await client.post(
            "/api/auth/login", json={"email": "victim@example.com", "password": "guess1234"}
        )
        assert_problem(failed, 401, "INVALID_CREDENTIALS")
    # The sixth, even with the right password, is refused.
    sixth = await client.post(
        "/api/auth/login", json={"email": "victim@example.com", "password": PASSWORD}
    )
    assert_problem(sixth, 429, "TOO_MANY_ATTEMPTS")
    assert 1 <= int(sixth.headers["retry-after"]) <= 60
    assert sixth.headers["ratelimit-remaining"] == "0"
    # Another account from the same address still works (per-account limit).
    await make_user(app.platform, "other@example.com", "customer")
    await sign_in(client, "other@example.com")


async def test_concurrent_refresh_with_one_token_yields_one_winner(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "c@example.com", "customer")
    tokens = await sign_in(client, "c@example.com")
    results = await asyncio.gather(*(client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
                                     for _ in range(5)))  # fmt: skip
    winners = [r for r in results if r.status_code == 200]
    assert len(winners) == 1, [r.text for r in results]
    assert winners[0].json()["refresh_token"] != tokens["refresh_token"]  # rotated
    # The others presented a token that had just been exchanged: the documented refusal.
    for loser in results:
        if loser is not winners[0]:
            assert_problem(loser, 401, "REFRESH_TOKEN_REUSED")


async def test_tampered_tokens_over_http(client: httpx.AsyncClient, app: RustokApp) -> None:
    import base64
    import json

    await make_user(app.platform, "t@example.com", "customer")
    token = (await sign_in(client, "t@example.com"))["access_token"]
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "super_admin"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    for forged in (f"{header}.{forged_payload}.{signature}", f"{none_header}.{payload}."):
        response = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
        assert_problem(response, 401, "INVALID_TOKEN")
