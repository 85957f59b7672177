"""``/admin/commerce/discounts``: discount codes — the list with their usage, a form to add
one, a code's edit form (active, limit, minimum, window) and deleting it — mirroring
``/api/commerce/discounts`` (``discounts:*``) through ``DiscountService``.

List statements (50 rows): the session check, the count and the page
(``tests/admin/test_discounts_admin.py`` asserts 3). The service lists by code only. The
edit form carries the code's ``updated_at``: a change made meanwhile answers 409.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.discount_form import (
    create_body,
    update_body,
    values_of,
    version_of,
)
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.discounts.service import DiscountRead
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.admin.submit import submit_form

AnyRequest = Request[Any, Any, Any]
PATH = "/admin/commerce/discounts"
DISCOUNT_LIST = ListSpec(
    columns=(
        Column("code", N_("Code"), sort="code"), Column("value", N_("Value")),
        Column("minimum", N_("Minimum subtotal")), Column("used", N_("Used")),
        Column("window", N_("Valid")), Column("state", N_("State")),
    ),
    sorts=("code",), default_sort="code", searchable=False,
)  # fmt: skip


def _crumbs(*more: Crumb) -> list[Crumb]:
    return [Crumb(gettext("Commerce")), Crumb(gettext("Discounts"), PATH if more else None), *more]


class DiscountAdminController(Controller):
    path = PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.DISCOUNTS_LIST)
    async def list_discounts(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """The codes by code, 50 a page, and the form to add one."""
        return await _list_page(request, commerce, FormState(values={"kind": "percentage"}))

    @post("/", permission=perm.DISCOUNTS_CREATE)
    async def create_discount(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Add a code through ``DiscountService.create``."""
        return await submit_form(
            request, lambda posted: commerce.discounts.create(create_body(posted)),
            again=lambda form, status: _list_page(request, commerce, form, status),
            done=(PATH, N_("Discount code added.")),
        )  # fmt: skip

    @get("/{discount_id:uuid}", permission=perm.DISCOUNTS_READ)
    async def edit_discount(
        self, commerce: Commerce, request: AnyRequest, discount_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """A code's form: active, usage limit, minimum subtotal, validity window."""
        discount = await commerce.discounts.get(discount_id)
        return _edit_page(request, discount, FormState(values=values_of(discount)))

    @post("/{discount_id:uuid}", permission=perm.DISCOUNTS_UPDATE)
    async def update_discount(
        self, commerce: Commerce, request: AnyRequest, discount_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Save through ``DiscountService.update`` unless the code changed meanwhile."""
        current = await commerce.discounts.get(discount_id)
        return await submit_form(
            request,
            lambda posted: commerce.discounts.update(discount_id, update_body(posted, current)),
            again=lambda form, status: _edit_page(request, current, form, status),
            done=(f"{PATH}/{discount_id}", N_("Saved.")), version=version_of(current),
        )  # fmt: skip

    @post("/{discount_id:uuid}/delete", permission=perm.DISCOUNTS_DELETE)
    async def delete_discount(
        self, commerce: Commerce, request: AnyRequest, discount_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a code (orders keep the code they used)."""
        await commerce.discounts.delete(discount_id)
        return redirect_with_flash(request, PATH, N_("Discount code deleted."))


async def _list_page(
    request: AnyRequest, commerce: Commerce, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, DISCOUNT_LIST)
    if query.descending:
        raise ValidationFailed("by code only", errors={"sort": ["by code, A to Z, only"]})
    result = await commerce.discounts.list_page(query.page, PER_PAGE)
    return page(
        request, "commerce/discounts_list.html", title=gettext("Discounts"), crumbs=_crumbs(),
        view=ListView(DISCOUNT_LIST, query, PATH, result.items, result.total), form=form,
        status_code=status_code,
    )  # fmt: skip


def _edit_page(
    request: AnyRequest, discount: DiscountRead, form: FormState, status_code: int = 200
) -> Response[str]:
    return page(
        request, "commerce/discount_edit.html", title=discount.code,
        crumbs=_crumbs(Crumb(discount.code)), discount=discount, form=form,
        status_code=status_code,
    )  # fmt: skip
