"""``/admin/content/tags``: the tags (names per locale) and a form adding one, through
``TagService`` with the permissions of ``/api/content/tags`` (the list is public over REST,
so the admin asks for ``categories:list``; creating needs ``categories:create``).

List statements (50 rows): the session check, the count, the page and the tags' names in
one batch — ``tests/admin/test_content_admin.py`` asserts the total.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from rustok.core.errors import RustokError
from rustok.core.platform import Platform
from rustok.modules.content.admin.editor import form_failed, posted_strings, tenant_locales
from rustok.modules.content.admin.paths import TAGS_PATH
from rustok.modules.content.admin.screens import edit_chain
from rustok.modules.content.taxonomy.schemas import TagCreate
from rustok.modules.content.taxonomy.tags import TagService
from rustok.modules.content.web import CONTENT_DEPENDENCIES
from rustok.web.admin.forms import FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
TAG_LIST = ListSpec(
    columns=(Column("name", N_("Name")), Column("slug", N_("Slug")),
             Column("locales", N_("Languages")), Column("created", N_("Created"))),
    sorts=("created",), default_sort="created", searchable=False,
)  # fmt: skip
FIELDS = {
    "translations[0].name": "name", "translations[0].locale": "locale",
    "translations[0].slug": "slug", "translations": "name",
}  # fmt: skip


class TagAdminController(Controller):
    path = TAGS_PATH
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="categories:list")
    async def list_tags(self, platform: PlatformDep, request: AnyRequest) -> Response[str]:
        """Tags, oldest first, 50 a page, and the form adding one."""
        return await _list_page(platform, request, FormState(values={"locale": _locale()}))

    @post("/", permission="categories:create")
    async def create_tag(self, platform: PlatformDep, request: AnyRequest) -> Response[Any]:
        """Add a tag through ``TagService.create_tag`` (the REST POST)."""
        posted = posted_strings(await request.form())
        name = {"locale": posted.get("locale", ""), "name": posted.get("name", "").strip(),
                "slug": posted.get("slug", "").strip() or None}  # fmt: skip
        try:
            body = parse_form(TagCreate, {"translations": [name]}, FIELDS)
            await TagService(platform).create_tag(body, edit_chain())
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            failed = form_failed(posted, exc, FIELDS)
            return await _list_page(platform, request, failed, status_code=exc.status)
        return redirect_with_flash(request, TAGS_PATH, N_("Created."))


def _locale() -> str:
    return tenant_locales()[0]


async def _list_page(
    platform: Platform, request: AnyRequest, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, TAG_LIST)
    result = await TagService(platform).list_tags(edit_chain(), page=query.page, per_page=PER_PAGE)
    title = gettext("Tags")
    return page(
        request, "content/tags_list.html", title=title, status_code=status_code,
        crumbs=[Crumb(gettext("Content")), Crumb(title)], form=form,
        locales=[(loc, loc) for loc in tenant_locales()],
        view=ListView(TAG_LIST, query, TAGS_PATH, result.items, result.total),
    )  # fmt: skip
