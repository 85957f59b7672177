"""Resolves the tenant of every tenant-scoped request before routing (T-2, T-4).

Tenant-scoped: everything under ``/api`` (GraphQL included), ``/media/<tenant id>/…`` (the
tenant from that path, in every mode) and, in path mode, ``/t/<slug>/…``.
Tenant-independent: ``/health/*``, ``/metrics``, ``/docs`` and ``/api/openapi.json``.
Resolution errors are answered here, as problems, before routing and authentication.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rustok.api.problems import PROBLEM_MEDIA_TYPE, build_problem, problem_bytes
from rustok.core.context import current_context, reset_context, set_context
from rustok.core.errors import RustokError
from rustok.tenancy.resolver import MEDIA_PREFIX, PATH_PREFIX, TenantResolver

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Receive, Scope, Send

TENANT_FREE_PREFIXES = ("/api/openapi.json",)


def needs_tenant(path: str, path_mode: bool) -> bool:
    if path.startswith(MEDIA_PREFIX) or (path_mode and path.startswith(PATH_PREFIX)):
        return True
    if not (path == "/api" or path.startswith("/api/")):
        return False
    return not path.startswith(TENANT_FREE_PREFIXES)


class TenantMiddleware:
    def __init__(self, app: ASGIApp, resolver: TenantResolver) -> None:
        self.app = app
        self.resolver = resolver
        self._path_mode = resolver.mode == "path"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not needs_tenant(scope["path"], self._path_mode):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        client = scope.get("client")
        try:
            if scope["path"].startswith(MEDIA_PREFIX):
                resolution = await self.resolver.resolve_media(scope["path"])
            else:
                resolution = await self.resolver.resolve(
                    scope["path"], headers, client[0] if client else None
                )
        except RustokError as exc:
            await _send_problem(send, scope["path"], exc)
            return
        if resolution.path != scope["path"]:
            scope["path"] = resolution.path
            scope["raw_path"] = resolution.path.encode()
        token = set_context(current_context().with_tenant(resolution.tenant))
        try:
            await self.app(scope, receive, send)
        finally:
            reset_context(token)


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
