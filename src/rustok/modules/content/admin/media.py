"""``/admin/content/media``: the media library — the list (newest first, 50 a page; only
one's own uploads with the ``own`` scope, as over REST), uploading a file (a
``multipart/form-data`` form read with the REST upload's own rules: one ``file`` part, the
optional ``alt_text``/``caption``, the type sniffed from the bytes, 415 for a type not
allowed, 413 above ``RUSTOK_MAX_BODY_SIZE``) and deleting one — ``/api/content/media``
with ``media:list``/``media:create``/``media:delete`` through ``MediaService``.

List statements (50 rows): the session check, the count, the page and the translations
in one batch — 4, asserted by ``tests/admin/test_media_admin.py``.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath

from rustok.core.errors import RustokError, ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.content.admin.screens import edit_chain
from rustok.modules.content.media.media_runtime import media_service

# The REST upload's form reader: the same fields, limits and messages.
from rustok.modules.content.media.upload import upload_from_form
from rustok.modules.content.web import CONTENT_DEPENDENCIES
from rustok.web.admin.csrf import CSRF_FIELD
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep
from rustok.web.principals import require_principal

AnyRequest = Request[Any, Any, Any]
PATH: Final = "/admin/content/media"
SHOWN_FIELDS: Final = ("file", "alt_text", "caption")
MEDIA_LIST = ListSpec(
    columns=(Column("file", N_("File")), Column("type", N_("Type")), Column("size", N_("Size")),
             Column("alt", N_("Alternative text")), Column("created", N_("Created")),
             Column("actions", N_("Actions"))),
    sorts=("created",), default_sort="-created", searchable=False,
)  # fmt: skip


class MediaAdminController(Controller):
    path = PATH
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="media:list")
    async def list_media(self, platform: PlatformDep, request: AnyRequest) -> Response[str]:
        """The library, newest first, and the upload form."""
        return await _list_page(platform, request, FormState())

    @post("/", permission="media:create")
    async def upload(self, platform: PlatformDep, request: AnyRequest) -> Response[Any]:
        """Store the posted file through ``MediaService.upload``."""
        form = await request.form()
        fields = FormMultiDict([(k, v) for k, v in form.multi_items() if k != CSRF_FIELD])
        texts = {k: v for k, v in fields.items() if isinstance(v, str)}
        try:
            upload = await upload_from_form(fields, None)
            await media_service(platform).upload(require_principal(request), upload, edit_chain())
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            state = FormState.failed(texts, exc)
            if not state.errors:  # 415 and the like: said next to the file input
                state.errors = {"file": [exc.detail]}
                state.message = None
            stray = {k: v for k, v in state.errors.items() if k not in SHOWN_FIELDS}
            if stray:  # a field the form has no input for (a crafted post): above the form
                state.message = "; ".join(f"{k}: {'; '.join(v)}" for k, v in stray.items())
            return await _list_page(platform, request, state, exc.status)
        finally:
            await form.close()
        return redirect_with_flash(request, PATH, N_("The file is uploaded."))

    @post("/{media_id:uuid}/delete", permission="media:delete")
    async def delete_media(
        self, platform: PlatformDep, request: AnyRequest, media_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Delete a file and its stored bytes."""
        await media_service(platform).delete(require_principal(request), media_id)
        return redirect_with_flash(request, PATH, N_("The file is deleted."))


async def _list_page(
    platform: Platform, request: AnyRequest, form: FormState, status_code: int = 200
) -> Response[str]:
    query = list_query(request, MEDIA_LIST)
    if not query.descending:
        raise ValidationFailed("newest first only", errors={"sort": ["newest first only"]})
    result = await media_service(platform).list(
        require_principal(request), edit_chain(), page=query.page, per_page=PER_PAGE
    )
    title = gettext("Media library")
    return page(
        request, "content/media_list.html", title=title, status_code=status_code,
        crumbs=[Crumb(gettext("Content")), Crumb(title)], form=form,
        view=ListView(MEDIA_LIST, query, PATH, result.items, result.total),
    )  # fmt: skip
