"""REST: discount codes (``/api/commerce/discounts``)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import Page, PerPage
from rustok.modules.commerce.discounts.service import (
    DiscountCreate,
    DiscountPage,
    DiscountRead,
    DiscountService,
    DiscountUpdate,
)

Discounts = NamedDependency[DiscountService]


class DiscountController(Controller):
    path = "/api/commerce/discounts"
    tags = ["commerce: discounts"]

    @get("/", permission=perm.DISCOUNTS_LIST)
    async def list_discounts(
        self, discounts: Discounts, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> DiscountPage:
        """Discount codes with their usage."""
        return await discounts.list_page(page, per_page)

    @post("/", permission=perm.DISCOUNTS_CREATE, status_code=201)
    async def create_discount(
        self, discounts: Discounts, data: JSONBody[DiscountCreate]
    ) -> DiscountRead:
        """Create a percentage or fixed-amount code (codes are case-insensitive)."""
        return await discounts.create(data)

    @get("/{discount_id:uuid}", permission=perm.DISCOUNTS_READ)
    async def get_discount(
        self, discounts: Discounts, discount_id: FromPath[uuid.UUID]
    ) -> DiscountRead:
        """One discount code."""
        return await discounts.get(discount_id)

    @patch("/{discount_id:uuid}", permission=perm.DISCOUNTS_UPDATE)
    async def update_discount(
        self, discounts: Discounts, discount_id: FromPath[uuid.UUID], data: JSONBody[DiscountUpdate]
    ) -> DiscountRead:
        """Activate, deactivate, change the limit, the minimum or the window."""
        return await discounts.update(discount_id, data)

    @delete(
        "/{discount_id:uuid}", permission=perm.DISCOUNTS_DELETE, status_code=HTTP_204_NO_CONTENT
    )
    async def delete_discount(self, discounts: Discounts, discount_id: FromPath[uuid.UUID]) -> None:
        """Delete a code (orders keep the code they used)."""
        await discounts.delete(discount_id)
