"""What the commerce routes share: who is asking, and list parameters.

The services themselves are provided by name (``carts``, ``orders``, …) by the runtime
(runtime.py ``SERVICE_DEPENDENCIES``), for the routers of module.py.
"""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import QueryParameter

from rustok.rbac.principal import Principal

# The signed-in caller (the app's ``principal`` dependency; 401 without a token).
Caller = NamedDependency[Principal]
Page = Annotated[int, QueryParameter(ge=1, le=100_000)]
PerPage = Annotated[int, QueryParameter(ge=1, le=100)]


def own_scope(principal: Principal, permission: str) -> Principal | None:
    """The principal when it may only see its own rows (customers and orders), else None."""
    return principal if principal.scope(permission) == "own" else None
