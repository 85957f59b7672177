"""``/admin/commerce/products/{id}/images``: a product's images — attach one from the media
library or by URL, remove one — mirroring ``POST``/``DELETE
/api/commerce/products/{id}/images…`` (``products:update``) through
``CatalogService.add_image``/``remove_image``; the page itself needs ``products:read``.

A library image is attached with its public URL (``/media/{tenant}/{id}/{name}``), made
absolute with ``RUSTOK_PUBLIC_URL`` or, without it, with the address the admin was reached
at; the library's choices come from content's interface (``library_images``), so commerce
never reads content's tables. Thumbnails are shown for library images only: the admin's CSP
loads images from its own origin.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.context import current_context
from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.product_form import title_of
from rustok.modules.commerce.admin.variant_form import to_integer
from rustok.modules.commerce.catalog.schemas import ImageInput, ProductRead
from rustok.modules.commerce.catalog.visibility import ensure_visible
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.content.interface import ImageChoice, library_images
from rustok.web.admin.forms import FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.admin.submit import submit_form
from rustok.web.deps import platform_from_state
from rustok.web.principals import principal_of

AnyRequest = Request[Any, Any, Any]
LIST_PATH = "/admin/commerce/products"
FIELDS = {"url": "url", "media_id": "media_id", "alt_text": "alt_text", "position": "position"}


class ImageChoiceId(msgspec.Struct, frozen=True):
    media_id: uuid.UUID


def _locale() -> str:
    tenant = current_context().tenant
    return tenant.default_locale if tenant else "en"


async def _choices(request: AnyRequest, ids: list[uuid.UUID] | None = None) -> list[ImageChoice]:
    platform = platform_from_state(request.app.state)
    async with platform.db.read_session() as session:
        return await library_images(session, ids=ids)


def _absolute(request: AnyRequest, path: str) -> str:
    base = platform_from_state(request.app.state).settings.public_url or str(request.base_url)
    return base.rstrip("/") + path


async def _body(request: AnyRequest, posted: dict[str, str]) -> ImageInput:
    chosen = posted.get("media_id", "").strip()
    url = posted.get("url", "").strip()
    if bool(chosen) == bool(url):
        message = "choose an image of the library or give a URL (one of them)"
        raise ValidationFailed(message, errors={"media_id": [message]})
    body: dict[str, Any] = {
        "alt_text": posted.get("alt_text", "").strip() or None,
        "position": to_integer(posted.get("position", "").strip() or "0"),
    }
    if chosen:
        media_id = parse_form(ImageChoiceId, {"media_id": chosen}, FIELDS).media_id
        found = await _choices(request, [media_id])
        # An id that is no image of this tenant's library (forged, another tenant's) goes
        # to the service as it is: the service refuses it (UNKNOWN_MEDIA) as REST does.
        path = found[0].path if found else f"/media/{current_context().tenant_id}/{chosen}/-"
        body.update(media_id=chosen, url=_absolute(request, path))
    else:
        body["url"] = url
    return parse_form(ImageInput, body, FIELDS)


async def _page(
    request: AnyRequest, product: ProductRead, form: FormState, status_code: int = 200
) -> Response[str]:
    title = title_of(product, _locale())
    library = await _choices(request)
    in_library = {c.id for c in library}
    return page(
        request, "commerce/product_images.html", title=f"{title}: {gettext('Images')}",
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Products"), LIST_PATH),
                Crumb(title, f"{LIST_PATH}/{product.id}"), Crumb(gettext("Images"))],
        product=product, form=form, library=library, in_library=in_library,
        images=sorted(product.images, key=lambda i: (i.position, str(i.id))),
        status_code=status_code,
    )  # fmt: skip


class ProductImageAdminController(Controller):
    path = LIST_PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/{product_id:uuid}/images", permission=perm.PRODUCTS_READ)
    async def images(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """The product's images and the form to attach one."""
        product = await commerce.catalog.get_product(product_id)
        ensure_visible(principal_of(request), product.status)
        return await _page(request, product, FormState(values={"position": "0"}))

    @post("/{product_id:uuid}/images", permission=perm.PRODUCTS_UPDATE)
    async def attach(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Attach an image through ``CatalogService.add_image``."""
        product = await commerce.catalog.get_product(product_id)
        ensure_visible(principal_of(request), product.status)

        async def save(posted: dict[str, str]) -> ProductRead:
            return await commerce.catalog.add_image(product_id, await _body(request, posted))

        return await submit_form(
            request, save, again=lambda form, status: _page(request, product, form, status),
            done=(f"{LIST_PATH}/{product_id}/images", N_("Image attached.")),
        )  # fmt: skip

    @post("/{product_id:uuid}/images/{image_id:uuid}/delete", permission=perm.PRODUCTS_UPDATE)
    async def remove(
        self, commerce: Commerce, request: AnyRequest, product_id: FromPath[uuid.UUID],
        image_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Detach an image through ``CatalogService.remove_image`` (the file stays in the
        library)."""
        await commerce.catalog.remove_image(product_id, image_id)
        back = f"{LIST_PATH}/{product_id}/images"
        return redirect_with_flash(request, back, N_("Image removed."))
