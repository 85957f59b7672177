"""Catalogue tools: search and read products, create a draft, change one."""

from __future__ import annotations

import uuid
from typing import Literal

import msgspec

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.schemas import (
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductUpdate,
)
from rustok.modules.commerce.catalog.visibility import HiddenStatus, ensure_visible, status_filter
from rustok.modules.commerce.commerce_runtime import commerce_runtime
from rustok.web.mcp import McpCall, McpTool, Page, PerPage, SearchText


class ProductSearch(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Products newest first; ``q`` matches titles, handles and SKUs."""

    q: SearchText | None = None
    status: Literal["draft", "active", "archived"] | None = None
    page: Page = 1
    per_page: PerPage = 20


class ProductId(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: uuid.UUID


class ProductChange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """``changes`` is the body of ``PATCH /api/commerce/products/{id}``."""

    id: uuid.UUID
    changes: ProductUpdate


async def search_products(call: McpCall, args: ProductSearch) -> ProductPage:
    try:
        shown = status_filter(call.principal, args.status)
    except HiddenStatus:
        return ProductPage(items=[], page=args.page, per_page=args.per_page, total=0)
    return await commerce_runtime(call.platform).catalog.list_products(
        page=args.page, per_page=args.per_page, status=shown, q=args.q, category_id=None
    )


async def get_product(call: McpCall, args: ProductId) -> ProductRead:
    product = await commerce_runtime(call.platform).catalog.get_product(args.id)
    ensure_visible(call.principal, product.status)
    return product


async def create_draft_product(call: McpCall, args: ProductCreate) -> ProductRead:
    if args.status != "draft":
        raise ValidationFailed(
            "create_draft_product makes drafts", errors={"status": ["must be draft"]}
        )
    return await commerce_runtime(call.platform).catalog.create_product(args)


async def update_product(call: McpCall, args: ProductChange) -> ProductRead:
    return await commerce_runtime(call.platform).catalog.update_product(args.id, args.changes)


CATALOG_TOOLS = (
    McpTool(
        "search_products", "Search the catalogue (drafts too, for callers who may edit "
        "products). Needs products:list.", ProductSearch, search_products,
        permission=perm.PRODUCTS_LIST,
    ),
    McpTool(
        "get_product", "One product with translations, variants, prices and stock. "
        "Needs products:read.", ProductId, get_product, permission=perm.PRODUCTS_READ,
    ),
    McpTool(
        "create_draft_product", "Create a draft product: the body of POST "
        "/api/commerce/products (translations, variants with SKUs and prices in minor units). "
        "Needs products:create.", ProductCreate, create_draft_product,
        permission=perm.PRODUCTS_CREATE, read_only=False,
    ),
    McpTool(
        "update_product", "Change a product's translations, vendor, type, metadata, "
        "categories or collections. Needs products:update.", ProductChange, update_product,
        permission=perm.PRODUCTS_UPDATE, read_only=False,
    ),
)  # fmt: skip
