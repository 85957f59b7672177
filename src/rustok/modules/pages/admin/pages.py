"""``/admin/pages/pages``: pages and their blocks, through ``PageService`` with the permissions of
``/api/pages`` (``pages:*``; reads are public over REST, so the admin asks for
``pages:list``/``pages:read``).

The edit form shows one locale at a time (tabs link the others, an untranslated one starts
empty): its title, slug, SEO fields and blocks (``block_form``), plus the page's template.
Saving is the REST PATCH with that locale's translation; a form shown before the page's last
change is refused (``ensure_fresh`` on ``updated_at``).

List statements (50 rows): the session check, the count, the page and ``NodeReader``'s
batched loads — ``tests/admin/test_pages_admin.py`` asserts the total.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery

from rustok.core.errors import RustokError, ValidationFailed
from rustok.modules.content.admin.editor import (
    ACTION_LABELS,
    STATUSES,
    actions_allowed,
    form_failed,
    posted_action,
    posted_strings,
    tenant_locales,
)
from rustok.modules.content.admin.screens import edit_chain, list_chain
from rustok.modules.content.interface import NodeAction, NodeSort
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep
from rustok.modules.pages.admin.block_form import (
    BLOCK_LABELS,
    PostedBlock,
    apply_op,
    block_payload,
    error_field,
    form_values,
    from_blocks,
    number,
    posted_blocks,
)
from rustok.modules.pages.admin.paths import PAGES_PATH
from rustok.modules.pages.blocks import BLOCK_TYPES
from rustok.modules.pages.schemas import PageCreate, PageRead, PageUpdate
from rustok.modules.pages.service import PageService
from rustok.web.admin.forms import VERSION_FIELD, FormState, ensure_fresh, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
PAGE_FIELDS = ("title", "slug", "meta_title", "meta_description")
_BLOCK_KEY = re.compile(r"^b\d+-")
NEW_FIELDS = {
    "translations[0].title": "title", "translations[0].locale": "locale",
    "translations[0].slug": "slug", "translations": "title",
}  # fmt: skip


def page_list_spec() -> ListSpec:
    return ListSpec(
        columns=(
            Column("title", N_("Title")), Column("status", N_("Status")),
            Column("locales", N_("Languages")), Column("template", N_("Template")),
            Column("position", N_("Position"), sort="position"),
            Column("updated", N_("Updated"), sort="updated_at"),
            Column("published", N_("Published"), sort="published_at"),
        ),
        sorts=("position", "created_at", "updated_at", "published_at"),
        default_sort="-updated_at",
        filters={"status": STATUSES, "locale": tuple(tenant_locales())},
    )  # fmt: skip


def page_actions(read: PageRead) -> list[NodeAction]:
    """The transitions the content state machine allows from the page's status now."""
    return actions_allowed(read.status, read.published_at, None)


def _version(read: PageRead) -> str:
    return read.updated_at.isoformat()


def _page_locales(read: PageRead) -> list[str]:
    own = [t.locale for t in read.translations]
    return own + [loc for loc in tenant_locales() if loc not in own]


def _shown_values(read: PageRead, locale: str) -> dict[str, str]:
    """The form of ``read`` in ``locale`` (empty fields for a locale not translated yet)."""
    values = {VERSION_FIELD: _version(read), "locale": locale, "template": read.template,
              "position": str(read.position)}  # fmt: skip
    if read.locale != locale:
        return values
    values.update(
        title=read.title, slug=read.slug, meta_title=read.meta_title or "",
        meta_description=read.meta_description or "",
    )  # fmt: skip
    values.update(form_values(from_blocks(read.blocks or [])))
    return values


class _ErrorFields(Mapping[str, str]):
    """Error paths of the PATCH body → the form's fields (blocks through ``error_field``)."""

    def __init__(self, blocks: list[PostedBlock]) -> None:
        self._blocks = blocks
        self._static = {f"translations[0].{name}": name for name in PAGE_FIELDS}
        self._static.update({
            "translations[0]": "title", "translations": "title",
            "translations[0].blocks": "blocks", "template": "template", "position": "position",
        })  # fmt: skip

    def __getitem__(self, key: str) -> str:
        found = error_field(key, self._blocks)
        if found is not None:
            return found
        return self._static[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._static)

    def __len__(self) -> int:
        return len(self._static)


def _field_names(blocks: list[PostedBlock]) -> set[str]:
    names = {*PAGE_FIELDS, "template", "position", "blocks"}
    for index, block in enumerate(blocks):
        names.add(f"b{index}")
        names.update(f"b{index}-{f.name}" for f in block.fields)
    return names


def _render_edit(
    request: AnyRequest, read: PageRead, locale: str, form: FormState, status_code: int = 200
) -> Response[str]:
    blocks = posted_blocks(form.values)
    other = {k: v for k, v in form.errors.items() if k not in _field_names(blocks)}
    title = read.title
    return page(
        request, "pages/page_edit.html", title=title, status_code=status_code,
        crumbs=[Crumb(gettext("Pages"), PAGES_PATH), Crumb(title)],
        item=read, locale=locale, locales=list(dict.fromkeys([*_page_locales(read), locale])),
        translated={t.locale for t in read.translations}, form=form, blocks=blocks,
        other_errors=other, block_types=[(t, BLOCK_LABELS[t]) for t in BLOCK_TYPES],
        block_labels=BLOCK_LABELS, actions=page_actions(read), action_labels=ACTION_LABELS,
        base_path=PAGES_PATH,
    )  # fmt: skip


def _new_page(request: AnyRequest, form: FormState, status_code: int = 200) -> Response[str]:
    title = gettext("New page")
    return page(
        request, "pages/page_new.html", title=title, status_code=status_code, form=form,
        crumbs=[Crumb(gettext("Pages"), PAGES_PATH), Crumb(title)],
        action=f"{PAGES_PATH}/new", locales=[(loc, loc) for loc in tenant_locales()],
    )  # fmt: skip


def _edit_locale(raw: str | None) -> str:
    if raw is None:
        return edit_chain()[0]
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", raw):
        raise ValidationFailed("bad locale", errors={"locale": ["is not a language tag"]})
    return raw


def _translation_patch(posted: Mapping[str, str], blocks: list[PostedBlock]) -> dict[str, Any]:
    patch: dict[str, Any] = {
        "locale": posted.get("locale", ""), "title": posted.get("title", "").strip(),
        "meta_title": posted.get("meta_title", "").strip() or None,
        "meta_description": posted.get("meta_description", "").strip() or None,
        "blocks": [block_payload(b) for b in blocks],
    }  # fmt: skip
    if posted.get("slug", "").strip():
        patch["slug"] = posted["slug"].strip()
    return patch


async def _remove_locale(
    request: AnyRequest, service: PageService, read: PageRead, locale: str,
    posted: Mapping[str, str],
) -> Response[Any]:  # fmt: skip
    """Drop the form's locale (the REST PATCH's ``remove_locales``); a page keeps one."""
    try:
        ensure_fresh(_version(read), posted)
        await service.update(read.id, PageUpdate(remove_locales=[locale]), [locale])
    except RustokError as exc:
        if exc.status in (403, 404):
            raise
        state = form_failed(posted, exc, {})  # shown above the form
        return _render_edit(request, read, locale, state, status_code=exc.status)
    return redirect_with_flash(request, f"{PAGES_PATH}/{read.id}", N_("Translation removed."))


class PageAdminController(Controller):
    path = PAGES_PATH
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="pages:list")
    async def list_pages(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[str]:
        """Pages: search titles, filter by status and locale, sort, 50 a page."""
        spec = page_list_spec()
        query = list_query(request, spec)
        sort: NodeSort = query.sort  # type: ignore[assignment]  # list_query checked it
        status = query.filters.get("status")
        result = await PageService(platform, access).list(
            list_chain(query), status=status, parent_id=None,  # type: ignore[arg-type]
            page=query.page, per_page=PER_PAGE, q=query.q, locale=query.filters.get("locale"),
            sort=sort,
        )  # fmt: skip
        title = gettext("Pages")
        return page(
            request, "pages/pages_list.html", title=title, crumbs=[Crumb(title)],
            view=ListView(spec, query, PAGES_PATH, result.items, result.total),
            new_path=f"{PAGES_PATH}/new",
        )  # fmt: skip

    @get("/new", permission="pages:create")
    async def new_form(self, request: AnyRequest) -> Response[str]:
        """A new page's first title (a draft; blocks and the rest are the edit form's)."""
        return _new_page(request, FormState(values={"locale": tenant_locales()[0]}))

    @post("/new", permission="pages:create")
    async def create(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[Any]:
        """Create a draft through ``PageService.create`` (the REST POST), then edit it."""
        posted = posted_strings(await request.form())
        translation: dict[str, Any] = {
            "locale": posted.get("locale", ""), "title": posted.get("title", "").strip(),
        }  # fmt: skip
        if posted.get("slug", "").strip():
            translation["slug"] = posted["slug"].strip()
        try:
            body = parse_form(PageCreate, {"translations": [translation]}, NEW_FIELDS)
            created = await PageService(platform, access).create(body, edit_chain())
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            return _new_page(request, form_failed(posted, exc, NEW_FIELDS), exc.status)
        return redirect_with_flash(
            request, f"{PAGES_PATH}/{created.id}?locale={translation['locale']}", N_("Created.")
        )

    @get("/{page_id:uuid}", permission="pages:read")
    async def edit_form(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        page_id: FromPath[uuid.UUID], locale: FromQuery[str | None] = None,
    ) -> Response[str]:  # fmt: skip
        """One locale of a page (title, slug, SEO, blocks), with the transitions it allows."""
        shown = _edit_locale(locale)
        read = await PageService(platform, access).get(page_id, [shown])
        return _render_edit(request, read, shown, FormState(values=_shown_values(read, shown)))

    @post("/{page_id:uuid}", permission="pages:update")
    async def save(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        page_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Add, remove or move a block (the form again, nothing saved), or save the locale
        through ``PageService.update`` (the REST PATCH)."""
        service = PageService(platform, access)
        posted = posted_strings(await request.form())
        locale = _edit_locale(posted.get("locale", ""))
        read = await service.get(page_id, [locale])
        blocks = posted_blocks(posted)
        op = posted.get("op", "save")
        if op == "remove_locale":
            return await _remove_locale(request, service, read, locale, posted)
        if op != "save":
            blocks = apply_op(blocks, op, posted.get("new_block"))
            values = {k: v for k, v in posted.items() if not _BLOCK_KEY.match(k)}
            values.update(form_values(blocks))
            return _render_edit(request, read, locale, FormState(values=values))
        fields = _ErrorFields(blocks)
        try:
            ensure_fresh(_version(read), posted)
            patch = _translation_patch(posted, blocks)
            data = {
                "translations": [patch], "template": posted.get("template", "").strip(),
                "position": number(posted.get("position", "").strip() or "0"),
            }  # fmt: skip
            body = parse_form(PageUpdate, data, fields)
            await service.update(page_id, body, [locale])
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            state = form_failed(posted, exc, fields)
            return _render_edit(request, read, locale, state, status_code=exc.status)
        return redirect_with_flash(request, f"{PAGES_PATH}/{page_id}?locale={locale}", N_("Saved."))

    @post("/{page_id:uuid}/status", permission="pages:update")
    async def change_status(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        page_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Publish, unpublish, archive or restore (the REST transition routes)."""
        action = posted_action(posted_strings(await request.form()))
        await PageService(platform, access).transition(page_id, action, edit_chain())
        return redirect_with_flash(request, f"{PAGES_PATH}/{page_id}", N_("Status changed."))

    @post("/{page_id:uuid}/delete", permission="pages:delete")
    async def delete_page(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        page_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Delete a page without child pages (409 otherwise); menu links to it go too."""
        await PageService(platform, access).delete(page_id)
        return redirect_with_flash(request, PAGES_PATH, N_("Page deleted."))
