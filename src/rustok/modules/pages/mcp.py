"""The pages' MCP tools (``ModuleSpec.mcp_tools``): list pages and read one with its blocks,
as ``/api/pages`` does."""

from __future__ import annotations

import uuid

import msgspec

from rustok.modules.content.interface import ContentAccess, NodeStatus, read_chain
from rustok.modules.pages.schemas import PagePage, PageRead
from rustok.modules.pages.service import PageService
from rustok.web.mcp import Locale, McpCall, McpTool, Page, PerPage


class PageList(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: NodeStatus | None = None
    parent_id: uuid.UUID | None = None
    locale: Locale | None = None
    page: Page = 1
    per_page: PerPage = 20


class PageId(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: uuid.UUID
    locale: Locale | None = None


def _pages(call: McpCall) -> PageService:
    return PageService(call.platform, ContentAccess(call.principal))


def _chain(call: McpCall, locale: str | None) -> list[str]:
    return read_chain(call.tenant, locale.lower() if locale else None, None)


async def list_pages(call: McpCall, args: PageList) -> PagePage:
    return await _pages(call).list(
        _chain(call, args.locale), status=args.status, parent_id=args.parent_id,
        page=args.page, per_page=args.per_page,
    )  # fmt: skip


async def get_page(call: McpCall, args: PageId) -> PageRead:
    return await _pages(call).get(args.id, _chain(call, args.locale))


PAGE_TOOLS = (
    McpTool(
        "list_pages", "Pages in position order, without blocks (drafts for callers who may "
        "edit pages).", PageList, list_pages,
    ),
    McpTool("get_page", "One page with its blocks.", PageId, get_page),
)  # fmt: skip
