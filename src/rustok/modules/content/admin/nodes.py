"""``/admin/content/nodes``: every content node (all kinds), through ``NodeService``.

Each handler declares the permission of the REST route it mirrors (``nodes:*``; the reads
are public over REST, so the admin asks for ``nodes:list``/``nodes:read``) and calls the same
service method. Kinds another module manages (comments, forum) are listed but refused on
save by the service (409), as over REST.

List statements (50 rows): the session check, the count, the page and ``NodeReader``'s
batched loads (translations, authors, category names, tags) — ``tests/admin/
test_content_admin.py`` asserts the total.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import RustokError
from rustok.modules.content.access import DEFAULT_RESOURCE
from rustok.modules.content.admin.editor import (
    edit_values,
    form_failed,
    node_filter,
    node_list_spec,
    posted_action,
    posted_strings,
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
from rustok.modules.content.schemas import NodeUpdate
from rustok.modules.content.service import NodeService
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep, access_provider
from rustok.web.admin.forms import FormState, ensure_fresh, parse_form
from rustok.web.admin.i18n import N_
from rustok.web.admin.lists import PER_PAGE, list_query
from rustok.web.admin.render import redirect_with_flash
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
NODES = NodeScreen(
    path="/admin/content/nodes", section=N_("Content"), title=N_("Content nodes"),
    empty_hint=N_("Create one with POST /api/content/nodes (see the API docs at /docs)."),
)  # fmt: skip


class NodeAdminController(Controller):
    path = NODES.path
    dependencies = {**CONTENT_DEPENDENCIES, "access": access_provider(DEFAULT_RESOURCE)}
    include_in_schema = False

    @get("/", permission="nodes:list")
    async def list_nodes(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest
    ) -> Response[str]:
        """Nodes: search titles, filter by status, kind and locale, sort, 50 a page."""
        spec = node_list_spec(with_kind=True)
        query = list_query(request, spec)
        result = await NodeService(platform, access).list(
            node_filter(query), list_chain(query), page=query.page, per_page=PER_PAGE
        )
        return render_list(request, NODES, spec, query, result.items, result.total)

    @post("/preview", permission="nodes:update", status_code=200)
    async def preview(self, request: AnyRequest) -> Response[str]:
        """The Markdown body rendered as the editor's preview."""
        return await render_preview(request, NODES)

    @get("/{node_id:uuid}", permission="nodes:read")
    async def edit_form(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        node_id: FromPath[uuid.UUID],
    ) -> Response[str]:  # fmt: skip
        """One node's translations side by side, with the transitions it allows."""
        service = NodeService(platform, access)
        node = await service.get(node_id, edit_chain())
        values = await edit_values(node, lambda chain: service.get(node_id, chain))
        return render_edit(request, NODES, node, FormState(values=values))

    @post("/{node_id:uuid}", permission="nodes:update")
    async def save(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        node_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Save the translations through ``NodeService.update_node`` (the REST PATCH)."""
        service = NodeService(platform, access)
        posted = posted_strings(await request.form())
        node = await service.get(node_id, edit_chain())
        patches, fields = translation_patches(posted, node)
        try:
            ensure_fresh(version_of(node), posted)
            body = parse_form(NodeUpdate, {"translations": patches}, fields)
            await service.update_node(node_id, body)
        except RustokError as exc:
            if exc.status in (403, 404):
                raise
            state = form_failed(posted, exc, fields)
            return render_edit(request, NODES, node, state, status_code=exc.status)
        return redirect_with_flash(request, f"{NODES.path}/{node_id}", N_("Saved."))

    @post("/{node_id:uuid}/status", permission="nodes:update")
    async def change_status(
        self, platform: PlatformDep, access: AccessDep, request: AnyRequest,
        node_id: FromPath[uuid.UUID],
    ) -> Response[Any]:  # fmt: skip
        """Publish, unpublish, archive or restore (the REST transition routes)."""
        action = posted_action(posted_strings(await request.form()))
        await NodeService(platform, access).transition_node(node_id, action)
        return redirect_with_flash(request, f"{NODES.path}/{node_id}", N_("Status changed."))
