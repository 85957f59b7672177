"""``/admin/content/categories``: content categories (names per locale, parent, position) —
the list, a form adding one, the edit form (one locale's name at a time, the parent and the
position, with a stale-form check) and deleting one — through ``CategoryService`` with the
permissions of ``/api/content/categories`` (the list is public over REST, so the admin asks
for ``categories:list`` and a category's form ``categories:read``, as the tags screen
and the commerce categories do).

List statements (50 rows): the session check, the count, the page and the names in one
batch, then the add form's parent choices (up to 100: the same three) — 7, asserted by
``tests/admin/test_content_categories_admin.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import RustokError, ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.content.admin.editor import form_failed, posted_strings, tenant_locales
from rustok.modules.content.admin.screens import edit_chain
from rustok.modules.content.taxonomy.categories import CategoryService
from rustok.modules.content.taxonomy.schemas import CategoryCreate, CategoryRead, CategoryUpdate
from rustok.modules.content.web import CONTENT_DEPENDENCIES
from rustok.web.admin.forms import VERSION_FIELD, FormState, ensure_fresh, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
PATH: Final = "/admin/content/categories"
PARENT_CHOICES: Final = 100
CATEGORY_LIST = ListSpec(
    columns=(Column("name", N_("Name")), Column("slug", N_("Slug")),
             Column("locales", N_("Languages")), Column("position", N_("Position"))),
    sorts=("position",), default_sort="position", searchable=False,
)  # fmt: skip
FIELDS: Final = {
    "translations[0].name": "name", "translations[0].locale": "locale",
    "translations[0].slug": "slug", "translations[0].description": "description",
    "translations": "name", "parent_id": "parent_id", "position": "position",
}  # fmt: skip


def _body(posted: Mapping[str, str]) -> dict[str, Any]:
    raw_position = posted.get("position", "").strip() or "0"
    name = {
        "locale": posted.get("locale", ""), "name": posted.get("name", "").strip(),
        "slug": posted.get("slug", "").strip() or None,
        "description": posted.get("description", "").strip() or None,
    }  # fmt: skip
    return {
        "translations": [name], "parent_id": posted.get("parent_id", "").strip() or None,
        "position": int(raw_position) if raw_position.isdigit() else raw_position,
    }  # fmt: skip


def _locales(category: CategoryRead) -> list[str]:
    """The tenant's locales, then any other the category has a name in."""
    own = [t.locale for t in category.translations if t.locale not in tenant_locales()]
    return [*tenant_locales(), *own]


async def _parents(platform: Platform, but: uuid.UUID | None = None) -> list[tuple[str, str]]:
    found = await CategoryService(platform).list_categories(
        edit_chain(), parent_id=None, page=1, per_page=PARENT_CHOICES
    )
    return [("", gettext("none (top level)"))] + [
        (str(c.id), c.name) for c in found.items if c.id != but
    ]


class ContentCategoryAdminController(Controller):
    path = PATH
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="categories:list")
    async def list_categories(self, platform: PlatformDep, request: AnyRequest) -> Response[str]:
        """Categories in position order, 50 a page, and the form adding one."""
        form = FormState(values={"locale": tenant_locales()[0], "position": "0"})
        return await _list_page(platform, request, form)

    @post("/", permission="categories:create")
    async def create_category(self, platform: PlatformDep, request: AnyRequest) -> Response[Any]:
        """Add a category through ``CategoryService.create_category`` (the REST POST)."""
        posted = posted_strings(await request.form())
        try:
            body = parse_form(CategoryCreate, _body(posted), FIELDS)
            await CategoryService(platform).create_category(body, edit_chain())
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            failed = form_failed(posted, exc, FIELDS)
            return await _list_page(platform, request, failed, status_code=exc.status)
        return redirect_with_flash(request, PATH, N_("Category added."))

    @get("/{category_id:uuid}", permission="categories:read")
    async def edit_category(
        self, platform: PlatformDep, request: AnyRequest, category_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """A category's form in the locale asked for (``?locale=``, else the first one)."""
        category = await CategoryService(platform).get_category(category_id, edit_chain())
        locale = request.query_params.get("locale") or tenant_locales()[0]
        if locale not in _locales(category):
            allowed = [f"one of {_locales(category)}"]
            raise ValidationFailed("unknown locale", errors={"locale": allowed})
        own = next((t for t in category.translations if t.locale == locale), None)
        values = {
            "locale": locale, "name": own.name if own else "", "slug": own.slug if own else "",
            "description": (own.description or "") if own else "",
            "parent_id": str(category.parent_id or ""), "position": str(category.position),
            VERSION_FIELD: category.updated_at.isoformat(),
        }  # fmt: skip
        return await _edit_page(platform, request, category, FormState(values=values))

    @post("/{category_id:uuid}", permission="categories:update")
    async def update_category(
        self, platform: PlatformDep, request: AnyRequest, category_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Save one locale's name, the parent and the position through
        ``CategoryService.update_category`` unless the category changed meanwhile."""
        posted = posted_strings(await request.form())
        service = CategoryService(platform)
        current = await service.get_category(category_id, edit_chain())
        try:
            ensure_fresh(current.updated_at.isoformat(), posted)
            body = parse_form(CategoryUpdate, _body(posted), FIELDS)
            await service.update_category(category_id, body, edit_chain())
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            failed = form_failed(posted, exc, FIELDS)
            return await _edit_page(platform, request, current, failed, exc.status)
        return redirect_with_flash(request, f"{PATH}/{category_id}", N_("Saved."))

    @post("/{category_id:uuid}/delete", permission="categories:delete")
    async def delete_category(
        self, platform: PlatformDep, request: AnyRequest, category_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a category; its nodes and subcategories keep existing without it."""
        await CategoryService(platform).delete_category(category_id)
        return redirect_with_flash(request, PATH, N_("Category deleted."))


async def _list_page(
    platform: Platform, request: AnyRequest, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, CATEGORY_LIST)
    if query.descending:
        raise ValidationFailed("ascending only", errors={"sort": ["ascending only"]})
    result = await CategoryService(platform).list_categories(
        edit_chain(), parent_id=None, page=query.page, per_page=PER_PAGE
    )
    title = gettext("Categories")
    return page(
        request, "content/categories_list.html", title=title, status_code=status_code,
        crumbs=[Crumb(gettext("Content")), Crumb(title)], form=form,
        locales=[(loc, loc) for loc in tenant_locales()], parents=await _parents(platform),
        view=ListView(CATEGORY_LIST, query, PATH, result.items, result.total),
    )  # fmt: skip


async def _edit_page(
    platform: Platform, request: AnyRequest, category: CategoryRead, form: FormState,
    status_code: int = 200,
) -> Response[str]:  # fmt: skip
    return page(
        request, "content/category_edit.html", title=category.name, status_code=status_code,
        crumbs=[Crumb(gettext("Content")), Crumb(gettext("Categories"), PATH),
                Crumb(category.name)],
        category=category, form=form, locales=[(loc, loc) for loc in _locales(category)],
        parents=await _parents(platform, category.id),
    )  # fmt: skip
