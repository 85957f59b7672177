"""REST: ``/api/content/nodes`` (API.md): list with filters, CRUD and the state machine.

Reads are public (anonymous callers see published nodes only); writes need ``nodes:*`` and
the permission of the node's kind (access.py).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from rustok.modules.content.access import DEFAULT_RESOURCE
from rustok.modules.content.queries import NodeFilter, NodeSort
from rustok.modules.content.schemas import Kind, NodeCreate, NodePage, NodeRead, NodeUpdate
from rustok.modules.content.service import NodeService
from rustok.modules.content.state import NodeAction, NodeStatus
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep, ChainDep, access_provider
from rustok.web.deps import PlatformDep
from rustok.web.pages import Page, PerPage

TagParam = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=100, description="tag id or slug (any locale)"),
]


class NodeController(Controller):
    path = "/api/content/nodes"
    tags = ["content"]
    dependencies = {**CONTENT_DEPENDENCIES, "access": access_provider(DEFAULT_RESOURCE)}

    @get("/", public=True, optional_auth=True, graphql_twin="contentNodes")
    async def list_nodes(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        kind: FromQuery[Kind | None] = None,
        status: FromQuery[NodeStatus | None] = None,
        author_id: FromQuery[uuid.UUID | None] = None,
        category_id: FromQuery[uuid.UUID | None] = None,
        parent_id: FromQuery[uuid.UUID | None] = None,
        tag: FromQuery[TagParam] = None,
        sort: FromQuery[NodeSort] = "-created_at",
        page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> NodePage:
        """Nodes visible to the caller, newest first, in the requested locale."""
        flt = NodeFilter(
            kind=kind,
            status=status,
            author_id=author_id,
            category_id=category_id,
            parent_id=parent_id,
            tag=tag,
            sort=sort,
        )
        return await NodeService(platform, access).list(flt, chain, page=page, per_page=per_page)

    @post("/", permission="nodes:create", status_code=201, graphql_twin="createContentNode")
    async def create_node(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, data: JSONBody[NodeCreate]
    ) -> NodeRead:
        """Create a node (a draft unless ``status`` is ``published``) with its translations."""
        return await NodeService(platform, access).create(data, chain)

    @get(
        "/by-slug/{kind:str}/{slug:str}",
        public=True,
        optional_auth=True,
        graphql_twin="contentNodeBySlug",
    )
    async def node_by_slug(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        kind: FromPath[str],
        slug: FromPath[str],
    ) -> NodeRead:
        """A node by its slug in the requested locale (or any of its fallbacks)."""
        return await NodeService(platform, access).by_slug(kind, slug, chain)

    @get("/{node_id:uuid}", public=True, optional_auth=True, graphql_twin="contentNode")
    async def get_node(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        node_id: FromPath[uuid.UUID],
    ) -> NodeRead:
        """One node with its body in the requested locale."""
        return await NodeService(platform, access).get(node_id, chain)

    @patch("/{node_id:uuid}", permission="nodes:update", graphql_twin="updateContentNode")
    async def update_node(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        node_id: FromPath[uuid.UUID],
        data: JSONBody[NodeUpdate],
    ) -> NodeRead:
        """Change fields, tags and translations (status changes only by transitions)."""
        return await NodeService(platform, access).update(node_id, data, chain)

    @delete(
        "/{node_id:uuid}",
        permission="nodes:delete",
        status_code=204,
        graphql_twin="deleteContentNode",
    )
    async def delete_node(
        self, platform: PlatformDep, access: AccessDep, node_id: FromPath[uuid.UUID]
    ) -> None:
        """Delete a node without children (409 otherwise)."""
        await NodeService(platform, access).delete(node_id)

    async def _transition(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        node_id: uuid.UUID,
        action: NodeAction,
    ) -> NodeRead:
        return await NodeService(platform, access).transition(node_id, action, chain)

    @post(
        "/{node_id:uuid}/publish",
        permission="nodes:update",
        status_code=200,
        graphql_twin="publishContentNode",
    )
    async def publish(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        node_id: FromPath[uuid.UUID],
    ) -> NodeRead:
        """draft → published (409 INVALID_TRANSITION otherwise)."""
        return await self._transition(platform, access, chain, node_id, "publish")

    @post(
        "/{node_id:uuid}/unpublish",
        permission="nodes:update",
        status_code=200,
        graphql_twin="unpublishContentNode",
    )
    async def unpublish(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        node_id: FromPath[uuid.UUID],
    ) -> NodeRead:
        """published → draft (409 INVALID_TRANSITION otherwise)."""
        return await self._transition(platform, access, chain, node_id, "unpublish")

    @post(
        "/{node_id:uuid}/archive",
        permission="nodes:update",
        status_code=200,
        graphql_twin="archiveContentNode",
    )
    async def archive(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        node_id: FromPath[uuid.UUID],
    ) -> NodeRead:
        """published → archived (409 INVALID_TRANSITION otherwise)."""
        return await self._transition(platform, access, chain, node_id, "archive")

    @post(
        "/{node_id:uuid}/restore",
        permission="nodes:update",
        status_code=200,
        graphql_twin="restoreContentNode",
    )
    async def restore(
        self,
        platform: PlatformDep,
        access: AccessDep,
        chain: ChainDep,
        node_id: FromPath[uuid.UUID],
    ) -> NodeRead:
        """archived → draft (409 INVALID_TRANSITION otherwise)."""
        return await self._transition(platform, access, chain, node_id, "restore")
