"""Every route declares who may call it, and the declarations hold (A-5).

The matrix derives each role's expected status from the declared permission and the
system grants; a hand-written table checks a dozen key cases, so the derivation is checked
too.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.handlers import HTTPRouteHandler

from rustok.api.admin.middleware import ADMIN_ACCESS_OPT
from rustok.api.admin_mount import with_admin
from rustok.api.app import RustokApp
from rustok.bootstrap import builtin_modules
from rustok.core.module import ModuleSpec
from rustok.core.settings import Settings
from rustok.rbac.catalogue import SYSTEM_ROLES, build_catalogue
from rustok.rbac.declare import AUTHENTICATED, PERMISSION_OPT, PUBLIC_OPT, check_declared
from rustok.rbac.principal import Principal, merge_grants
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import make_settings

ROLES = ("anonymous", *SYSTEM_ROLES)
CATALOGUE = build_catalogue(builtin_modules())


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Rate limits off: the matrix sends ~180 requests per caller as fast as the machine
    goes, and a fast one met the general limit (100/second) and got 429 where it expected
    401/403. Limits have their own tests; here every answer must come from authorisation."""
    return make_settings(
        db_url, tmp_path, rate_limit="0",
        login_rate_limit="100000/minute", login_ip_rate_limit="100000/minute",
    )  # fmt: skip


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    """Every shipped module, so that their routes are walked too."""
    return builtin_modules()


PARAM_RE = re.compile(r"\{(\w+)(?::(\w+))?\}")


def http_routes(app: RustokApp) -> list[tuple[str, str, HTTPRouteHandler]]:
    routes: list[tuple[str, str, HTTPRouteHandler]] = []
    for route in with_admin(app.litestar).routes:  # the admin is mounted on first use
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                for method in sorted(handler.http_methods):
                    if method not in ("HEAD", "OPTIONS"):
                        routes.append((method, route.path, handler))
    return routes


@pytest.mark.sql_free
def test_every_route_declares_a_permission_or_public(app: RustokApp) -> None:
    undeclared = []
    for method, path, handler in http_routes(app):
        opt = handler.opt
        if opt.get(PUBLIC_OPT):
            continue
        permission = opt.get(PERMISSION_OPT)
        if permission is None:
            undeclared.append(f"{method} {path}")
        else:
            check_declared(permission, CATALOGUE)
    assert undeclared == []


def _grants(role: str) -> Principal:
    return Principal(
        user_id=uuid.uuid4(), tenant_id=uuid.uuid4(), session_id=uuid.uuid4(), role=role,
        email="x", grants=merge_grants(CATALOGUE.grants[role]),
    )  # fmt: skip


def expected(role: str, handler: HTTPRouteHandler) -> str:
    """'public', 'allowed', 401 or 403."""
    if handler.opt.get(PUBLIC_OPT):
        return "public"
    if role == "anonymous":
        return "401"
    permission = handler.opt[PERMISSION_OPT]
    if permission == AUTHENTICATED or _grants(role).can(permission):
        return "allowed"
    return "403"


HAND_WRITTEN = {
    ("anonymous", "GET", "/api/auth/me"): "401",
    ("customer", "GET", "/api/auth/me"): "allowed",
    ("customer", "GET", "/api/admin/tenants"): "403",
    ("manager", "POST", "/api/admin/tenants"): "403",
    ("admin", "PATCH", "/api/admin/tenants/{tenant_id:uuid}"): "403",
    ("super_admin", "GET", "/api/admin/tenants"): "allowed",
    ("admin", "GET", "/api/modules"): "allowed",
    ("admin", "PUT", "/api/modules/{slug:str}"): "403",
    ("super_admin", "PUT", "/api/modules/{slug:str}"): "allowed",
    ("customer", "POST", "/api/auth/invites"): "403",
    ("admin", "POST", "/api/auth/invites"): "allowed",
    ("anonymous", "POST", "/api/auth/login"): "public",
    ("anonymous", "GET", "/health/ready"): "public",
    ("anonymous", "GET", "/api/content/nodes"): "public",
    ("customer", "POST", "/api/content/nodes"): "403",
    ("manager", "POST", "/api/content/nodes"): "allowed",
    ("customer", "POST", "/api/blog/posts/{post_id:uuid}/comments"): "allowed",
    ("customer", "POST", "/api/forum/topics/{topic_id:uuid}/replies"): "allowed",
    ("customer", "POST", "/api/forum/topics"): "403",
    ("manager", "POST", "/api/forum/replies/{reply_id:uuid}/moderate"): "403",
    ("admin", "POST", "/api/forum/replies/{reply_id:uuid}/moderate"): "allowed",
    ("manager", "POST", "/api/pages"): "403",
    ("anonymous", "POST", "/api/content/media"): "401",
    ("customer", "GET", "/api/admin/api-keys"): "403",
    ("manager", "POST", "/api/admin/api-keys"): "403",
    ("admin", "POST", "/api/admin/api-keys"): "allowed",
    ("admin", "DELETE", "/api/admin/api-keys/{key_id:uuid}"): "allowed",
    ("super_admin", "GET", "/api/admin/api-keys/{key_id:uuid}"): "allowed",
    ("admin", "POST", "/api/admin/webhooks"): "allowed",
    ("manager", "GET", "/api/admin/webhooks"): "403",
    ("customer", "POST", "/api/admin/webhooks/deliveries/{delivery_id:uuid}/redeliver"): "403",
}


@pytest.mark.sql_free
def test_derivation_agrees_with_the_hand_written_table(app: RustokApp) -> None:
    handlers = {(m, p): h for m, p, h in http_routes(app)}
    for (role, method, path), want in HAND_WRITTEN.items():
        assert expected(role, handlers[(method, path)]) == want, (role, method, path)


def _concrete(path: str) -> str:
    return PARAM_RE.sub(lambda m: str(uuid.uuid4()) if m.group(2) == "uuid" else "probe", path)


async def test_role_by_route_matrix(client: httpx.AsyncClient, app: RustokApp) -> None:
    tokens: dict[str, dict[str, str]] = {}
    for role in SYSTEM_ROLES:
        await make_user(app.platform, f"{role}@example.com", role)
        tokens[role] = await sign_in(client, f"{role}@example.com")
    failures: list[str] = []
    for method, path, handler in http_routes(app):
        if path.startswith(("/docs/assets", "/api/_schema")) or path == "/api/auth/logout":
            continue
        if path.startswith("/admin"):  # cookie sessions: test_admin_route_matrix
            continue
        for role in ROLES:
            want = expected(role, handler)
            headers: dict[str, Any] = bearer(tokens[role]) if role != "anonymous" else {}
            response = await client.request(method, _concrete(path), headers=headers, json={})
            got = response.status_code
            ok = (
                got == int(want) if want in ("401", "403")
                else got not in (401, 403) or response.json().get("code") not in
                ("UNAUTHENTICATED", "FORBIDDEN", "INVALID_TOKEN", "SESSION_REVOKED")
            )  # fmt: skip
            if not ok:
                failures.append(
                    f"{role} {method} {path}: expected {want}, got {got} {response.text[:120]}"
                )
    assert failures == []


def admin_expected(role: str, handler: HTTPRouteHandler) -> str:
    """An admin page: 'public', 'login' (anonymous: the sign-in form), 'allowed' or 403.

    On top of the page's permission, the admin needs its access permission (staff only)."""
    if handler.opt.get(PUBLIC_OPT):
        return "public"
    if role == "anonymous":
        return "login"
    access = handler.opt[ADMIN_ACCESS_OPT]
    permission = handler.opt[PERMISSION_OPT]
    principal = _grants(role)
    if principal.can(access) and (permission == AUTHENTICATED or principal.can(permission)):
        return "allowed"
    return "403"


@pytest.mark.sql_free
def test_admin_derivation_agrees_with_the_hand_written_table(app: RustokApp) -> None:
    handlers = {(m, p): h for m, p, h in http_routes(app)}
    table = {
        ("customer", "GET", "/admin/commerce/products"): "403",  # holds products:list
        ("manager", "GET", "/admin/commerce/products"): "allowed",
        ("manager", "POST", "/admin/commerce/products/{product_id:uuid}"): "allowed",
        ("anonymous", "GET", "/admin"): "login",
        ("customer", "GET", "/admin"): "403",
        ("admin", "GET", "/admin"): "allowed",
        ("anonymous", "GET", "/admin/login"): "public",
        ("admin", "POST", "/admin/webhooks/{webhook_id:uuid}/rotate-secret"): "allowed",
        ("manager", "GET", "/admin/webhooks"): "403",  # as GET /api/admin/webhooks
        ("customer", "POST", "/admin/webhooks/deliveries/{delivery_id:uuid}/redeliver"): "403",
        ("manager", "POST", "/admin/commerce/price-lists/{price_list_id:uuid}"): "allowed",
        ("customer", "GET", "/admin/commerce/price-lists"): "403",  # holds products:list
        ("manager", "GET", "/admin/commerce/carts/{cart_id:uuid}"): "allowed",  # customers:read
        ("customer", "GET", "/admin/commerce/carts"): "403",
        ("admin", "GET", "/admin/audit"): "allowed",  # audit:list, not logs:list
        ("manager", "GET", "/admin/audit"): "403",
        ("admin", "GET", "/admin/events"): "403",
        ("admin", "POST", "/admin/tenant"): "403",  # the switcher: super admins only
        ("super_admin", "POST", "/admin/tenant"): "allowed",
        ("admin", "POST", "/admin/invites"): "allowed",
        ("manager", "GET", "/admin/invites"): "403",
        ("admin", "POST", "/admin/users/{user_id:uuid}/sessions/revoke-all"): "allowed",
        ("manager", "POST", "/admin/users/{user_id:uuid}/sessions/{session_id:uuid}/revoke"): "403",
    }
    for (role, method, path), want in table.items():
        assert admin_expected(role, handlers[(method, path)]) == want, (role, method, path)


async def test_admin_route_matrix(client: httpx.AsyncClient, app: RustokApp) -> None:
    """Every admin page and action, for every role signed in through the admin's form."""
    cookies: dict[str, httpx.Cookies] = {}
    tokens: dict[str, str] = {}
    for role in SYSTEM_ROLES:
        await make_user(app.platform, f"{role}@example.com", role)
        client.cookies.clear()
        assert (await admin_sign_in(client, f"{role}@example.com")).status_code == 303
        cookies[role] = httpx.Cookies(client.cookies)
        tokens[role] = csrf_of((await client.get("/admin")).text)
    failures: list[str] = []
    for method, path, handler in http_routes(app):
        if not path.startswith("/admin") or path.startswith("/admin/static"):
            continue
        if path == "/admin/logout":
            continue
        for role in ROLES:
            want = admin_expected(role, handler)
            client.cookies = cookies.get(role, httpx.Cookies())
            data = {"_csrf": tokens.get(role, "")}
            response = await client.request(method, _concrete(path), data=data)
            got = response.status_code
            location = response.headers.get("location", "")
            ok = {
                "login": got == 303 and location.startswith("/admin/login"),
                "403": got == 403,
                "allowed": got not in (401, 403) and not location.startswith("/admin/login"),
                # Open pages answer for themselves (a failed sign-in is 401, a POST
                # without the pre-session's CSRF token 403); never a server error.
                "public": got < 500,
            }[want]
            if not ok:
                failures.append(f"{role} {method} {path}: expected {want}, got {got} {location}")
    assert failures == []
