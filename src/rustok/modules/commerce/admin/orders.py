"""``/admin/commerce/orders``: the order list and the order page with its transitions.

Each handler declares the permission of the REST route it mirrors (``GET
/api/commerce/orders…``, ``POST …/{confirm,pay,ship,deliver,cancel}``) and calls the same
``OrderService`` method; the page shows a button for exactly the actions the state machine
allows now (``OrderRead.allowed_actions``). List statements (50 rows): the session check,
the count, the page, and ``order_reads``' three batched loads (lines, history, payments) —
``tests/admin/test_orders_admin.py`` asserts the total.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import RustokError, ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.order_actions import (
    ACTION_LABELS,
    DONE,
    ORDER_STATUSES,
    PAYMENT_STATUSES,
    apply_action,
)
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.orders.filters import ORDER_SORTS, OrderFilter
from rustok.modules.commerce.orders.schemas import OrderRead
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListQuery, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/orders"
DATE_FILTERS = {"placed_from": N_("Placed from"), "placed_to": N_("Placed until")}
ORDER_LIST = ListSpec(
    columns=(
        Column("number", N_("Number"), sort="number"), Column("email", N_("E-mail")),
        Column("status", N_("Status")), Column("payment", N_("Payment")),
        Column("total", N_("Total"), sort="total"), Column("placed", N_("Placed"), sort="placed"),
    ),
    sorts=tuple(ORDER_SORTS), default_sort="-number",
    filters={"status": ORDER_STATUSES, "payment": PAYMENT_STATUSES},
)  # fmt: skip


def _date(request: AnyRequest, name: str) -> dt.date | None:
    values = request.query_params.getall(name, [])
    if len(values) > 1:
        raise ValidationFailed(f"{name} is given twice", errors={name: ["is given twice"]})
    raw = values[0].strip() if values else ""
    if not raw:
        return None
    try:
        if len(raw) != len("YYYY-MM-DD"):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"bad {name}", errors={name: ["a date, YYYY-MM-DD"]}) from None


def _with_dates(request: AnyRequest) -> tuple[ListQuery, OrderFilter]:
    """The list's query, the date filters kept in it (the pager and sort links keep them)."""
    query = list_query(request, ORDER_LIST)
    days = {name: _date(request, name) for name in DATE_FILTERS}
    shown = {name: day.isoformat() for name, day in days.items() if day is not None}
    query = dataclasses.replace(query, filters={**query.filters, **shown})
    found = OrderFilter(
        status=query.filters.get("status"), payment=query.filters.get("payment"),
        placed_from=days["placed_from"], placed_to=days["placed_to"], q=query.q,
    )  # fmt: skip
    return query, found


class OrderAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.ORDERS_LIST)
    async def list_orders(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """Orders: search by number or e-mail, filter by status, payment and placing date,
        sort by number, total or date, 50 a page."""
        query, found = _with_dates(request)
        result = await commerce.orders.list_page(
            page=query.page, per_page=PER_PAGE, filters=found, sort=query.sort
        )
        return page(
            request, "commerce/orders_list.html", title=gettext("Orders"),
            crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Orders"))],
            view=ListView(ORDER_LIST, query, LIST_PATH, result.items, result.total),
            date_filters=DATE_FILTERS,
        )  # fmt: skip

    @get("/{order_id:uuid}", permission=perm.ORDERS_READ)
    async def order_page(
        self, commerce: Commerce, request: AnyRequest, order_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One order: lines, totals, payment, history, and the transitions allowed now."""
        order = await commerce.orders.get(order_id)
        return _order_page(request, order, FormState())

    @post("/{order_id:uuid}/{action:str}", permission=perm.ORDERS_UPDATE)
    async def transition(
        self, commerce: Commerce, request: AnyRequest, order_id: FromPath[uuid.UUID],
        action: FromPath[str],
    ) -> Response[Any]:  # fmt: skip
        """One transition through ``OrderService`` (the REST route's body and checks)."""
        posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            await apply_action(commerce.orders, order_id, action, posted)
        except RustokError as exc:
            if exc.status == 404:
                raise
            order = await commerce.orders.get(order_id)
            state = FormState.failed(posted, exc)
            state.message = state.message or exc.detail
            return _order_page(request, order, state, status_code=exc.status)
        return redirect_with_flash(request, f"{LIST_PATH}/{order_id}", DONE[action])


def _order_page(
    request: AnyRequest, order: OrderRead, form: FormState, status_code: int = 200
) -> Response[str]:
    title = gettext("Order #%(number)s") % {"number": order.display_number}
    return page(
        request, "commerce/order_detail.html", title=title, status_code=status_code,
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Orders"), LIST_PATH), Crumb(title)],
        order=order, form=form, action_labels=ACTION_LABELS,
    )  # fmt: skip
