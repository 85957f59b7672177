"""Dependencies of the commerce routes: the runtime and who is asking (cart token, customer)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import HeaderParameter

from rustok.modules.commerce.carts.service import CartAccess
from rustok.modules.commerce.commerce_runtime import CommerceRuntime, commerce_runtime
from rustok.rbac.principal import Principal
from rustok.web.deps import PlatformDep
from rustok.web.principals import principal_of

Commerce = NamedDependency[CommerceRuntime]
Access = NamedDependency[CartAccess]
CartToken = Annotated[
    str | None,
    HeaderParameter(
        name="X-Cart-Token", min_length=16, max_length=64, required=False,
        description="the token of an anonymous cart (from POST /api/store/carts)",
    ),
]  # fmt: skip


async def provide_commerce(platform: PlatformDep) -> CommerceRuntime:
    return commerce_runtime(platform)


async def provide_cart_access(
    request: Request[Any, Any, Any], cart_token: CartToken = None
) -> CartAccess:
    principal = principal_of(request)
    return CartAccess(token=cart_token, customer_id=principal.user_id if principal else None)


def own_scope(principal: Principal, permission: str) -> Principal | None:
    """The principal when it may only see its own rows (customers and orders), else None."""
    return principal if principal.scope(permission) == "own" else None


COMMERCE_DEPENDENCIES = {
    "commerce": Provide(provide_commerce),
    "access": Provide(provide_cart_access),
}
