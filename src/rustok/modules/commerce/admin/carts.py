"""``/admin/commerce/carts``: carts as support staff see them, read-only — the list (status
filter, search by e-mail, newest or oldest by creation or last change, 50 a page) and a
cart's page (lines, totals at today's prices, customer, region), through
``CartStaffReads``.

There is no REST cart admin route: the screens ask for ``customers:list`` and
``customers:read``, as the customer screens do (a cart is a customer's purchase in the
making: their e-mail, what they chose). The cart's token is never shown. List statements
(50 rows): the session check, the count, the page, and the line counts in one batch —
``tests/admin/test_carts_admin.py`` asserts 4.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.carts.models import CART_STATUSES
from rustok.modules.commerce.carts.staff import CART_SORTS, CartStaffReads
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/carts"
# The statuses the list shows and filters by, marked for this module's catalogue.
STATUS_LABELS = (N_("open"), N_("completed"), N_("abandoned"))
CART_LIST = ListSpec(
    columns=(
        Column("cart", N_("Cart")), Column("email", N_("E-mail")),
        Column("status", N_("Status")), Column("lines", N_("Lines")),
        Column("created", N_("Created"), sort="created"),
        Column("updated", N_("Updated"), sort="updated"),
    ),
    sorts=CART_SORTS, default_sort="-updated", filters={"status": CART_STATUSES},
)  # fmt: skip


def _reads(commerce: Commerce) -> CartStaffReads:
    return CartStaffReads(commerce.platform)


class CartAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.CUSTOMERS_LIST)
    async def list_carts(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """Carts: filter by status, search by e-mail, sort by creation or last change."""
        query = list_query(request, CART_LIST)
        result = await _reads(commerce).list_page(
            query.page, PER_PAGE, status=query.filters.get("status"), q=query.q, sort=query.sort
        )
        return page(
            request, "commerce/carts_list.html", title=gettext("Carts"),
            crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Carts"))],
            view=ListView(CART_LIST, query, LIST_PATH, result.items, result.total),
        )  # fmt: skip

    @get("/{cart_id:uuid}", permission=perm.CUSTOMERS_READ)
    async def cart_page(
        self, commerce: Commerce, request: AnyRequest, cart_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One cart: its lines and totals at today's prices, its customer and region."""
        detail = await _reads(commerce).get(cart_id)
        title = f"{gettext('Cart')} {str(cart_id)[:8]}"
        return page(
            request, "commerce/cart_detail.html", title=title,
            crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Carts"), LIST_PATH), Crumb(title)],
            detail=detail, cart=detail.cart,
        )  # fmt: skip
