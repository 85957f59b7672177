"""The tools of a deployment: the platform's, plus those of the installed modules."""

from __future__ import annotations

from rustok.api.mcp.outbox_tools import OUTBOX_TOOLS
from rustok.api.mcp.tools import McpTool
from rustok.core.platform import Platform


def tools_for(platform: Platform) -> list[McpTool]:
    """Module tools are imported only for installed modules."""
    installed = {module.slug for module in platform.modules}
    tools: list[McpTool] = [*OUTBOX_TOOLS]
    if "commerce" in installed:
        from rustok.api.mcp.catalog_tools import CATALOG_TOOLS
        from rustok.api.mcp.order_tools import ORDER_TOOLS

        tools += [*CATALOG_TOOLS, *ORDER_TOOLS]
    if "blog" in installed:
        from rustok.api.mcp.blog_tools import BLOG_TOOLS

        tools += BLOG_TOOLS
    if "pages" in installed:
        from rustok.api.mcp.page_tools import PAGE_TOOLS

        tools += PAGE_TOOLS
    if "index" in installed:
        from rustok.api.mcp.store_tools import STORE_TOOLS

        tools += STORE_TOOLS
    return tools
