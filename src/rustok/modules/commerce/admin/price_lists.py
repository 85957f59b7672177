"""``/admin/commerce/price-lists``: price lists — the list (newest first, 50 a page), a form
to add one, a list's page with its prices per variant (by SKU), currency and minimum
quantity, and deleting it — mirroring ``/api/commerce/price-lists`` (``products:*``, as the
REST routes) through ``PriceListService``.

The service has no update of a list's name, status or window (nor has the REST API): the
page shows them; the prices form replaces the prices as ``PUT …/prices`` does, refused as
stale when the prices changed since the form was opened. List statements (50 rows): the
session check, the count, the page and the pages' prices in one batch —
``tests/admin/test_price_lists_admin.py`` asserts 4.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.price_list_form import (
    create_body,
    price_values,
    prices_body,
    row_count,
    version_of,
)
from rustok.modules.commerce.catalog.price_lists import PriceListRead
from rustok.modules.commerce.catalog.variant_skus import VariantSkus
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.admin.submit import submit_form

AnyRequest = Request[Any, Any, Any]
PATH = "/admin/commerce/price-lists"
PRICE_LIST_LIST = ListSpec(
    columns=(
        Column("name", N_("Name")), Column("status", N_("Status")),
        Column("window", N_("Valid")), Column("prices", N_("Prices")),
        Column("created", N_("Created"), sort="created"),
    ),
    sorts=("created",), default_sort="-created", searchable=False,
)  # fmt: skip


def _crumbs(*more: Crumb) -> list[Crumb]:
    return [
        Crumb(gettext("Commerce")), Crumb(gettext("Price lists"), PATH if more else None), *more
    ]  # fmt: skip


class PriceListAdminController(Controller):
    path = PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.PRODUCTS_LIST)
    async def list_price_lists(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """Price lists, newest first, and the form to add one."""
        return await _list_page(request, commerce, FormState(values={"status": "active"}))

    @post("/", permission=perm.PRODUCTS_CREATE)
    async def create_price_list(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Add a list through ``PriceListService.create``; its page then takes the prices."""
        return await submit_form(
            request, lambda posted: commerce.price_lists.create(create_body(posted)),
            again=lambda form, status: _list_page(request, commerce, form, status),
            done=lambda created: redirect_with_flash(
                request, f"{PATH}/{created.id}", N_("Price list added.")
            ),
        )  # fmt: skip

    @get("/{price_list_id:uuid}", permission=perm.PRODUCTS_READ)
    async def edit_price_list(
        self, commerce: Commerce, request: AnyRequest, price_list_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """A list's window and status, and the form of its prices."""
        price_list = await commerce.price_lists.get(price_list_id)
        variants = VariantSkus(commerce.platform)
        skus = await variants.skus_of([p.variant_id for p in price_list.prices])
        return _edit_page(request, price_list, FormState(values=price_values(price_list, skus)))

    @post("/{price_list_id:uuid}", permission=perm.PRODUCTS_UPDATE)
    async def set_prices(
        self, commerce: Commerce, request: AnyRequest, price_list_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Replace the prices through ``PriceListService.set_prices`` unless they changed."""
        current = await commerce.price_lists.get(price_list_id)
        variants = VariantSkus(commerce.platform)

        async def save(posted: dict[str, str]) -> PriceListRead:
            prices = await prices_body(posted, variants)
            return await commerce.price_lists.set_prices(price_list_id, prices)

        return await submit_form(
            request, save, version=version_of(current),
            again=lambda form, status: _edit_page(request, current, form, status),
            done=(f"{PATH}/{price_list_id}", N_("Saved.")),
        )  # fmt: skip

    @post("/{price_list_id:uuid}/delete", permission=perm.PRODUCTS_DELETE)
    async def delete_price_list(
        self, commerce: Commerce, request: AnyRequest, price_list_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a list and its prices."""
        await commerce.price_lists.delete(price_list_id)
        return redirect_with_flash(request, PATH, N_("Price list deleted."))


async def _list_page(
    request: AnyRequest, commerce: Commerce, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, PRICE_LIST_LIST)
    if not query.descending:
        raise ValidationFailed("newest first only", errors={"sort": ["newest first only"]})
    result = await commerce.price_lists.list_page(query.page, PER_PAGE)
    return page(
        request, "commerce/price_lists_list.html", title=gettext("Price lists"),
        crumbs=_crumbs(), form=form, status_code=status_code,
        view=ListView(PRICE_LIST_LIST, query, PATH, result.items, result.total),
    )  # fmt: skip


def _edit_page(
    request: AnyRequest, price_list: PriceListRead, form: FormState, status_code: int = 200
) -> Response[str]:
    return page(
        request, "commerce/price_list_edit.html", title=price_list.name,
        crumbs=_crumbs(Crumb(price_list.name)), price_list=price_list, form=form,
        rows=range(row_count(form.values)), status_code=status_code,
    )  # fmt: skip
