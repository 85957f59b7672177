"""Route guards beyond the per-route permission."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from rustok.core.context import DEFAULT_TENANT_ID, current_context
from rustok.core.errors import PermissionDenied


def default_tenant_only(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Platform administration spans tenants: only the default tenant's super admins.

    Used with a permission only super admins hold (``tenants:*``, ``logs:*``)."""
    if current_context().tenant_id != DEFAULT_TENANT_ID:
        raise PermissionDenied("platform administration happens in the default tenant")
