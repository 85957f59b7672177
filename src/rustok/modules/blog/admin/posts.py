"""``/admin/blog/posts``: the blog's posts, through ``BlogService`` with the permissions of
``/api/blog/posts`` (``posts:*``; reads are public over REST, so the admin asks for
``posts:list``/``posts:read``). The screen is content's node editor (``content.admin``).

List statements (50 rows): the session check, the count, the page and ``NodeReader``'s
batched loads — ``tests/admin/test_content_admin.py`` asserts the total.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import RustokError
from rustok.modules.blog.schemas import PostCreate, PostUpdate
from rustok.modules.blog.service import POST, BlogService
from rustok.modules.content.admin.editor import (
    edit_values,
    form_failed,
    node_filter,
    node_list_spec,
    posted_action,
    posted_strings,
    tenant_locales,
    translation_patches,
    version_of,
)
from rustok.modules.content.admin.screens import (
    NodeScreen,
    edit_chain,
    list_chain,
    render_edit,
    render_list,
    render_preview,
)
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep
from rustok.web.admin.forms import FormState, ensure_fresh, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
POSTS = NodeScreen(
    path="/admin/blog/posts", section=N_("Blog"), title=N_("Posts"),
    empty_hint=N_("Create one with POST /api/blog/posts (see the API docs at /docs)."),
    new_path="/admin/blog/posts/new",
)  # fmt: skip


NEW_FIELDS = {
    "translations[0].title": "title", "translations[0].locale": "locale",
    "translations[0].slug": "title", "translations": "title",
}  # fmt: skip


def _new_page(request: AnyRequest, form: FormState, status_code: int = 200) -> Response[str]:
    title = gettext("New post")
    return page(
        request, "content/node_new.html", title=title, status_code=status_code, form=form,
        crumbs=[Crumb(gettext("Blog")), Crumb(gettext("Posts"), POSTS.path), Crumb(title)],
        action=f"{POSTS.path}/new", locales=[(loc, loc) for loc in tenant_locales()],
    )  # fmt: skip


class PostAdminController(Controller):
    path = POSTS.path
    dependencies = CONTENT_DEPENDENCIES
    include_in_schema = False

    @get("/", permission="posts:list")
    async def list_posts(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[str]:
        """Posts: search titles, filter by status and locale, sort, 50 a page."""
        spec = node_list_spec(with_kind=False)
        query = list_query(request, spec)
        result = await BlogService(platform, access).list_posts(
            node_filter(query, POST), list_chain(query), page=query.page, per_page=PER_PAGE
        )
        return render_list(request, POSTS, spec, query, result.items, result.total)

    @get("/new", permission="posts:create")
    async def new_form(self, request: AnyRequest) -> Response[str]:
        """A new post's first title (a draft; the rest is the edit form's)."""
        return _new_page(request, FormState(values={"locale": tenant_locales()[0]}))

    @post("/new", permission="posts:create")
    async def create(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[Any]:
        """Create a draft through ``BlogService.create_post`` (the REST POST), then edit it."""
        posted = posted_strings(await request.form())
        translation = {"locale": posted.get("locale", ""), "title": posted.get("title", "").strip()}
        try:
            body = parse_form(PostCreate, {"translations": [translation]}, NEW_FIELDS)
            created = await BlogService(platform, access).create_post(body, edit_chain())
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            return _new_page(request, form_failed(posted, exc, NEW_FIELDS), exc.status)
        return redirect_with_flash(request, f"{POSTS.path}/{created.id}", N_("Created."))

    @post("/preview", permission="posts:update", status_code=200)
    async def preview(self, request: AnyRequest) -> Response[str]:
        """The Markdown body rendered as the editor's preview."""
        return await render_preview(request, POSTS)

    @get("/{post_id:uuid}", permission="posts:read")
    async def edit_form(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        post_id: FromPath[uuid.UUID],
    ) -> Response[str]:  # fmt: skip
        """One post's translations side by side, with the transitions it allows."""
        blog = BlogService(platform, access)
        node = await blog.get_post(post_id, edit_chain())
        values = await edit_values(node, lambda chain: blog.get_post(post_id, chain))
        return render_edit(request, POSTS, node, FormState(values=values))

    @post("/{post_id:uuid}", permission="posts:update")
    async def save(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        post_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Save the translations through ``BlogService.update_post`` (the REST PATCH)."""
        blog = BlogService(platform, access)
        posted = posted_strings(await request.form())
        chain = edit_chain()
        node = await blog.get_post(post_id, chain)
        patches, fields = translation_patches(posted, node)
        try:
            ensure_fresh(version_of(node), posted)
            body = parse_form(PostUpdate, {"translations": patches}, fields)
            await blog.update_post(post_id, body, chain)
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            state = form_failed(posted, exc, fields)
            return render_edit(request, POSTS, node, state, status_code=exc.status)
        return redirect_with_flash(request, f"{POSTS.path}/{post_id}", N_("Saved."))

    @post("/{post_id:uuid}/status", permission="posts:update")
    async def change_status(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        post_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Publish, unpublish, archive or restore (the REST transition routes)."""
        action = posted_action(posted_strings(await request.form()))
        await BlogService(platform, access).transition_post(post_id, action, edit_chain())
        return redirect_with_flash(request, f"{POSTS.path}/{post_id}", N_("Status changed."))
