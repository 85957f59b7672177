"""GraphQL: content nodes (queries public, anonymous callers see published nodes only;
mutations need the same permissions as REST)."""

from __future__ import annotations

import msgspec
import strawberry
from strawberry.scalars import JSON

from rustok.core.errors import ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.content.access import DEFAULT_RESOURCE
from rustok.modules.content.graphql.support import access_of, chain_of, to_struct
from rustok.modules.content.graphql.types import NodeConnection, NodeType, connection
from rustok.modules.content.queries import NodeFilter
from rustok.modules.content.reader import NodeReader
from rustok.modules.content.schemas import NodeCreate, NodeUpdate
from rustok.modules.content.service import NodeService
from rustok.modules.content.state import NodeAction
from rustok.web.connections import check_first
from rustok.web.cursors import offset_after
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import Public, module_enabled, requires

ON = module_enabled("content")
UNSET = strawberry.UNSET


@strawberry.input(name="ContentNodeFilter")
class NodeFilterInput:
    kind: str | None = None
    status: str | None = None
    author_id: strawberry.ID | None = None
    category_id: strawberry.ID | None = None
    parent_id: strawberry.ID | None = None
    tag: str | None = None
    sort: str = "-created_at"


@strawberry.input(name="ContentTranslationInput")
class TranslationInputType:
    locale: str
    title: str
    slug: str | None = None
    excerpt: str | None = None
    body: str | None = None
    format: str | None = None


@strawberry.input(name="ContentNodeInput")
class NodeInputType:
    kind: str
    translations: list[TranslationInputType]
    status: str | None = UNSET
    parent_id: strawberry.ID | None = UNSET
    category_id: strawberry.ID | None = UNSET
    position: int | None = UNSET
    metadata: JSON | None = UNSET
    tag_ids: list[strawberry.ID] | None = UNSET


@strawberry.input(name="ContentTranslationPatch")
class TranslationPatchType:
    locale: str
    title: str | None = UNSET
    slug: str | None = UNSET
    excerpt: str | None = UNSET
    body: str | None = UNSET
    format: str | None = UNSET


@strawberry.input(name="ContentNodeUpdateInput")
class NodeUpdateType:
    parent_id: strawberry.ID | None = UNSET
    category_id: strawberry.ID | None = UNSET
    position: int | None = UNSET
    metadata: JSON | None = UNSET
    tag_ids: list[strawberry.ID] | None = UNSET
    translations: list[TranslationPatchType] | None = UNSET
    remove_locales: list[str] | None = UNSET


def node_filter(value: NodeFilterInput | None, **fixed: object) -> NodeFilter:
    """The REST filter for a GraphQL one (same validation as the query parameters)."""
    data = {} if value is None else {k: v for k, v in vars(value).items() if v is not None}
    data.update(fixed)
    try:
        return msgspec.convert(data, NodeFilter)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(errors={"filter": [str(exc)]}) from exc


async def list_nodes(
    info: RustokInfo, flt: NodeFilter, locale: str | None, first: int, after: str | None
) -> NodeConnection:
    check_first(first)
    start = offset_after(after)
    reader = NodeReader(info.context.platform.db)
    rows, total = await reader.row_page(access_of(info), flt, offset=start, limit=first)
    return connection(rows, chain_of(info, locale), start, total)


async def node_by_id(info: RustokInfo, node_id: strawberry.ID, locale: str | None) -> NodeType:
    reader = NodeReader(info.context.platform.db)
    row = await reader.row(access_of(info), parse_id(node_id))
    return NodeType(row=row, chain=chain_of(info, locale))


def _service(info: RustokInfo) -> NodeService:
    platform: Platform = info.context.platform
    return NodeService(platform, access_of(info, DEFAULT_RESOURCE))


async def _transition(
    info: RustokInfo, node_id: strawberry.ID, action: NodeAction, locale: str | None
) -> NodeType:
    await _service(info).transition_node(parse_id(node_id), action)
    return await node_by_id(info, node_id, locale)


@strawberry.type
class NodeQuery:
    @strawberry.field(permission_classes=[Public, ON], description="Content nodes, newest first.")
    async def content_nodes(
        self,
        info: RustokInfo,
        filter: NodeFilterInput | None = None,
        locale: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> NodeConnection:
        return await list_nodes(info, node_filter(filter), locale, first, after)

    @strawberry.field(permission_classes=[Public, ON])
    async def content_node(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await node_by_id(info, id, locale)

    @strawberry.field(permission_classes=[Public, ON])
    async def content_node_by_slug(
        self, info: RustokInfo, kind: str, slug: str, locale: str | None = None
    ) -> NodeType:
        reader = NodeReader(info.context.platform.db)
        chain = chain_of(info, locale)
        return NodeType(
            row=await reader.row_by_slug(access_of(info), kind, slug, chain), chain=chain
        )


@strawberry.type
class NodeMutation:
    @strawberry.mutation(permission_classes=[requires("nodes:create"), ON])
    async def create_content_node(
        self, info: RustokInfo, input: NodeInputType, locale: str | None = None
    ) -> NodeType:
        node_id = await _service(info).create_node(to_struct(NodeCreate, input))
        return await node_by_id(info, strawberry.ID(str(node_id)), locale)

    @strawberry.mutation(permission_classes=[requires("nodes:update"), ON])
    async def update_content_node(
        self, info: RustokInfo, id: strawberry.ID, input: NodeUpdateType, locale: str | None = None
    ) -> NodeType:
        await _service(info).update_node(parse_id(id), to_struct(NodeUpdate, input))
        return await node_by_id(info, id, locale)

    @strawberry.mutation(permission_classes=[requires("nodes:delete"), ON])
    async def delete_content_node(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _service(info).delete(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires("nodes:update"), ON])
    async def publish_content_node(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "publish", locale)

    @strawberry.mutation(permission_classes=[requires("nodes:update"), ON])
    async def unpublish_content_node(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "unpublish", locale)

    @strawberry.mutation(permission_classes=[requires("nodes:update"), ON])
    async def archive_content_node(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "archive", locale)

    @strawberry.mutation(permission_classes=[requires("nodes:update"), ON])
    async def restore_content_node(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "restore", locale)
