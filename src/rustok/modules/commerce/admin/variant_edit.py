"""``/admin/commerce/products/{id}/variants/{variant_id}``: editing an existing variant — its
SKU, name, option values and base prices per currency — mirroring ``PATCH
/api/commerce/variants/{id}`` and ``PUT …/prices`` (both ``products:update``) through
``VariantService.update`` and ``VariantService.set_prices``.

The form carries the variant's ``updated_at``: a variant changed since the form was opened
is not overwritten (409). Both bodies are parsed and the prices checked before the first
write; the two writes are two units of work (as the two REST calls), so a failure of the
second (the variant deleted in between) leaves the first saved.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import NotFound
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.product_form import title_of
from rustok.modules.commerce.admin.product_translations import default_locale
from rustok.modules.commerce.admin.variant_edit_form import (
    edit_values,
    prices_body,
    row_count,
    update_body,
    version_of,
)
from rustok.modules.commerce.catalog.schemas import ProductRead, VariantRead
from rustok.modules.commerce.catalog.visibility import ensure_visible
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import Crumb, page
from rustok.web.admin.submit import submit_form
from rustok.web.principals import principal_of

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/products"


def _variant_of(product: ProductRead, variant_id: uuid.UUID) -> VariantRead:
    for variant in product.variants:
        if variant.id == variant_id:
            return variant
    raise NotFound("no such variant of this product")


def _edit_page(
    request: AnyRequest, product: ProductRead, variant: VariantRead, form: FormState,
    locale: str, status_code: int = 200,
) -> Response[str]:  # fmt: skip
    title = title_of(product, locale)
    return page(
        request, "commerce/variant_edit.html", title=f"{title}: {variant.sku}",
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Products"), LIST_PATH),
                Crumb(title, f"{LIST_PATH}/{product.id}"), Crumb(variant.sku)],
        product=product, variant=variant, form=form, rows=range(row_count(form.values)),
        status_code=status_code,
    )  # fmt: skip


class VariantEditAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/{product_id:uuid}/variants/{variant_id:uuid}", permission=perm.PRODUCTS_READ)
    async def edit_variant(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID],
        variant_id: FromPath[uuid.UUID],
    ) -> Response[str]:  # fmt: skip
        """A variant's SKU, name, option values and prices."""
        product = await commerce.catalog.get_product(product_id)
        ensure_visible(principal_of(request), product.status)
        variant = _variant_of(product, variant_id)
        values = edit_values(variant, [o.name for o in product.options])
        return _edit_page(request, product, variant, FormState(values=values), default_locale())

    @post("/{product_id:uuid}/variants/{variant_id:uuid}", permission=perm.PRODUCTS_UPDATE)
    async def save_variant(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID],
        variant_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Save through ``VariantService.update`` and ``set_prices`` unless it changed."""
        product = await commerce.catalog.get_product(product_id)
        variant = _variant_of(product, variant_id)
        names = [o.name for o in product.options]

        async def save(posted: dict[str, str]) -> VariantRead:
            body, prices = update_body(posted, names), prices_body(posted)
            await commerce.variants.update(variant_id, body)
            return await commerce.variants.set_prices(variant_id, prices)

        return await submit_form(
            request, save, version=version_of(variant),
            again=lambda form, status: _edit_page(
                request, product, variant, form, default_locale(), status
            ),
            done=(f"{LIST_PATH}/{product_id}", N_("Variant saved.")),
        )  # fmt: skip
