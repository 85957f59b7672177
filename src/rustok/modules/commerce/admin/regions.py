"""``/admin/commerce/regions``: regions and shipping methods — the lists, a form to add
each, deleting one — mirroring ``/api/commerce/regions`` and ``/api/commerce/shipping-methods``
(``settings:list``, ``settings:create``, ``settings:delete``) through ``RegionService``.

A tenant has a handful of regions and methods, so the page lists them all: three statements
(the session check, the regions, the methods), and
``tests/admin/test_regions_admin.py`` asserts the total for 50 of each. The service has no
update: a region or method is changed by deleting it and adding it again.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import RustokError
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.variant_form import to_integer, to_minor
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.regions.service import RegionCreate, ShippingMethodCreate
from rustok.web.admin.forms import FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import Crumb, page, redirect_with_flash

AnyRequest = Request[Any, Any, Any]
PATH = "/admin/commerce/regions"
REGION_FIELDS = {"name": "name", "currency_code": "currency_code",
                 "tax_rate_bps": "tax_rate_bps", "countries": "countries"}  # fmt: skip
METHOD_FIELDS = {"name": "method_name", "currency_code": "method_currency",
                 "amount": "method_amount", "region_id": "method_region"}  # fmt: skip


async def _posted(request: AnyRequest) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


async def _page(
    request: AnyRequest, commerce: Commerce, *, region_form: FormState | None = None,
    method_form: FormState | None = None, status_code: int = 200,
) -> Response[str]:  # fmt: skip
    regions = (await commerce.regions.list_regions()).items
    methods = (await commerce.regions.list_methods()).items
    names = {r.id: r.name for r in regions}
    return page(
        request, "commerce/regions.html", title=gettext("Regions and shipping"),
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Regions and shipping"))],
        regions=regions, methods=methods, region_names=names, status_code=status_code,
        region_choices=[(str(r.id), r.name) for r in regions],
        region_form=region_form or FormState(), method_form=method_form or FormState(),
    )  # fmt: skip


def _region_body(posted: dict[str, str]) -> RegionCreate:
    countries = posted.get("countries", "").replace(",", " ").upper().split()
    body = {
        "name": posted.get("name", "").strip(),
        "currency_code": posted.get("currency_code", "").strip().upper(),
        "tax_rate_bps": to_integer(posted.get("tax_rate_bps", "").strip() or "0"),
        "countries": countries,
    }
    return parse_form(RegionCreate, body, REGION_FIELDS | _indexed("countries", countries))


def _indexed(name: str, values: list[str]) -> dict[str, str]:
    """``countries[3]`` → ``countries``: an item's error shows under its list's field."""
    return {f"{name}[{n}]": name for n in range(len(values))}


def _method_body(posted: dict[str, str]) -> ShippingMethodCreate:
    currency = posted.get("method_currency", "").strip().upper()
    region = posted.get("method_region", "").strip()
    body = {
        "name": posted.get("method_name", "").strip(), "currency_code": currency,
        "amount": to_minor(posted.get("method_amount", "").strip(), currency, "method_amount"),
        "region_id": region or None,
    }  # fmt: skip
    return parse_form(ShippingMethodCreate, body, METHOD_FIELDS)


def _on_form(state: FormState, fields: dict[str, str]) -> FormState:
    """The service's body paths (``currency_code``) as the form's field names."""
    state.errors = {fields.get(k, k): v for k, v in state.errors.items()}
    return state


class RegionAdminController(Controller):
    path = PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.SETTINGS_LIST)
    async def list_regions(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """The regions, the shipping methods and the forms to add one of each."""
        return await _page(request, commerce)

    @post("/", permission=perm.SETTINGS_CREATE)
    async def create_region(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Add a region through ``RegionService.create_region``."""
        posted = await _posted(request)
        try:
            await commerce.regions.create_region(_region_body(posted))
        except RustokError as exc:
            state = _on_form(FormState.failed(posted, exc), REGION_FIELDS)
            return await _page(request, commerce, region_form=state, status_code=exc.status)
        return redirect_with_flash(request, PATH, N_("Region added."))

    @post("/{region_id:uuid}/delete", permission=perm.SETTINGS_DELETE)
    async def delete_region(
        self, commerce: Commerce, request: AnyRequest, region_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a region and its shipping methods."""
        await commerce.regions.delete_region(region_id)
        return redirect_with_flash(request, PATH, N_("Region deleted."))

    @post("/shipping-methods", permission=perm.SETTINGS_CREATE)
    async def create_method(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Add a flat-rate method through ``RegionService.create_method``."""
        posted = await _posted(request)
        try:
            await commerce.regions.create_method(_method_body(posted))
        except RustokError as exc:
            state = _on_form(FormState.failed(posted, exc), METHOD_FIELDS)
            return await _page(request, commerce, method_form=state, status_code=exc.status)
        return redirect_with_flash(request, PATH, N_("Shipping method added."))

    @post("/shipping-methods/{method_id:uuid}/delete", permission=perm.SETTINGS_DELETE)
    async def delete_method(
        self, commerce: Commerce, request: AnyRequest, method_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a shipping method."""
        await commerce.regions.delete_method(method_id)
        return redirect_with_flash(request, PATH, N_("Shipping method deleted."))
