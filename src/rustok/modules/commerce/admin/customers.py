"""``/admin/commerce/customers``: the customer list and a customer's page with their orders.

Each handler declares the permission of the REST route it mirrors (``GET
/api/commerce/customers…``) and calls the same ``CustomerService`` method; the customer's
orders come from ``OrderService.list_page`` (``orders:list``, as ``GET
/api/commerce/orders``). List statements (50 rows): the session check, the count, the page,
the addresses and the order counts in two batches — ``tests/admin/test_customers_admin.py``
asserts the total.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page
from rustok.web.principals import principal_of

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/customers"
CUSTOMER_LIST = ListSpec(
    columns=(
        Column("email", N_("E-mail")), Column("name", N_("Name")),
        Column("orders", N_("Orders")), Column("created", N_("Created"), sort="created"),
    ),
    sorts=("created",), default_sort="-created",
)  # fmt: skip


class CustomerAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.CUSTOMERS_LIST)
    async def list_customers(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """Customers: search by e-mail, newest or oldest first, 50 a page."""
        query = list_query(request, CUSTOMER_LIST)
        result = await commerce.customers.list_page(
            query.page, PER_PAGE, query.q, newest_first=query.descending
        )
        return page(
            request, "commerce/customers_list.html", title=gettext("Customers"),
            crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Customers"))],
            view=ListView(CUSTOMER_LIST, query, LIST_PATH, result.items, result.total),
        )  # fmt: skip

    @get("/{customer_id:uuid}", permission=perm.CUSTOMERS_READ)
    async def customer_page(
        self, commerce: Commerce, request: AnyRequest, customer_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One customer: the address book and the latest 50 orders (with ``orders:list``)."""
        customer = await commerce.customers.get(customer_id)
        principal = principal_of(request)
        orders = None
        if principal is not None and principal.can(perm.ORDERS_LIST):
            orders = await commerce.orders.list_page(
                page=1, per_page=PER_PAGE, customer_id=customer_id
            )
        title = customer.name or customer.email
        return page(
            request, "commerce/customer_detail.html", title=title,
            crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Customers"), LIST_PATH),
                    Crumb(title)],
            customer=customer, orders=orders,
        )  # fmt: skip
