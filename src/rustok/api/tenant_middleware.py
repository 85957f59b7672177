"""Resolves the tenant of every tenant-scoped request before routing (T-2, T-4).

Tenant-scoped: everything under ``/api`` (GraphQL included), ``/media/<tenant id>/…`` (the
tenant from that path, in every mode), ``/mcp`` (the tenant of its API key, T-8) and, in
path mode, ``/t/<slug>/…``.
Tenant-independent: ``/health/*``, ``/metrics``, ``/docs`` and ``/api/openapi.json``.
Resolution errors are answered here, as problems, before routing and authentication.

A request with an API key (K-2) has the key verified here, first (401 for a bad one, from
its shape alone when malformed): in header mode without ``X-Tenant-ID`` the key selects its
own tenant, and a tenant chosen otherwise (selector, host, path) must be the key's (403
``TENANT_MISMATCH``). The verified key is left in the connection state for the auth guard,
with the principal it acts as when this process knows it (then the request context names the
actor from here on, as the guard would have made it).
Requests without a key pay two dictionary lookups for this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rustok.api.admin.cookie_names import TENANT_COOKIE as ADMIN_TENANT_COOKIE
from rustok.api.cookie_header import parse_cookies
from rustok.api.key_passes import KeyPasses
from rustok.api.middleware import TENANT_SCOPE_KEY
from rustok.api.problems import PROBLEM_MEDIA_TYPE, build_problem, problem_bytes
from rustok.auth.api_keys.authenticator import KeyAuthenticator
from rustok.auth.api_keys.errors import InvalidApiKey
from rustok.auth.api_keys.keys import presented_key
from rustok.auth.errors import TenantMismatch
from rustok.auth.guard import API_KEY_STATE
from rustok.core.context import current_context, reset_context, set_context
from rustok.core.errors import RustokError
from rustok.rbac.principal import Principal
from rustok.tenancy.identifiers import validate_slug
from rustok.tenancy.resolver import (
    MEDIA_PREFIX,
    PATH_PREFIX,
    TENANT_HEADER,
    Resolution,
    TenantResolver,
)
from rustok.web.principals import PRINCIPAL_KEY

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Receive, Scope, Send

TENANT_FREE_PREFIXES = ("/api/openapi.json",)
ADMIN_PATH = "/admin"
ADMIN_STATIC_PREFIX = "/admin/static/"
MCP_PATH = "/mcp"


def is_mcp(path: str) -> bool:
    return path == MCP_PATH or path.startswith(MCP_PATH + "/")


def is_admin(path: str) -> bool:
    """The admin UI's pages (its static files are tenant-free)."""
    if path == ADMIN_PATH:
        return True
    return path.startswith(ADMIN_PATH + "/") and not path.startswith(ADMIN_STATIC_PREFIX)


def needs_tenant(path: str, path_mode: bool) -> bool:
    if is_admin(path):
        return True
    if path.startswith(MEDIA_PREFIX) or (path_mode and path.startswith(PATH_PREFIX)):
        return True
    if is_mcp(path):
        return True
    if not (path == "/api" or path.startswith("/api/")):
        return False
    return not path.startswith(TENANT_FREE_PREFIXES)


class TenantMiddleware:
    def __init__(
        self, app: ASGIApp, resolver: TenantResolver, keys: KeyAuthenticator | None = None
    ) -> None:
        self.app = app
        self.resolver = resolver
        self.keys = keys
        self.passes = None if keys is None else KeyPasses(keys, resolver.directory.cache)
        self._path_mode = resolver.mode == "path"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not needs_tenant(scope["path"], self._path_mode):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = scope.get("client")
        peer = client[0] if client else None
        key = presented_key(headers) if self.keys is not None else None
        acting: Principal | None = None
        try:
            if scope["path"].startswith(MEDIA_PREFIX):
                resolution = await self.resolver.resolve_media(scope["path"])
            elif key is not None:
                resolution, acting = await self._with_key(scope, headers, peer, key)
            elif is_mcp(scope["path"]):
                raise InvalidApiKey("the MCP endpoint needs an API key (X-Api-Key)")
            elif is_admin(scope["path"]) and self.resolver.mode in ("header", "path"):
                resolution = await self._admin(scope["path"], headers, peer)
            else:
                resolution = self.resolver.resolve_cached(
                    scope["path"], headers, peer
                ) or await self.resolver.resolve(scope["path"], headers, peer)
        except RustokError as exc:
            await _send_problem(send, scope["path"], exc)
            return
        if resolution.path != scope["path"]:
            scope["path"] = resolution.path
            scope["raw_path"] = resolution.path.encode()
        scope[TENANT_SCOPE_KEY] = resolution.tenant.slug  # for the access log (middleware.py)
        ctx = current_context()
        if acting is None:
            token = set_context(ctx.with_tenant(resolution.tenant))
        else:
            token = set_context(
                ctx.with_caller(resolution.tenant, acting.user_id, acting.api_key_id)
            )
        try:
            await self.app(scope, receive, send)
        finally:
            reset_context(token)

    async def _admin(self, path: str, headers: dict[str, str], peer: str | None) -> Resolution:
        """Header and path modes: the admin's tenant is the one chosen at sign-in (its
        cookie; in path mode ``/admin`` has no ``/t/<slug>`` prefix to say it); a cookie
        naming a tenant that is gone leaves the default one (the sign-in form)."""
        chosen = parse_cookies(headers.get("cookie", "")).get(ADMIN_TENANT_COOKIE)
        if chosen and not headers.get(TENANT_HEADER, "").strip():
            try:
                if self.resolver.mode == "path":
                    found = await self.resolver.resolve(
                        f"{PATH_PREFIX}{validate_slug(chosen)}{path}", headers, peer
                    )
                    return Resolution(found.tenant, path)
                return await self.resolver.resolve(path, {**headers, TENANT_HEADER: chosen}, peer)
            except RustokError:
                pass
        return await self.resolver.resolve(path, headers, peer)

    async def _with_key(
        self, scope: Scope, headers: dict[str, str], peer: str | None, key: str
    ) -> tuple[Resolution, Principal | None]:
        """The key's tenant and, if this process knows it already, the principal it acts as
        (left for the guard and put in the context here, saving the guard a lookup and a
        second copy of the context); otherwise the guard loads it."""
        assert self.keys is not None
        assert self.passes is not None
        state = scope.setdefault("state", {})
        path = scope["path"]
        header_mode = self.resolver.mode == "header"
        selected = header_mode and bool(headers.get(TENANT_HEADER, "").strip())
        by_key = not selected and (header_mode or is_mcp(path))  # the key chooses the tenant
        if by_key and (known := self.passes.get(key)) is not None:
            state[API_KEY_STATE] = self.keys.live(known.record)
            state[PRINCIPAL_KEY] = known.acting
            return Resolution(known.tenant, path), known.acting
        seen = self.passes.epochs()
        record = self.keys.verify_cached(key) or await self.keys.verify(key)
        state[API_KEY_STATE] = record
        if selected:
            resolution = self.resolver.resolve_cached(
                path, headers, peer
            ) or await self.resolver.resolve(path, headers, peer)
        elif by_key:
            resolution = self.resolver.resolve_id_cached(
                record.tenant_id, path
            ) or await self.resolver.resolve_id(record.tenant_id, path)
        else:
            resolution = await self.resolver.resolve(path, headers, peer)
        if resolution.tenant.id.int != record.tenant_id.int:  # ints: UUID.__eq__ is Python
            raise TenantMismatch("this API key belongs to another tenant")
        acting = self.keys.cache.principal(record)
        if acting is not None:
            state[PRINCIPAL_KEY] = acting
            if by_key:
                self.passes.put(key, record, resolution.tenant, acting, seen)
        return resolution, acting


async def _send_problem(send: Send, path: str, exc: RustokError) -> None:
    problem = build_problem(
        status=exc.status, code=exc.code, title=exc.title, detail=exc.detail, instance=path
    )
    body = problem_bytes(problem)
    await send(
        {
            "type": "http.response.start",
            "status": exc.status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *((k.lower().encode(), v.encode()) for k, v in exc.headers.items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
