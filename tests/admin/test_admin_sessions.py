"""Admin UI sessions (UI-2): sign-in through the API's service, cookie flags, idle and
absolute expiry, logout and revoke-all, CSRF, and the language of the pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.auth.models import UserSession
from rustok.core.db import utcnow
from rustok.core.settings import Settings
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import count_queries, make_settings, serve_app

ADMIN = "admin@example.com"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, admin_idle_timeout=600, admin_session_lifetime=3600)


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}


async def _actions(app: RustokApp) -> list[str]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(select(AuditEntry.action).order_by(AuditEntry.created_at))
        return list(rows)


async def _age_sessions(app: RustokApp, **values: dt.datetime) -> None:
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(update(UserSession).values(**values))
        await session.commit()


async def test_sign_in_sets_a_session_cookie_and_audits(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    response = await admin_sign_in(client, ADMIN)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = _set_cookies(response)["rustok_admin"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/admin" in cookie
    assert "secure" not in cookie  # plain HTTP in development
    assert "max-age=3600" in cookie
    page = await client.get("/admin")
    assert page.status_code == 200
    assert ADMIN in page.text and "Recent audit entries" in page.text
    assert "auth.login" in await _actions(app)
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp


async def test_the_cookie_is_secure_over_https(app: RustokApp) -> None:
    await make_user(app.platform, ADMIN, "admin")
    async with serve_app(app, base_url="https://testserver") as client:
        response = await admin_sign_in(client, ADMIN)
    assert response.status_code == 303
    assert "secure" in _set_cookies(response)["rustok_admin"].lower()


async def test_a_wrong_password_is_refused_and_audited(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    response = await admin_sign_in(client, ADMIN, password="wrong password entirely")
    assert response.status_code == 401
    assert "The email or password is wrong." in response.text
    assert "rustok_admin" not in _set_cookies(response)
    assert "auth.login_failed" in await _actions(app)
    assert (await client.get("/admin")).status_code == 303


async def test_repeated_failures_are_throttled_as_the_api(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    statuses = [(await admin_sign_in(client, ADMIN, password="nope nope nope")).status_code
                for _ in range(6)]  # fmt: skip
    assert statuses == [401] * 5 + [429]
    # The throttle is the API's: its login is refused too, even with the right password.
    api = await client.post("/api/auth/login", json={"email": ADMIN, "password": "x" * 12})
    assert api.status_code == 429


async def test_anonymous_pages_redirect_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/commerce/products?q=tee")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin/commerce/products"
    htmx = await client.get("/admin", headers={"HX-Request": "true"})
    assert htmx.headers["hx-redirect"] == "/admin/login?next=/admin"


async def test_idle_sessions_end(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, ADMIN, "admin")
    await admin_sign_in(client, ADMIN)
    await _age_sessions(app, last_used_at=utcnow() - dt.timedelta(seconds=500))
    assert (await client.get("/admin")).status_code == 200  # and it touched the session
    await _age_sessions(app, last_used_at=utcnow() - dt.timedelta(seconds=601))
    ended = await client.get("/admin")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/admin/login")


async def test_sessions_end_after_their_lifetime_even_when_used(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    await admin_sign_in(client, ADMIN)
    await _age_sessions(
        app, created_at=utcnow() - dt.timedelta(seconds=3601), last_used_at=utcnow()
    )
    assert (await client.get("/admin")).status_code == 303


async def test_logout_ends_the_session(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, ADMIN, "admin")
    await admin_sign_in(client, ADMIN)
    cookie = client.cookies["rustok_admin"]
    token = csrf_of((await client.get("/admin")).text)
    response = await client.post("/admin/logout", data={"_csrf": token})
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"
    assert "You are signed out." in (await client.get("/admin/login")).text
    # The old cookie, replayed, no longer opens anything: the session row is revoked.
    client.cookies.set("rustok_admin", cookie, path="/admin")
    assert (await client.get("/admin")).status_code == 303
    assert "auth.logout" in await _actions(app)


async def test_revoke_all_from_the_api_ends_admin_sessions(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    await admin_sign_in(client, ADMIN)
    assert (await client.get("/admin")).status_code == 200
    api = bearer(await sign_in(client, ADMIN))
    revoked = await client.post("/api/auth/sessions/revoke-all", headers=api)
    assert revoked.json() == {"revoked": 1}
    assert (await client.get("/admin")).status_code == 303


async def test_posts_without_the_csrf_token_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    # Before sign-in: the login form's token is bound to the pre-session cookie.
    no_token = await client.post("/admin/login", data={"email": ADMIN, "password": "x"})
    assert no_token.status_code == 403
    await admin_sign_in(client, ADMIN)
    for data in ({}, {"_csrf": "0" * 64}):
        refused = await client.post("/admin/logout", data=data)
        assert refused.status_code == 403
        assert "CSRF" in refused.text
    assert (await client.get("/admin")).status_code == 200  # still signed in
    token = csrf_of((await client.get("/admin")).text)
    by_header = await client.post("/admin/logout", headers={"X-CSRF-Token": token})
    assert by_header.status_code == 303


async def test_the_session_token_is_not_the_pre_session_one(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """A token read before sign-in (bound to the pre-session cookie) is void after it."""
    await make_user(app.platform, ADMIN, "admin")
    before = csrf_of((await client.get("/admin/login")).text)
    await admin_sign_in(client, ADMIN)
    assert (await client.post("/admin/logout", data={"_csrf": before})).status_code == 403


async def test_pages_speak_russian_by_accept_language_or_choice(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    ru = await client.get("/admin/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in ru.text and "Войти" in ru.text
    await admin_sign_in(client, ADMIN)
    token = csrf_of((await client.get("/admin")).text)
    chosen = await client.post(
        "/admin/language", data={"_csrf": token, "lang": "ru", "next": "/admin"}
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/admin"
    page = await client.get("/admin", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in page.text and "Панель" in page.text


async def test_next_never_leaves_the_admin(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, ADMIN, "admin")
    form = await client.get("/admin/login")
    response = await client.post(
        "/admin/login",
        data={"_csrf": csrf_of(form.text), "email": ADMIN, "password": "correct horse battery staple",
              "next": "//evil.example/admin"},
    )  # fmt: skip
    assert response.headers["location"] == "/admin"


# The dashboard: the session check, then the sales aggregate and the low-stock list
# (commerce), the outbox figures and the recent audit entries: 5 on both databases.
DASHBOARD_BUDGET = 5


async def test_the_dashboard_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    await admin_sign_in(client, ADMIN)
    assert (await client.get("/admin")).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get("/admin")
    assert "Orders and revenue" in page.text and "Recent audit entries" in page.text
    assert counter.count <= DASHBOARD_BUDGET, counter.statements


async def test_an_unknown_tenant_at_sign_in_is_said_and_opens_nothing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    response = await admin_sign_in(client, ADMIN, tenant="nosuch")
    assert response.status_code == 404
    assert "rustok_admin" not in _set_cookies(response)
    assert 'value="nosuch"' in response.text  # the form keeps what was typed


async def test_a_stale_tenant_cookie_still_reaches_the_sign_in_form(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    form = await client.get("/admin/login", headers={"Cookie": "rustok_admin_tenant=gone"})
    assert form.status_code == 200 and 'action="/admin/login"' in form.text
    client.cookies.clear()
    assert (await admin_sign_in(client, ADMIN)).status_code == 303
