"""Route guards beyond the per-route permission (which ``auth/guard.py`` checks app-wide)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from rustok.core.context import DEFAULT_TENANT_ID, current_context
from rustok.core.errors import NotFound, PermissionDenied


def default_tenant_only(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Platform administration spans tenants: only the default tenant's super admins.

    Used with a permission only super admins hold (``tenants:*``, ``logs:*``)."""
    if current_context().tenant_id != DEFAULT_TENANT_ID:
        raise PermissionDenied("platform administration happens in the default tenant")


def module_enabled(slug: str) -> Guard:
    """A guard answering 404 on the module's routes for tenants that disabled it (T-6)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        tenant = current_context().tenant
        if tenant is not None and slug not in tenant.enabled_modules:
            raise NotFound(
                f"no route for {connection.scope.get('method', 'GET')} {connection.url.path}"
            )

    return guard
