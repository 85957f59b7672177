"""REST: storefront carts (``/api/store/carts``). Anonymous carts are used with
``X-Cart-Token``; a signed-in customer's with the bearer token (or both)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.datastructures import CacheControlHeader
from litestar.params import FromPath, JSONBody

from rustok.modules.commerce.carts.schemas import (
    CartCreate,
    CartItemCreate,
    CartItemUpdate,
    CartRead,
    CartUpdate,
)
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Access, Commerce


class StoreCartController(Controller):
    path = "/api/store/carts"
    tags = ["storefront"]
    dependencies = COMMERCE_DEPENDENCIES
    # Every answer carries the cart's token: never kept by a browser or a proxy.
    cache_control = CacheControlHeader(no_store=True)

    @post("/", status_code=201, public=True, optional_auth=True, graphql_twin="createCart")
    async def create_cart(
        self, commerce: Commerce, access: Access, data: JSONBody[CartCreate]
    ) -> CartRead:
        """A new cart with its ``token`` (owned by the caller when signed in)."""
        return await commerce.carts.create(data, access)

    @post("/merge", status_code=200, public=True, optional_auth=True, graphql_twin="mergeCart")
    async def merge_cart(self, commerce: Commerce, access: Access) -> CartRead:
        """After signing in: fold the anonymous cart (``X-Cart-Token``) into the customer's
        open cart, or make it theirs."""
        return await commerce.carts.merge(access)

    @get("/{cart_id:uuid}", public=True, optional_auth=True, graphql_twin="cart")
    async def get_cart(
        self, commerce: Commerce, access: Access, cart_id: FromPath[uuid.UUID]
    ) -> CartRead:
        """The cart with today's prices and totals."""
        return await commerce.carts.get(cart_id, access)

    @patch("/{cart_id:uuid}", public=True, optional_auth=True, graphql_twin="updateCart")
    async def update_cart(
        self, commerce: Commerce, access: Access, cart_id: FromPath[uuid.UUID],
        data: JSONBody[CartUpdate],
    ) -> CartRead:  # fmt: skip
        """Set the email, destination country, shipping method or discount code."""
        return await commerce.carts.update(cart_id, access, data)

    @post(
        "/{cart_id:uuid}/items",
        status_code=201,
        public=True,
        optional_auth=True,
        graphql_twin="addCartItem",
    )
    async def add_item(
        self, commerce: Commerce, access: Access, cart_id: FromPath[uuid.UUID],
        data: JSONBody[CartItemCreate],
    ) -> CartRead:  # fmt: skip
        """Add units of a variant (added to its line when already in the cart)."""
        return await commerce.carts.add_item(cart_id, access, data)

    @patch(
        "/{cart_id:uuid}/items/{item_id:uuid}",
        public=True,
        optional_auth=True,
        graphql_twin="updateCartItem",
    )
    async def update_item(
        self, commerce: Commerce, access: Access, cart_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID], data: JSONBody[CartItemUpdate],
    ) -> CartRead:  # fmt: skip
        """Change a line's quantity."""
        return await commerce.carts.update_item(cart_id, item_id, access, data)

    @delete(
        "/{cart_id:uuid}/items/{item_id:uuid}",
        status_code=200,
        public=True,
        optional_auth=True,
        graphql_twin="removeCartItem",
    )
    async def remove_item(
        self, commerce: Commerce, access: Access, cart_id: FromPath[uuid.UUID],
        item_id: FromPath[uuid.UUID],
    ) -> CartRead:  # fmt: skip
        """Remove a line; answers with the cart."""
        return await commerce.carts.remove_item(cart_id, item_id, access)
