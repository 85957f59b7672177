"""The blog's MCP tools (``ModuleSpec.mcp_tools``): list, read, draft and change posts, as
their REST routes do."""

from __future__ import annotations

import uuid

import msgspec

from rustok.core.errors import ValidationFailed
from rustok.modules.blog.schemas import PostCreate, PostUpdate
from rustok.modules.blog.service import BlogService
from rustok.modules.content.interface import (
    ContentAccess,
    NodeFilter,
    NodePage,
    NodeRead,
    NodeStatus,
    read_chain,
)
from rustok.web.mcp import Locale, McpCall, McpTool, Page, PerPage, SearchText


class PostList(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: NodeStatus | None = None
    tag: SearchText | None = None
    locale: Locale | None = None
    page: Page = 1
    per_page: PerPage = 20


class PostId(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: uuid.UUID
    locale: Locale | None = None


class PostChange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``changes`` is the body of ``PATCH /api/blog/posts/{id}``."""

    id: uuid.UUID
    changes: PostUpdate


def _blog(call: McpCall) -> BlogService:
    return BlogService(call.platform, ContentAccess(call.principal))


def _chain(call: McpCall, locale: str | None) -> list[str]:
    return read_chain(call.tenant, locale.lower() if locale else None, None)


async def list_posts(call: McpCall, args: PostList) -> NodePage:
    flt = NodeFilter(status=args.status, tag=args.tag)
    return await _blog(call).list_posts(
        flt, _chain(call, args.locale), page=args.page, per_page=args.per_page
    )


async def get_post(call: McpCall, args: PostId) -> NodeRead:
    return await _blog(call).get_post(args.id, _chain(call, args.locale))


async def create_draft_post(call: McpCall, args: PostCreate) -> NodeRead:
    if args.publish:
        raise ValidationFailed(
            "create_draft_post makes drafts", errors={"publish": ["must be false"]}
        )
    return await _blog(call).create_post(args, _chain(call, args.translations[0].locale))


async def update_post(call: McpCall, args: PostChange) -> NodeRead:
    return await _blog(call).update_post(args.id, args.changes, _chain(call, None))


BLOG_TOOLS = (
    McpTool(
        "list_posts", "Blog posts newest first (drafts for callers who may edit posts).",
        PostList, list_posts,
    ),
    McpTool("get_post", "One blog post with its body.", PostId, get_post),
    McpTool(
        "create_draft_post", "Write a draft blog post: the body of POST /api/blog/posts "
        "(translations with title and body, tags by name). Needs posts:create.", PostCreate,
        create_draft_post, permission="posts:create", read_only=False,
    ),
    McpTool(
        "update_post", "Change a post's translations, category, tags or metadata. Needs "
        "posts:update.", PostChange, update_post, permission="posts:update", read_only=False,
    ),
)  # fmt: skip
