"""``/admin/commerce/categories`` and ``/admin/commerce/collections``: the lists (by position
and handle, resp. by handle, 50 a page), a form to add one, the edit form with a stale-form
check, deleting one — mirroring ``/api/commerce/categories`` and ``/api/commerce/collections``
(``categories:*`` for both, as the REST routes) through ``TaxonomyService``.

List statements (50 rows): the session check, the count and the page (collections: 3);
categories add the parent choices of the add form (up to 100 categories: a count and a
page), 5 — ``tests/admin/test_taxonomy_admin.py`` asserts both.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.admin.variant_form import to_integer
from rustok.modules.commerce.catalog.taxonomy import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    CollectionCreate,
    CollectionRead,
    CollectionUpdate,
)
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.web.admin.forms import VERSION_FIELD, FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.admin.submit import submit_form

AnyRequest = Request[Any, Any, Any]
CATEGORIES: Final = "/admin/commerce/categories"
COLLECTIONS: Final = "/admin/commerce/collections"
# The parent select lists this many categories (the service pages by at most 100).
PARENT_CHOICES: Final = 100
CATEGORY_LIST = ListSpec(
    columns=(
        Column("name", N_("Name")), Column("handle", N_("Handle")),
        Column("parent", N_("Parent")), Column("position", N_("Position")),
    ),
    sorts=("position",), default_sort="position", searchable=False,
)  # fmt: skip
COLLECTION_LIST = ListSpec(
    columns=(Column("title", N_("Title")), Column("handle", N_("Handle"), sort="handle"),
             Column("created", N_("Created"))),
    sorts=("handle",), default_sort="handle", searchable=False,
)  # fmt: skip
FIELDS = {name: name for name in ("name", "title", "handle", "description", "parent_id",
                                  "position")}  # fmt: skip


def _text(posted: Mapping[str, str], name: str) -> str | None:
    return posted.get(name, "").strip() or None


def _category_fields(posted: Mapping[str, str]) -> dict[str, Any]:
    fields = {
        "name": posted.get("name", "").strip(), "description": _text(posted, "description"),
        "parent_id": _text(posted, "parent_id"),
        "position": to_integer(posted.get("position", "").strip() or "0"),
    }  # fmt: skip
    if handle := _text(posted, "handle"):
        fields["handle"] = handle
    return fields


def _collection_fields(posted: Mapping[str, str]) -> dict[str, Any]:
    fields = {"title": posted.get("title", "").strip(), "description": _text(posted, "description")}
    if handle := _text(posted, "handle"):
        fields["handle"] = handle
    return fields


def _ascending_only(descending: bool) -> None:
    if descending:
        raise ValidationFailed("ascending only", errors={"sort": ["ascending only"]})


class CategoryAdminController(Controller):
    path = CATEGORIES
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.CATEGORIES_LIST)
    async def list_categories(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """Categories by position and handle, and the form to add one."""
        return await _category_list(request, commerce, FormState(values={"position": "0"}))

    @post("/", permission=perm.CATEGORIES_CREATE)
    async def create_category(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Add a category through ``TaxonomyService.create_category``."""
        return await submit_form(
            request,
            lambda posted: commerce.taxonomy.create_category(
                parse_form(CategoryCreate, _category_fields(posted), FIELDS)
            ),
            again=lambda form, status: _category_list(request, commerce, form, status),
            done=(CATEGORIES, N_("Category added.")),
        )

    @get("/{category_id:uuid}", permission=perm.CATEGORIES_READ)
    async def edit_category(
        self, commerce: Commerce, request: AnyRequest, category_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """A category's form."""
        category = await commerce.taxonomy.get_category(category_id)
        values = {
            "name": category.name, "handle": category.handle,
            "description": category.description or "", "position": str(category.position),
            "parent_id": str(category.parent_id or ""),
            VERSION_FIELD: category.updated_at.isoformat(),
        }  # fmt: skip
        return await _category_edit(request, commerce, category, FormState(values=values))

    @post("/{category_id:uuid}", permission=perm.CATEGORIES_UPDATE)
    async def update_category(
        self, commerce: Commerce, request: AnyRequest, category_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Save through ``TaxonomyService.update_category`` unless it changed meanwhile."""
        current = await commerce.taxonomy.get_category(category_id)
        return await submit_form(
            request,
            lambda posted: commerce.taxonomy.update_category(
                category_id, parse_form(CategoryUpdate, _category_fields(posted), FIELDS)
            ),
            again=lambda form, status: _category_edit(request, commerce, current, form, status),
            done=(f"{CATEGORIES}/{category_id}", N_("Saved.")),
            version=current.updated_at.isoformat(),
        )

    @post("/{category_id:uuid}/delete", permission=perm.CATEGORIES_DELETE)
    async def delete_category(
        self, commerce: Commerce, request: AnyRequest, category_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a category; its children move up to its parent."""
        await commerce.taxonomy.delete_category(category_id)
        return redirect_with_flash(request, CATEGORIES, N_("Category deleted."))


async def _parents(commerce: Commerce, but: uuid.UUID | None = None) -> list[tuple[str, str]]:
    found = await commerce.taxonomy.list_categories(1, PARENT_CHOICES)
    return [("", gettext("none (top level)"))] + [
        (str(c.id), c.name) for c in found.items if c.id != but
    ]


async def _category_list(
    request: AnyRequest, commerce: Commerce, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, CATEGORY_LIST)
    _ascending_only(query.descending)
    result = await commerce.taxonomy.list_categories(query.page, PER_PAGE)
    parents = await _parents(commerce)
    return page(
        request, "commerce/categories_list.html", title=gettext("Product categories"),
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Product categories"))],
        view=ListView(CATEGORY_LIST, query, CATEGORIES, result.items, result.total), form=form,
        parents=parents, parent_names=dict(parents), status_code=status_code,
    )  # fmt: skip


async def _category_edit(
    request: AnyRequest, commerce: Commerce, category: CategoryRead, form: FormState,
    status_code: int = 200,
) -> Response[str]:  # fmt: skip
    return page(
        request, "commerce/category_edit.html", title=category.name,
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Product categories"), CATEGORIES),
                Crumb(category.name)],
        category=category, form=form, parents=await _parents(commerce, category.id),
        status_code=status_code,
    )  # fmt: skip


class CollectionAdminController(Controller):
    path = COLLECTIONS
    dependencies = COMMERCE_DEPENDENCIES
    include_in_schema = False

    @get("/", permission=perm.CATEGORIES_LIST)
    async def list_collections(self, commerce: Commerce, request: AnyRequest) -> Response[str]:
        """Collections by handle, and the form to add one."""
        return await _collection_list(request, commerce, FormState())

    @post("/", permission=perm.CATEGORIES_CREATE)
    async def create_collection(self, commerce: Commerce, request: AnyRequest) -> Response[Any]:
        """Add a collection through ``TaxonomyService.create_collection``."""
        return await submit_form(
            request,
            lambda posted: commerce.taxonomy.create_collection(
                parse_form(CollectionCreate, _collection_fields(posted), FIELDS)
            ),
            again=lambda form, status: _collection_list(request, commerce, form, status),
            done=(COLLECTIONS, N_("Collection added.")),
        )

    @get("/{collection_id:uuid}", permission=perm.CATEGORIES_READ)
    async def edit_collection(
        self, commerce: Commerce, request: AnyRequest, collection_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """A collection's form."""
        collection = await commerce.taxonomy.get_collection(collection_id)
        values = {
            "title": collection.title, "handle": collection.handle,
            "description": collection.description or "",
            VERSION_FIELD: collection.updated_at.isoformat(),
        }  # fmt: skip
        return _collection_edit(request, collection, FormState(values=values))

    @post("/{collection_id:uuid}", permission=perm.CATEGORIES_UPDATE)
    async def update_collection(
        self, commerce: Commerce, request: AnyRequest, collection_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Save through ``TaxonomyService.update_collection`` unless it changed meanwhile."""
        current = await commerce.taxonomy.get_collection(collection_id)
        return await submit_form(
            request,
            lambda posted: commerce.taxonomy.update_collection(
                collection_id, parse_form(CollectionUpdate, _collection_fields(posted), FIELDS)
            ),
            again=lambda form, status: _collection_edit(request, current, form, status),
            done=(f"{COLLECTIONS}/{collection_id}", N_("Saved.")),
            version=current.updated_at.isoformat(),
        )

    @post("/{collection_id:uuid}/delete", permission=perm.CATEGORIES_DELETE)
    async def delete_collection(
        self, commerce: Commerce, request: AnyRequest, collection_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a collection."""
        await commerce.taxonomy.delete_collection(collection_id)
        return redirect_with_flash(request, COLLECTIONS, N_("Collection deleted."))


async def _collection_list(
    request: AnyRequest, commerce: Commerce, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, COLLECTION_LIST)
    _ascending_only(query.descending)
    result = await commerce.taxonomy.list_collections(query.page, PER_PAGE)
    return page(
        request, "commerce/collections_list.html", title=gettext("Collections"),
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Collections"))],
        view=ListView(COLLECTION_LIST, query, COLLECTIONS, result.items, result.total),
        form=form, status_code=status_code,
    )  # fmt: skip


def _collection_edit(
    request: AnyRequest, collection: CollectionRead, form: FormState, status_code: int = 200
) -> Response[str]:
    return page(
        request, "commerce/collection_edit.html", title=collection.title,
        crumbs=[Crumb(gettext("Commerce")), Crumb(gettext("Collections"), COLLECTIONS),
                Crumb(collection.title)],
        collection=collection, form=form, status_code=status_code,
    )  # fmt: skip
