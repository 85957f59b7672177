"""Dependencies shared by route handlers: the platform and a unit of work per request."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar.datastructures import State
from litestar.di import NamedDependency

from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork

PLATFORM_STATE_KEY = "platform"
PlatformDep = NamedDependency[Platform]
UowDep = NamedDependency[UnitOfWork]


def platform_from_state(state: State) -> Platform:
    platform: Any = state[PLATFORM_STATE_KEY]
    assert isinstance(platform, Platform)
    return platform


async def provide_platform(state: State) -> Platform:
    return platform_from_state(state)


async def provide_uow(platform: PlatformDep) -> AsyncGenerator[UnitOfWork, None]:
    """A unit of work for the request; rolled back unless the service committed it."""
    async with platform.uow() as uow:
        yield uow
