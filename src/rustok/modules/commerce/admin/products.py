"""``/admin/commerce/products``: the product list and the product edit form.

The example screen other admin pages copy: each handler declares the permission of the REST
route it mirrors (``GET/PATCH /api/commerce/products…``) and calls the same service method.
List statements (50 rows): the session check, the count, the page, and ``product_reads``'
batched loads — ``tests/admin/test_products_admin.py`` asserts the total.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.context import current_context
from rustok.core.errors import RustokError
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.product_form import (
    STATUSES,
    edit_values,
    save_product,
    title_of,
)
from rustok.modules.commerce.admin.product_variants import product_page
from rustok.modules.commerce.catalog.service import PRODUCT_SORTS
from rustok.modules.commerce.catalog.visibility import HiddenStatus, ensure_visible, status_filter
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.principals import principal_of

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/products"
PRODUCT_LIST = ListSpec(
    columns=(
        Column("title", N_("Title")), Column("handle", N_("Handle")),
        Column("status", N_("Status")), Column("variants", N_("Variants")),
        Column("created", N_("Created"), sort="created"),
        Column("updated", N_("Updated"), sort="updated"),
    ),
    sorts=tuple(PRODUCT_SORTS), default_sort="-created", filters={"status": STATUSES},
)  # fmt: skip


def _locale() -> str:
    tenant = current_context().tenant
    return tenant.default_locale if tenant else "en"


class ProductAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.PRODUCTS_LIST)
    async def list_products(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """Products: search by title or SKU, filter by status, sort, 50 a page."""
        query = list_query(request, PRODUCT_LIST)
        try:
            shown = status_filter(principal_of(request), query.filters.get("status"))
            result = await commerce.catalog.list_products(
                page=query.page, per_page=PER_PAGE, status=shown, q=query.q, sort=query.sort
            )
            items, total = result.items, result.total
        except HiddenStatus:
            items, total = [], 0
        locale = _locale()
        rows = [{"product": p, "title": title_of(p, locale)} for p in items]
        return page(
            request, "commerce/products_list.html", title=gettext("Products"),
            crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Products"))],
            view=ListView(PRODUCT_LIST, query, LIST_PATH, rows, total),
        )  # fmt: skip

    @get("/{product_id:uuid}", permission=perm.PRODUCTS_READ)
    async def edit_form(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One product's title, handle and status; its variants and their stock."""
        product = await commerce.catalog.get_product(product_id)
        ensure_visible(principal_of(request), product.status)
        form = FormState(values=edit_values(product, _locale()))
        return await product_page(request, commerce, product, form)

    @post("/{product_id:uuid}", permission=perm.PRODUCTS_UPDATE)
    async def save(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Save the form through ``CatalogService`` (update, then the status transition)."""
        posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            await save_product(commerce.catalog, product_id, posted)
        except RustokError as exc:
            if exc.status == 404:
                raise
            product = await commerce.catalog.get_product(product_id)
            state = FormState.failed(posted, exc)
            return await product_page(request, commerce, product, state, status_code=exc.status)
        return redirect_with_flash(request, f"{LIST_PATH}/{product_id}", N_("Saved."))
