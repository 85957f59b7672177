"""Dependencies every route may ask for by name: ``platform`` and ``principal``.

``api/app.py`` provides them app-wide; a handler declares ``platform: PlatformDep`` or
``caller: Caller`` and gets the running platform or the signed-in caller.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from rustok.core.context import TenantRef, current_context
from rustok.core.platform import Platform
from rustok.rbac.principal import Principal
from rustok.web.principals import require_principal

PLATFORM_STATE_KEY = "platform"
PlatformDep = NamedDependency[Platform]
# The signed-in caller (the app's ``principal`` dependency; 401 without a token).
Caller = NamedDependency[Principal]


def platform_from_state(state: State) -> Platform:
    platform: Any = state[PLATFORM_STATE_KEY]
    assert isinstance(platform, Platform)
    return platform


async def provide_platform(state: State) -> Platform:
    return platform_from_state(state)


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in caller of a route that required authentication."""
    return require_principal(request)


def current_tenant() -> TenantRef:
    """The request's tenant (the resolver guarantees one on every ``/api`` route)."""
    tenant = current_context().tenant
    if tenant is None:
        raise RuntimeError("no tenant in the request context")
    return tenant
