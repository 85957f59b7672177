"""Dependencies of the platform's runtimes: tenancy and auth, kept in the app state.

The ``platform`` and ``principal`` dependencies every route may ask for are in
``rustok.web.deps``.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State

from rustok.auth.auth_runtime import AUTH_STATE_KEY, AuthRuntime
from rustok.tenancy.tenancy_runtime import TenancyRuntime

TENANCY_STATE_KEY = "tenancy"


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
