"""``/admin/commerce/products``: a new product, its variants and their stock.

The product page (shared with ``products.py``) shows each variant's options, prices and
stock per location, a form to add a variant (``POST …/{id}/variants``, the REST route's
``products:create``, through ``VariantService.create``) and, per variant, a form that sets
the units at a location (``inventory:update``, through ``InventoryService.set`` as ``POST
/api/commerce/variants/{id}/inventory/set`` does). A new product starts as a draft with its
first variant (``POST /api/commerce/products``' body).
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.context import current_context
from rustok.core.errors import NotFound, RustokError
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.product_form import STATUSES, edit_values, title_of
from rustok.modules.commerce.admin.product_translations import locales_of
from rustok.modules.commerce.admin.variant_form import (
    new_product_body,
    new_variant_body,
    stock_body,
)
from rustok.modules.commerce.catalog.schemas import ProductRead
from rustok.modules.commerce.commerce_runtime import CommerceRuntime
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.principals import principal_of

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/products"
NEW_FIELDS = (
    "title", "handle", "option_name", "opt_0", "sku", "variant_title", "price_currency",
    "price_amount", "price_currency_2", "price_amount_2", "stock",
)  # fmt: skip


def _locale() -> str:
    tenant = current_context().tenant
    return tenant.default_locale if tenant else "en"


async def _posted(request: AnyRequest) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def _failed(posted: dict[str, str], exc: RustokError, fields: tuple[str, ...]) -> FormState:
    """The form's state after ``exc``; errors of no field on the form go above it."""
    state = FormState.failed(posted, exc)
    elsewhere = [f"{k}: {'; '.join(v)}" for k, v in state.errors.items() if k not in fields]
    if elsewhere or not state.errors:
        state.message = "; ".join([state.message or exc.detail, *elsewhere])
    return state


async def product_page(
    request: AnyRequest, commerce: CommerceRuntime, product: ProductRead, form: FormState,
    *, status_code: int = 200, variant_form: FormState | None = None,
    stock_form: FormState | None = None, stock_variant: uuid.UUID | None = None,
) -> Response[str]:  # fmt: skip
    """The product's page: the edit form, the variants with their stock, and the forms."""
    principal = principal_of(request)
    can_stock = principal is not None and principal.can(perm.INVENTORY_READ)
    locations = await commerce.inventory.list_locations() if can_stock else []
    stock = (
        {v.id: await commerce.inventory.get(v.id) for v in product.variants} if can_stock else {}
    )
    title = title_of(product, _locale())
    return page(
        request, "commerce/product_edit.html", title=title, status_code=status_code,
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Products"), LIST_PATH), Crumb(title)],
        product=product, form=form, status_choices=[(s, gettext(s)) for s in STATUSES],
        variant_form=variant_form or FormState(values={"price_currency": _currency()}),
        stock_form=stock_form or FormState(),
        stock_variant=stock_variant, locations=locations, stock=stock,
        locales=locales_of(product), translated={t.locale for t in product.translations},
    )  # fmt: skip


def _currency() -> str:
    """The new variant's first currency: the tenant's."""
    tenant = current_context().tenant
    return tenant.currency_code if tenant else "USD"


def _new_page(request: AnyRequest, form: FormState, status_code: int = 200) -> Response[str]:
    title = gettext("New product")
    return page(
        request, "commerce/product_new.html", title=title, status_code=status_code,
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Products"), LIST_PATH), Crumb(title)],
        form=form,
    )  # fmt: skip


class ProductVariantAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/new", permission=perm.PRODUCTS_CREATE)
    async def new_form(self, request: AnyRequest) -> Response[str]:
        """A new product: its title, an option, and its first variant."""
        return _new_page(request, FormState(values={"price_currency": _currency()}))

    @post("/new", permission=perm.PRODUCTS_CREATE)
    async def create(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Create it through ``CatalogService.create_product`` (a draft)."""
        posted = await _posted(request)
        try:
            product = await commerce.catalog.create_product(new_product_body(posted, _locale()))
        except RustokError as exc:
            return _new_page(request, _failed(posted, exc, NEW_FIELDS), exc.status)
        return redirect_with_flash(request, f"{LIST_PATH}/{product.id}", N_("Product created."))

    @post("/{product_id:uuid}/variants", permission=perm.PRODUCTS_CREATE)
    async def add_variant(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Add a variant through ``VariantService.create`` (options, prices, first stock)."""
        product = await commerce.catalog.get_product(product_id)
        posted = await _posted(request)
        try:
            names = [o.name for o in product.options]
            await commerce.variants.create(product_id, new_variant_body(posted, names))
        except RustokError as exc:
            if exc.status == 404:
                raise
            fields = (*NEW_FIELDS, *(f"opt_{i}" for i in range(len(product.options))))
            state = _failed(posted, exc, fields)
            edit = FormState(values=_edit_values(product))
            return await product_page(
                request, commerce, product, edit, status_code=exc.status, variant_form=state
            )
        return redirect_with_flash(request, f"{LIST_PATH}/{product_id}", N_("Variant added."))

    @post("/{product_id:uuid}/variants/{variant_id:uuid}/stock", permission=perm.INVENTORY_UPDATE)
    async def set_stock(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID],
        variant_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Set a variant's units at a location through ``InventoryService.set``."""
        product = await commerce.catalog.get_product(product_id)
        if variant_id not in {v.id for v in product.variants}:
            raise NotFound("no such variant of this product")
        posted = await _posted(request)
        try:
            await commerce.inventory.set(variant_id, stock_body(posted))
        except RustokError as exc:
            if exc.status == 404 and "location_id" not in exc.errors:
                raise
            state = _failed(posted, exc, ("quantity",))
            edit = FormState(values=_edit_values(product))
            return await product_page(
                request, commerce, product, edit, status_code=exc.status, stock_form=state,
                stock_variant=variant_id,
            )  # fmt: skip
        return redirect_with_flash(request, f"{LIST_PATH}/{product_id}", N_("Stock saved."))


def _edit_values(product: ProductRead) -> dict[str, str]:
    return edit_values(product, _locale())
