"""Commerce's MCP tools (``ModuleSpec.mcp_tools``): the catalogue's and the orders'."""

from __future__ import annotations

from rustok.modules.commerce.mcp.catalog import CATALOG_TOOLS
from rustok.modules.commerce.mcp.orders import ORDER_TOOLS

COMMERCE_TOOLS = (*CATALOG_TOOLS, *ORDER_TOOLS)
