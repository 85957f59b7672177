"""``/admin/commerce/products/{id}/translations/{locale}``: one locale's texts of a product
next to the default locale's — title, handle and description, edited per locale — mirroring
``PATCH /api/commerce/products/{id}`` (``products:update``; translations are upserted per
locale) through ``CatalogService.update_product``.

The locales offered are the tenant's enabled ones and any the product already has. The form
carries the product's ``updated_at``: a product changed since it was opened is not
overwritten (409). The SEO texts (meta title and description) are kept as they are.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.context import current_context
from rustok.core.errors import NotFound
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.product_form import title_of, version_of
from rustok.modules.commerce.catalog.schemas import ProductRead, ProductUpdate, TranslationRead
from rustok.modules.commerce.catalog.visibility import ensure_visible
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.forms import VERSION_FIELD, FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import Crumb, page
from rustok.web.admin.submit import submit_form
from rustok.web.principals import principal_of

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/products"
FIELDS = {
    "translations[0].title": "title", "translations[0].handle": "handle",
    "translations[0].description": "description", "translations[0].locale": "title",
    "translations": "title",
}  # fmt: skip


def default_locale() -> str:
    tenant = current_context().tenant
    return tenant.default_locale if tenant else "en"


def locales_of(product: ProductRead) -> list[str]:
    """The tenant's enabled locales (default first), then the product's other ones."""
    tenant = current_context().tenant
    found = [default_locale(), *(loc for loc, _ in tenant.locales)] if tenant else []
    found += [t.locale for t in product.translations]
    return list(dict.fromkeys(found))


def _translation(product: ProductRead, locale: str) -> TranslationRead | None:
    return next((t for t in product.translations if t.locale == locale), None)


def _values(product: ProductRead, locale: str) -> dict[str, str]:
    found = _translation(product, locale)
    return {
        "title": found.title if found else "", "handle": found.handle if found else "",
        "description": (found.description or "") if found else "",
        VERSION_FIELD: version_of(product),
    }  # fmt: skip


def _body(posted: dict[str, str], locale: str, current: TranslationRead | None) -> ProductUpdate:
    translation = {
        "locale": locale, "title": posted.get("title", "").strip(),
        "handle": posted.get("handle", "").strip() or None,
        "description": posted.get("description", "").strip() or None,
        "meta_title": current.meta_title if current else None,
        "meta_description": current.meta_description if current else None,
    }  # fmt: skip
    return parse_form(ProductUpdate, {"translations": [translation]}, FIELDS)


def _page(
    request: AnyRequest, product: ProductRead, locale: str, form: FormState,
    status_code: int = 200,
) -> Response[str]:  # fmt: skip
    title = title_of(product, default_locale())
    label = gettext("Translation")
    return page(
        request, "commerce/product_translation.html", title=f"{title}: {locale}",
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Products"), LIST_PATH),
                Crumb(title, f"{LIST_PATH}/{product.id}"), Crumb(f"{label} {locale}")],
        product=product, locale=locale, form=form, locales=locales_of(product),
        default_locale=default_locale(), source=_translation(product, default_locale()),
        status_code=status_code,
    )  # fmt: skip


def _checked(product: ProductRead, locale: str) -> str:
    if locale not in locales_of(product):
        raise NotFound(f"the shop has no locale {locale!r}")
    return locale


class ProductTranslationAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/{product_id:uuid}/translations/{locale:str}", permission=perm.PRODUCTS_READ)
    async def edit_translation(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID],
        locale: FromPath[str],
    ) -> Response[str]:  # fmt: skip
        """The locale's texts next to the default locale's."""
        product = await commerce.catalog.get_product(product_id)
        ensure_visible(principal_of(request), product.status)
        locale = _checked(product, locale)
        return _page(request, product, locale, FormState(values=_values(product, locale)))

    @post("/{product_id:uuid}/translations/{locale:str}", permission=perm.PRODUCTS_UPDATE)
    async def save_translation(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID],
        locale: FromPath[str],
    ) -> Response[Any]:  # fmt: skip
        """Upsert the locale's translation through ``CatalogService.update_product``."""
        product = await commerce.catalog.get_product(product_id)
        locale = _checked(product, locale)
        current = _translation(product, locale)
        return await submit_form(
            request,
            lambda posted: commerce.catalog.update_product(
                product_id, _body(posted, locale, current)
            ),
            again=lambda form, status: _page(request, product, locale, form, status),
            done=(f"{LIST_PATH}/{product_id}/translations/{locale}", N_("Translation saved.")),
            version=version_of(product),
        )  # fmt: skip
