"""Dependencies shared by route handlers: the platform and a unit of work per request."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from rustok.auth.guard import require_principal
from rustok.auth.runtime import AUTH_STATE_KEY, AuthRuntime
from rustok.core.context import TenantRef, current_context
from rustok.core.errors import NotFound
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.rbac.principal import Principal
from rustok.tenancy.runtime import TenancyRuntime

PLATFORM_STATE_KEY = "platform"
TENANCY_STATE_KEY = "tenancy"
PlatformDep = NamedDependency[Platform]
UowDep = NamedDependency[UnitOfWork]
TenancyDep = NamedDependency[TenancyRuntime]
AuthDep = NamedDependency[AuthRuntime]


def platform_from_state(state: State) -> Platform:
    platform: Any = state[PLATFORM_STATE_KEY]
    assert isinstance(platform, Platform)
    return platform


async def provide_platform(state: State) -> Platform:
    return platform_from_state(state)


def tenancy_from_state(state: State) -> TenancyRuntime:
    tenancy: Any = state[TENANCY_STATE_KEY]
    assert isinstance(tenancy, TenancyRuntime)
    return tenancy


async def provide_tenancy(state: State) -> TenancyRuntime:
    return tenancy_from_state(state)


def auth_from_state(state: State) -> AuthRuntime:
    auth: Any = state[AUTH_STATE_KEY]
    assert isinstance(auth, AuthRuntime)
    return auth


async def provide_auth(state: State) -> AuthRuntime:
    return auth_from_state(state)


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in caller of a route that required authentication."""
    return require_principal(request)


def current_tenant() -> TenantRef:
    """The request's tenant (the resolver guarantees one on every ``/api`` route)."""
    tenant = current_context().tenant
    if tenant is None:
        raise RuntimeError("no tenant in the request context")
    return tenant


def module_enabled(slug: str) -> Guard:
    """A guard answering 404 on the module's routes for tenants that disabled it (T-6)."""

    # Async: Litestar runs a synchronous guard in its thread pool, on every request.
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        tenant = current_context().tenant
        if tenant is not None and slug not in tenant.enabled_modules:
            raise NotFound(
                f"no route for {connection.scope.get('method', 'GET')} {connection.url.path}"
            )

    return guard


async def provide_uow(platform: PlatformDep) -> AsyncGenerator[UnitOfWork, None]:
    """A unit of work for the request; rolled back unless the service committed it."""
    async with platform.uow() as uow:
        yield uow
