"""REST: storefront carts (``/api/store/carts``). Anonymous carts are used with
``X-Cart-Token``; a signed-in customer's with the bearer token (or both)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody

from rustok.auth.guard import principal_of
from rustok.modules.commerce.carts.schemas import (
    CartCreate,
    CartItemCreate,
    CartItemUpdate,
    CartRead,
    CartUpdate,
)
from rustok.modules.commerce.carts.service import CartAccess, CartService

Carts = NamedDependency[CartService]
Access = NamedDependency[CartAccess]
CartToken = Annotated[
    str | None,
    HeaderParameter(
        name="X-Cart-Token", min_length=16, max_length=64, required=False,
        description="the token of an anonymous cart (from POST /api/store/carts)",
    ),
]  # fmt: skip


async def provide_cart_access(
    request: Request[Any, Any, Any], cart_token: CartToken = None
) -> CartAccess:
    """Who asks for a cart (``access``, for the cart and checkout routes)."""
    principal = principal_of(request)
    return CartAccess(token=cart_token, customer_id=principal.user_id if principal else None)


class StoreCartController(Controller):
    path = "/api/store/carts"
    tags = ["storefront"]

    @post("/", status_code=201, public=True, optional_auth=True)
    async def create_cart(
        self, carts: Carts, access: Access, data: JSONBody[CartCreate]
    ) -> CartRead:
        """A new cart with its ``token`` (owned by the caller when signed in)."""
        return await carts.create(data, access)

    @post("/merge", status_code=200, public=True, optional_auth=True)
    async def merge_cart(self, carts: Carts, access: Access) -> CartRead:
        """After signing in: fold the anonymous cart (``X-Cart-Token``) into the customer's
        open cart, or make it theirs."""
        return await carts.merge(access)

    @get("/{cart_id:uuid}", public=True, optional_auth=True)
    async def get_cart(
        self, carts: Carts, access: Access, cart_id: FromPath[uuid.UUID]
    ) -> CartRead:
        """The cart with today's prices and totals."""
        return await carts.get(cart_id, access)

    @patch("/{cart_id:uuid}", public=True, optional_auth=True)
    async def update_cart(
        self, carts: Carts, access: Access, cart_id: FromPath[uuid.UUID],
        data: JSONBody[CartUpdate],
    ) -> CartRead:  # fmt: skip
        """Set the email, destination country, shipping method or discount code."""
        return await carts.update(cart_id, access, data)

    @post("/{cart_id:uuid}/items", status_code=201, public=True, optional_auth=True)
    async def add_item(
        self, carts: Carts, access: Access, cart_id: FromPath[uuid.UUID],
        data: JSONBody[CartItemCreate],
    ) -> CartRead:  # fmt: skip
        """Add units of a variant (added to its line when already in the cart)."""
        return await carts.add_item(cart_id, access, data)

    @patch("/{cart_id:uuid}/items/{item_id:uuid}", public=True, optional_auth=True)
    async def update_item(
        self, carts: Carts, access: Access, cart_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID], data: JSONBody[CartItemUpdate],
    ) -> CartRead:  # fmt: skip
        """Change a line's quantity."""
        return await carts.update_item(cart_id, item_id, access, data)

    @delete(
        "/{cart_id:uuid}/items/{item_id:uuid}", status_code=200, public=True, optional_auth=True
    )
    async def remove_item(
        self, carts: Carts, access: Access, cart_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID],
    ) -> CartRead:  # fmt: skip
        """Remove a line; answers with the cart."""
        return await carts.remove_item(cart_id, item_id, access)
