"""Driving the MCP server with the official SDK's client, in-process (ASGI) or over HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart

EXPECTED_TOOLS = {
    "search_products", "get_product", "create_draft_product", "update_product", "list_orders",
    "get_order", "transition_order", "list_posts", "get_post", "create_draft_post",
    "update_post", "list_pages", "get_page", "search_store", "index_check", "outbox_status",
}  # fmt: skip


@asynccontextmanager
async def mcp_client(
    url: str, headers: dict[str, str], app: RustokApp | None = None
) -> AsyncIterator[Client]:
    """The SDK's client on ``url``: through ``app`` in-process when given, else over TCP."""
    transport = httpx2.ASGITransport(app=app, client=("127.0.0.1", 50001)) if app else None
    http = httpx2.AsyncClient(transport=transport, headers=headers, timeout=60)
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        yield client


def result(answer: CallToolResult) -> dict[str, Any]:
    """The tool's JSON answer (its text content, which the structured content repeats)."""
    [content] = answer.content
    assert isinstance(content, TextContent)
    data: dict[str, Any] = json.loads(content.text)
    assert answer.structured_content == data or answer.structured_content == {"items": data}
    return data


async def pending_order(client: httpx.AsyncClient, admin: dict[str, str]) -> str:
    """An order placed through the storefront (status ``pending``); its id."""
    product = await create_product(client, admin, variants=1, stock=5)
    cart = await new_cart(client, currency_code="USD")
    await add_item(client, cart, product["variants"][0]["id"], 1)
    response = await checkout(client, cart, key="mcp-order-1")
    assert response.status_code == 201, response.text
    order_id: str = response.json()["id"]
    return order_id


DRAFT_PRODUCT = {
    "translations": [{"locale": "en", "title": "Agent Hoodie"}],
    "variants": [{"sku": "AGENT-1", "prices": [{"currency_code": "USD", "amount": 4900}]}],
}
