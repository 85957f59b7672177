"""Page-numbered REST lists (API.md): ``?page=&per_page=`` in, ``{items, page, per_page,
total}`` out.

A list's page struct subclasses :class:`PageOf` and names its items again, so the OpenAPI
document shows the item schema (Litestar does not resolve a generic struct's parameter)::

    class TagPage(PageOf[TagRead], frozen=True, kw_only=True):
        items: list[TagRead]
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import QueryParameter

T = TypeVar("T")
MAX_PAGE = 100_000
# Logs (the outbox's events, a webhook's deliveries) run deeper than lists of things.
MAX_LOG_PAGE = 1_000_000
MAX_PER_PAGE = 100
Page = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)]
LogPage = Annotated[int, QueryParameter(ge=1, le=MAX_LOG_PAGE)]
PerPage = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)]


class PageOf(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """One page of a list: its items, the page number (from 1), its size, the list's total."""

    items: list[T]
    page: int
    per_page: int
    total: int
