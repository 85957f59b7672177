"""REST: discount codes (``/api/commerce/discounts``)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.discounts.service import (
    DiscountCreate,
    DiscountPage,
    DiscountRead,
    DiscountUpdate,
)
from rustok.web.pages import Page, PerPage


class DiscountController(Controller):
    path = "/api/commerce/discounts"
    tags = ["commerce: discounts"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.DISCOUNTS_LIST, graphql_twin="discounts")
    async def list_discounts(
        self, commerce: Commerce, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> DiscountPage:
        """Discount codes with their usage."""
        return await commerce.discounts.list_page(page, per_page)

    @post("/", permission=perm.DISCOUNTS_CREATE, status_code=201, graphql_twin="createDiscount")
    async def create_discount(
        self, commerce: Commerce, data: JSONBody[DiscountCreate]
    ) -> DiscountRead:
        """Create a percentage or fixed-amount code (codes are case-insensitive)."""
        return await commerce.discounts.create(data)

    @get("/{discount_id:uuid}", permission=perm.DISCOUNTS_READ, graphql_twin="discount")
    async def get_discount(
        self, commerce: Commerce, discount_id: FromPath[uuid.UUID]
    ) -> DiscountRead:
        """One discount code."""
        return await commerce.discounts.get(discount_id)

    @patch("/{discount_id:uuid}", permission=perm.DISCOUNTS_UPDATE, graphql_twin="updateDiscount")
    async def update_discount(
        self, commerce: Commerce, discount_id: FromPath[uuid.UUID], data: JSONBody[DiscountUpdate]
    ) -> DiscountRead:
        """Activate, deactivate, change the limit, the minimum or the window."""
        return await commerce.discounts.update(discount_id, data)

    @delete(
        "/{discount_id:uuid}",
        permission=perm.DISCOUNTS_DELETE,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteDiscount",
    )
    async def delete_discount(self, commerce: Commerce, discount_id: FromPath[uuid.UUID]) -> None:
        """Delete a code (orders keep the code they used)."""
        await commerce.discounts.delete(discount_id)
