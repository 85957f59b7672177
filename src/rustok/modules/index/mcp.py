"""The index's MCP tools (``ModuleSpec.mcp_tools``): the storefront's full-text search, and
``index check`` for the key's tenant."""

from __future__ import annotations

from typing import Literal

import msgspec

from rustok.modules.index.index_runtime import storefront
from rustok.modules.index.rebuild import READ_MODELS, CheckResult, check
from rustok.modules.index.schemas import SearchResults
from rustok.web.mcp import Locale, McpCall, McpTool, PerPage, SearchText


class StoreSearch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    q: SearchText
    locale: Locale | None = None
    limit: PerPage = 10


class IndexCheck(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    only: Literal["products", "content"] | None = None


class IndexCheckResult(msgspec.Struct, frozen=True, kw_only=True):
    drifted: int
    results: list[CheckResult]


async def search_store(call: McpCall, args: StoreSearch) -> SearchResults:
    locale = args.locale.lower() if args.locale else None
    # The storefront's own read (raw read pool, one statement); not its answer cache.
    hits = await storefront(call.platform).reads.search(call.tenant, locale, args.q, args.limit)
    return SearchResults(query=args.q, items=hits)


async def index_check(call: McpCall, args: IndexCheck) -> IndexCheckResult:
    models = [m for m in READ_MODELS if args.only is None or m == args.only]
    results = [await check(call.platform, call.tenant, model) for model in models]
    return IndexCheckResult(drifted=sum(len(r.drift) for r in results), results=results)


STORE_TOOLS = (
    McpTool(
        "search_store", "Full-text search of published products and content, as the "
        "storefront shows them.", StoreSearch, search_store,
    ),
    McpTool(
        "index_check", "Compare the storefront read models with the write model (as "
        "`rustok index check`) for this tenant; lists drifted listings. Needs settings:read.",
        IndexCheck, index_check, permission="settings:read",
    ),
)  # fmt: skip
