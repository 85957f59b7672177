"""``/admin/commerce/stock-locations``: the tenant's stock locations and a form to add one.

Mirrors ``GET``/``POST /api/commerce/stock-locations`` (``inventory:list`` and
``inventory:create``) through ``InventoryService``; a tenant has a handful of locations, so
the page lists them all (two statements after the session check: the default location's
check and the list). Setting stock happens on each product's page.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from rustok.core.errors import RustokError
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.inventory.schemas import StockLocationCreate
from rustok.web.admin.forms import FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import Crumb, page, redirect_with_flash

AnyRequest = Request[Any, Any, Any]
PATH = "/admin/commerce/stock-locations"


async def _page(
    request: AnyRequest, commerce: Commerce, form: FormState, status_code: int = 200
) -> Response[str]:
    locations = await commerce.inventory.list_locations()
    return page(
        request, "commerce/stock_locations.html", title=gettext("Stock locations"),
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Stock locations"))],
        locations=locations, form=form, status_code=status_code,
    )  # fmt: skip


class StockLocationAdminController(Controller):
    path = PATH
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.INVENTORY_LIST)
    async def list_locations(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """The locations, the default one first, and the form to add one."""
        return await _page(request, commerce, FormState())

    @post("/", permission=perm.INVENTORY_CREATE)
    async def create_location(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Add a location through ``InventoryService.create_location``."""
        posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        body = {"code": posted.get("code", "").strip(), "name": posted.get("name", "").strip()}
        try:
            await commerce.inventory.create_location(
                parse_form(StockLocationCreate, body, {"code": "code", "name": "name"})
            )
        except RustokError as exc:
            state = FormState.failed(posted, exc)
            if not state.errors and exc.status == 409:
                state = FormState(values=dict(posted), errors={"code": [exc.detail]})
            return await _page(request, commerce, state, exc.status)
        return redirect_with_flash(request, PATH, N_("Stock location added."))
