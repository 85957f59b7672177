"""GraphQL: blog posts and comments (``ContentNode`` types, loaded through content's
DataLoaders); same permissions as REST."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.scalars import JSON

from rustok.modules.blog.schemas import CommentCreate, CommentUpdate, PostCreate, PostUpdate
from rustok.modules.blog.service import COMMENT, POST, BlogService
from rustok.modules.content.interface import NodeAction, NodeFilter, NodeNotFound, NodeReader
from rustok.modules.content.web_graphql import (
    NodeConnection,
    NodeType,
    TranslationInputType,
    TranslationPatchType,
    access_of,
    chain_of,
    connection,
    to_struct,
)
from rustok.web.connections import check_first
from rustok.web.cursors import offset_after
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import Public, module_enabled, requires

ON = module_enabled("blog")
UNSET = strawberry.UNSET


@strawberry.input(name="BlogPostFilter")
class PostFilterInput:
    status: str | None = None
    tag: str | None = None
    category_id: strawberry.ID | None = None
    author_id: strawberry.ID | None = None


@strawberry.input(name="BlogPostInput")
class PostInput:
    translations: list[TranslationInputType]
    category_id: strawberry.ID | None = UNSET
    tags: list[str] | None = UNSET
    tag_ids: list[strawberry.ID] | None = UNSET
    publish: bool | None = UNSET
    metadata: JSON | None = UNSET


@strawberry.input(name="BlogPostUpdateInput")
class PostUpdateInput:
    translations: list[TranslationPatchType] | None = UNSET
    remove_locales: list[str] | None = UNSET
    category_id: strawberry.ID | None = UNSET
    tags: list[str] | None = UNSET
    tag_ids: list[strawberry.ID] | None = UNSET
    metadata: JSON | None = UNSET


async def _node(info: RustokInfo, node_id: uuid.UUID, kind: str, locale: str | None) -> NodeType:
    row = await NodeReader(info.context.platform.db).row(access_of(info), node_id)
    if row.kind != kind:
        raise NodeNotFound(f"no {kind} {node_id}")
    return NodeType(row=row, chain=chain_of(info, locale))


async def _page(
    info: RustokInfo, flt: NodeFilter, locale: str | None, first: int, after: str | None
) -> NodeConnection:
    check_first(first)
    start = offset_after(after)
    reader = NodeReader(info.context.platform.db)
    rows, total = await reader.row_page(access_of(info), flt, offset=start, limit=first)
    return connection(rows, chain_of(info, locale), start, total)


def _blog(info: RustokInfo) -> BlogService:
    return BlogService(info.context.platform, access_of(info))


async def _transition(
    info: RustokInfo, id: strawberry.ID, action: NodeAction, locale: str | None
) -> NodeType:
    post = await _blog(info).transition_post(parse_id(id), action, chain_of(info, locale))
    return await _node(info, post.id, POST, locale)


@strawberry.type
class BlogQuery:
    @strawberry.field(permission_classes=[Public, ON], description="Posts, newest first.")
    async def blog_posts(
        self, info: RustokInfo, filter: PostFilterInput | None = None, locale: str | None = None,
        first: int = 20, after: str | None = None,
    ) -> NodeConnection:  # fmt: skip
        f = filter or PostFilterInput()
        flt = NodeFilter(
            kind=POST, status=f.status, tag=f.tag,
            category_id=parse_id(f.category_id, "category_id") if f.category_id else None,
            author_id=parse_id(f.author_id, "author_id") if f.author_id else None,
        )  # fmt: skip
        return await _page(info, flt, locale, first, after)

    @strawberry.field(permission_classes=[Public, ON])
    async def blog_post(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _node(info, parse_id(id), POST, locale)

    @strawberry.field(permission_classes=[Public, ON])
    async def blog_post_by_slug(
        self, info: RustokInfo, slug: str, locale: str | None = None
    ) -> NodeType:
        post = await _blog(info).post_by_slug(slug, chain_of(info, locale))
        return await _node(info, post.id, POST, locale)

    @strawberry.field(permission_classes=[Public, ON], description="Comments, oldest first.")
    async def blog_comments(
        self, info: RustokInfo, post_id: strawberry.ID, locale: str | None = None,
        first: int = 20, after: str | None = None,
    ) -> NodeConnection:  # fmt: skip
        post = await _node(info, parse_id(post_id, "post_id"), POST, locale)
        flt = NodeFilter(kind=COMMENT, parent_id=post.row.id, sort="created_at")
        return await _page(info, flt, locale, first, after)


@strawberry.type
class BlogMutation:
    @strawberry.mutation(permission_classes=[requires("posts:create"), ON])
    async def create_blog_post(
        self, info: RustokInfo, input: PostInput, locale: str | None = None
    ) -> NodeType:
        post = await _blog(info).create_post(to_struct(PostCreate, input), chain_of(info, locale))
        return await _node(info, post.id, POST, locale)

    @strawberry.mutation(permission_classes=[requires("posts:update"), ON])
    async def update_blog_post(
        self, info: RustokInfo, id: strawberry.ID, input: PostUpdateInput, locale: str | None = None
    ) -> NodeType:
        data = to_struct(PostUpdate, input)
        post = await _blog(info).update_post(parse_id(id), data, chain_of(info, locale))
        return await _node(info, post.id, POST, locale)

    @strawberry.mutation(permission_classes=[requires("posts:delete"), ON])
    async def delete_blog_post(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _blog(info).delete_post(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires("posts:update"), ON])
    async def publish_blog_post(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "publish", locale)

    @strawberry.mutation(permission_classes=[requires("posts:update"), ON])
    async def unpublish_blog_post(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "unpublish", locale)

    @strawberry.mutation(permission_classes=[requires("posts:update"), ON])
    async def archive_blog_post(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "archive", locale)

    @strawberry.mutation(permission_classes=[requires("posts:update"), ON])
    async def restore_blog_post(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> NodeType:
        return await _transition(info, id, "restore", locale)

    @strawberry.mutation(permission_classes=[requires("comments:create"), ON])
    async def add_blog_comment(
        self, info: RustokInfo, post_id: strawberry.ID, body: str, locale: str | None = None
    ) -> NodeType:
        data = to_struct(CommentCreate, {"body": body, "locale": locale})
        comment = await _blog(info).add_comment(
            parse_id(post_id, "post_id"), data, chain_of(info, locale)
        )
        return await _node(info, comment.id, COMMENT, locale)

    @strawberry.mutation(permission_classes=[requires("comments:update"), ON])
    async def edit_blog_comment(self, info: RustokInfo, id: strawberry.ID, body: str) -> NodeType:
        data = to_struct(CommentUpdate, {"body": body})
        comment = await _blog(info).edit_comment(parse_id(id), data, chain_of(info, None))
        return await _node(info, comment.id, COMMENT, None)

    @strawberry.mutation(permission_classes=[requires("comments:delete"), ON])
    async def delete_blog_comment(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _blog(info).delete_comment(parse_id(id))
        return True
