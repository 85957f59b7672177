"""``BlogService``: posts (content nodes of kind ``post``) with tags and the state machine,
and their comments (kind ``comment``, counted in the post's ``reply_count``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec

from rustok.core.context import current_context
from rustok.core.errors import Conflict
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.blog.schemas import CommentCreate, CommentUpdate, PostCreate, PostUpdate
from rustok.modules.content.interface import (
    ContentAccess,
    NodeAction,
    NodeCreate,
    NodeFilter,
    NodeNotFound,
    NodePage,
    NodeRead,
    NodeReader,
    NodeUpdate,
    NodeWriter,
    TranslationInput,
    TranslationPatch,
    commit,
    tags_named,
    title_from_text,
)

POST = "post"
COMMENT = "comment"


class CommentsClosed(Conflict):
    code = "COMMENTS_CLOSED"
    title = "Comments closed"


class BlogService:
    """The blog as one caller sees and changes it."""

    def __init__(self, platform: Platform, access: ContentAccess) -> None:
        self._platform = platform
        self._access = access
        self._reader = NodeReader(platform.db)
        self._writer = NodeWriter()

    async def _of_kind(self, uow: UnitOfWork, node_id: uuid.UUID, kind: str) -> None:
        row = await self._writer.row(uow, self._access, node_id)
        if row.kind != kind:
            raise NodeNotFound(f"no {kind} {node_id}")

    async def _read(self, node_id: uuid.UUID, kind: str, chain: Sequence[str]) -> NodeRead:
        read = await self._reader.get(self._access, node_id, chain)
        if read.kind != kind:
            raise NodeNotFound(f"no {kind} {node_id}")
        return read

    # --- posts -------------------------------------------------------------------------

    async def list_posts(
        self, flt: NodeFilter, chain: Sequence[str], *, page: int, per_page: int
    ) -> NodePage:
        posts = NodeFilter(
            kind=POST, status=flt.status, author_id=flt.author_id, category_id=flt.category_id,
            tag=flt.tag, sort=flt.sort, locale=flt.locale, q=flt.q,
        )  # fmt: skip
        return await self._reader.page(self._access, posts, chain, page=page, per_page=per_page)

    async def get_post(self, post_id: uuid.UUID, chain: Sequence[str]) -> NodeRead:
        return await self._read(post_id, POST, chain)

    async def post_by_slug(self, slug: str, chain: Sequence[str]) -> NodeRead:
        return await self._reader.by_slug(self._access, POST, slug, chain)

    async def create_post(self, data: PostCreate, chain: Sequence[str]) -> NodeRead:
        async with self._platform.uow() as uow:
            named = await tags_named(uow, data.tags, data.translations[0].locale)
            node_id = await self._writer.create(
                uow,
                self._access,
                NodeCreate(
                    kind=POST,
                    status="published" if data.publish else "draft",
                    category_id=data.category_id,
                    metadata=data.metadata,
                    tag_ids=list(dict.fromkeys([*named, *data.tag_ids])),
                    translations=data.translations,
                ),
            )
            await commit(uow)
        return await self.get_post(node_id, chain)

    async def update_post(
        self, post_id: uuid.UUID, data: PostUpdate, chain: Sequence[str]
    ) -> NodeRead:
        async with self._platform.uow() as uow:
            await self._of_kind(uow, post_id, POST)
            tag_ids: list[uuid.UUID] | msgspec.UnsetType = msgspec.UNSET
            if not isinstance(data.tags, msgspec.UnsetType) or not isinstance(
                data.tag_ids, msgspec.UnsetType
            ):
                locale = (await self._reader.get(self._access, post_id, chain)).locale
                names = [] if isinstance(data.tags, msgspec.UnsetType) else data.tags
                ids = [] if isinstance(data.tag_ids, msgspec.UnsetType) else data.tag_ids
                tag_ids = list(dict.fromkeys([*await tags_named(uow, names, locale), *ids]))
            update = NodeUpdate(
                translations=data.translations, remove_locales=data.remove_locales,
                category_id=data.category_id, metadata=data.metadata, tag_ids=tag_ids,
            )  # fmt: skip
            await self._writer.update(uow, self._access, post_id, update)
            await commit(uow)
        return await self.get_post(post_id, chain)

    async def transition_post(
        self, post_id: uuid.UUID, action: NodeAction, chain: Sequence[str]
    ) -> NodeRead:
        async with self._platform.uow() as uow:
            await self._of_kind(uow, post_id, POST)
            await self._writer.transition(uow, self._access, post_id, action)
            await commit(uow)
        return await self.get_post(post_id, chain)

    async def delete_post(self, post_id: uuid.UUID) -> None:
        """Delete a post and its comments."""
        async with self._platform.uow() as uow:
            post = await self._writer.row(uow, self._access, post_id)
            if post.kind != POST:
                raise NodeNotFound(f"no post {post_id}")
            self._access.require(POST, "delete", post.author_id)  # before touching comments
            await self._writer.delete_children(uow, post_id, [COMMENT])
            await self._writer.delete(uow, self._access, post_id)
            await commit(uow)

    # --- comments ----------------------------------------------------------------------

    async def list_comments(
        self, post_id: uuid.UUID, chain: Sequence[str], *, page: int, per_page: int
    ) -> NodePage:
        """Comments of a visible post, oldest first."""
        await self.get_post(post_id, chain)
        flt = NodeFilter(kind=COMMENT, parent_id=post_id, sort="created_at")
        return await self._reader.page(self._access, flt, chain, page=page, per_page=per_page)

    async def add_comment(
        self, post_id: uuid.UUID, data: CommentCreate, chain: Sequence[str]
    ) -> NodeRead:
        """Comment on a published post (409 COMMENTS_CLOSED otherwise)."""
        tenant = current_context().tenant
        locale = data.locale or (tenant.default_locale if tenant else chain[0])
        async with self._platform.uow() as uow:
            post = await self._writer.row(uow, self._access, post_id)
            if post.kind != POST:
                raise NodeNotFound(f"no post {post_id}")
            if post.status != "published":
                raise CommentsClosed(
                    f"post {post_id} is {post.status}: only published posts take comments"
                )
            translation = TranslationInput(
                locale=locale, title=title_from_text(data.body), slug=new_id().hex,
                body=data.body, format=data.format,
            )  # fmt: skip
            comment_id = await self._writer.create(
                uow,
                self._access,
                NodeCreate(
                    kind=COMMENT, status="published", parent_id=post_id, translations=[translation]
                ),
            )
            await self._writer.adjust_reply_count(uow, post_id, 1)
            await commit(uow)
        return await self._read(comment_id, COMMENT, chain)

    async def edit_comment(
        self, comment_id: uuid.UUID, data: CommentUpdate, chain: Sequence[str]
    ) -> NodeRead:
        current = await self._read(comment_id, COMMENT, chain)
        patch = TranslationPatch(
            locale=current.locale, title=title_from_text(data.body), body=data.body
        )
        async with self._platform.uow() as uow:
            await self._writer.update(
                uow, self._access, comment_id, NodeUpdate(translations=[patch])
            )
            await commit(uow)
        return await self._read(comment_id, COMMENT, chain)

    async def delete_comment(self, comment_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            await self._of_kind(uow, comment_id, COMMENT)
            gone = await self._writer.delete(uow, self._access, comment_id)
            if gone.parent_id is not None:
                await self._writer.adjust_reply_count(uow, gone.parent_id, -1)
            await commit(uow)
