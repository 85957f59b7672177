"""``/admin/pages/menus``: navigation menus (one per location), through ``MenuService`` with
the permissions of ``/api/pages/menus`` (``pages:*``; reads are public over REST, so the admin
asks for ``pages:list``/``pages:read``).

The edit form is the menu's name and its items as rows (``menu_form``); saving is the REST
PATCH with ``items`` replacing the tree. A form shown before the menu's last change is
refused (``ensure_fresh`` on ``updated_at``).

List statements: the session check, the count, the menus and their items in one batch —
``tests/admin/test_pages_admin.py`` asserts the total.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import RustokError
from rustok.modules.content.admin.editor import form_failed, posted_strings, tenant_locales
from rustok.modules.content.admin.screens import edit_chain
from rustok.modules.content.interface import ContentAccess
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep
from rustok.modules.pages.admin.menu_form import (
    LEVELS,
    MenuRow,
    apply_op,
    error_field,
    menu_items,
    posted_rows,
    read_rows,
    row_values,
)
from rustok.modules.pages.admin.paths import MENUS_PATH
from rustok.modules.pages.events import MenuLocation
from rustok.modules.pages.menus import MenuLocationTaken, MenuService
from rustok.modules.pages.schemas import MenuCreate, MenuRead, MenuUpdate
from rustok.modules.pages.service import PageService
from rustok.web.admin.forms import VERSION_FIELD, FormState, ensure_fresh, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
LOCATIONS: tuple[MenuLocation, ...] = ("header", "footer", "sidebar", "mobile")
# The location names, marked for the catalogue (the list's filter and the forms show them).
LOCATION_LABELS = (N_("header"), N_("footer"), N_("sidebar"), N_("mobile"))
# The page choices of an item's link: the first pages in position order.
PAGE_CHOICES = 100
MENU_LIST = ListSpec(
    columns=(
        Column("name", N_("Name")), Column("location", N_("Location"), sort="location"),
        Column("items", N_("Items")), Column("updated", N_("Updated")),
    ),
    sorts=("location",), default_sort="location", filters={"location": LOCATIONS},
    searchable=False,
)  # fmt: skip
NEW_FIELDS = {"name": "name", "location": "location"}
_ROW_KEY = re.compile(r"^i\d+-")


def _version(menu: MenuRead) -> str:
    return menu.updated_at.isoformat()


def _count(items: list[Any]) -> int:
    return sum(1 + _count(i.children) for i in items)


def _menu_locales(rows: list[MenuRow]) -> list[str]:
    locales = tenant_locales()
    return locales + sorted({loc for r in rows for loc in r.labels if loc not in locales})


class _ErrorFields(Mapping[str, str]):
    def __init__(self, paths: Mapping[str, int]) -> None:
        self._paths = paths

    def __getitem__(self, key: str) -> str:
        if key == "name":
            return key
        found = error_field(key, self._paths)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(("name",))

    def __len__(self) -> int:
        return 1


async def _page_choices(platform: Any, access: ContentAccess) -> list[tuple[str, str]]:
    pages = await PageService(platform, access).list(
        edit_chain(), status=None, parent_id=None, page=1, per_page=PAGE_CHOICES
    )
    return [(str(p.id), f"{p.title} (/{p.slug})") for p in pages.items]


async def _render_edit(
    request: AnyRequest, platform: Any, access: ContentAccess, menu: MenuRead, form: FormState,
    status_code: int = 200,
) -> Response[str]:  # fmt: skip
    locales = _menu_locales(read_rows(menu.items))
    rows = posted_rows(form.values, locales)
    known = {"name"} | {f"i{n}{s}" for n in range(len(rows))
                        for s in ("", "-level", "-url", "-page", "-labels")}  # fmt: skip
    other = {k: v for k, v in form.errors.items() if k not in known}
    return page(
        request, "pages/menu_edit.html", title=menu.name, status_code=status_code,
        crumbs=[Crumb(gettext("Menus"), MENUS_PATH), Crumb(menu.name)],
        menu=menu, form=form, rows=rows, locales=locales, levels=LEVELS,
        pages=await _page_choices(platform, access), other_errors=other, base_path=MENUS_PATH,
    )  # fmt: skip


def _new_page(request: AnyRequest, form: FormState, status_code: int = 200) -> Response[str]:
    title = gettext("New menu")
    return page(
        request, "pages/menu_new.html", title=title, status_code=status_code, form=form,
        crumbs=[Crumb(gettext("Menus"), MENUS_PATH), Crumb(title)],
        action=f"{MENUS_PATH}/new", locations=[(loc, gettext(loc)) for loc in LOCATIONS],
    )  # fmt: skip


class MenuAdminController(Controller):
    path = MENUS_PATH
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="pages:list")
    async def list_menus(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[str]:
        """The tenant's menus (at most one per location), by location."""
        query = list_query(request, MENU_LIST)
        result = await MenuService(platform, access).list(
            edit_chain(), location=query.filters.get("location"), page=query.page,
            per_page=PER_PAGE,
        )  # fmt: skip
        items = sorted(result.items, key=lambda m: m.location, reverse=query.descending)
        title = gettext("Menus")
        return page(
            request, "pages/menus_list.html", title=title, crumbs=[Crumb(title)],
            view=ListView(MENU_LIST, query, MENUS_PATH, items, result.total),
            counts={m.id: _count(m.items) for m in items}, new_path=f"{MENUS_PATH}/new",
        )  # fmt: skip

    @get("/new", permission="pages:create")
    async def new_form(self, request: AnyRequest) -> Response[str]:
        """A new menu's name and location (its items are the edit form's)."""
        return _new_page(request, FormState(values={"location": LOCATIONS[0]}))

    @post("/new", permission="pages:create")
    async def create(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[Any]:
        """Create an empty menu through ``MenuService.create`` (the REST POST), then edit it."""
        posted = posted_strings(await request.form())
        data = {"name": posted.get("name", "").strip(), "location": posted.get("location", "")}
        try:
            body = parse_form(MenuCreate, data, NEW_FIELDS)
            created = await MenuService(platform, access).create(body, edit_chain())
        except MenuLocationTaken as exc:  # the location's field, not the form's top
            form = FormState(values=dict(posted), errors={"location": [exc.detail]})
            return _new_page(request, form, exc.status)
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            return _new_page(request, form_failed(posted, exc, NEW_FIELDS), exc.status)
        return redirect_with_flash(request, f"{MENUS_PATH}/{created.id}", N_("Created."))

    @get("/{menu_id:uuid}", permission="pages:read")
    async def edit_form(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        menu_id: FromPath[uuid.UUID],
    ) -> Response[str]:  # fmt: skip
        """A menu's name and its items, one row each, with their level and link."""
        menu = await MenuService(platform, access).get(menu_id, edit_chain())
        rows = read_rows(menu.items)
        values = {VERSION_FIELD: _version(menu), "name": menu.name,
                  **row_values(rows, _menu_locales(rows))}  # fmt: skip
        return await _render_edit(request, platform, access, menu, FormState(values=values))

    @post("/{menu_id:uuid}", permission="pages:update")
    async def save(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        menu_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Add, remove or move a row (the form again, nothing saved), or save the name and
        items through ``MenuService.update`` (the REST PATCH)."""
        service = MenuService(platform, access)
        posted = posted_strings(await request.form())
        menu = await service.get(menu_id, edit_chain())
        locales = _menu_locales(read_rows(menu.items))
        rows = posted_rows(posted, locales)
        op = posted.get("op", "save")
        if op != "save":
            rows = apply_op(rows, op, locales)
            values = {k: v for k, v in posted.items() if not _ROW_KEY.match(k)}
            values.update(row_values(rows, locales))
            return await _render_edit(request, platform, access, menu, FormState(values=values))
        paths: dict[str, int] = {}
        try:
            ensure_fresh(_version(menu), posted)
            items, paths = menu_items(rows)
            body = parse_form(
                MenuUpdate, {"name": posted.get("name", "").strip(), "items": items},
                _ErrorFields(paths),
            )  # fmt: skip
            await service.update(menu_id, body, edit_chain())
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            state = form_failed(posted, exc, _ErrorFields(paths))
            return await _render_edit(request, platform, access, menu, state, exc.status)
        return redirect_with_flash(request, f"{MENUS_PATH}/{menu_id}", N_("Saved."))

    @post("/{menu_id:uuid}/delete", permission="pages:delete")
    async def delete_menu(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        menu_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Delete a menu and its items."""
        await MenuService(platform, access).delete(menu_id)
        return redirect_with_flash(request, MENUS_PATH, N_("Menu deleted."))
