"""GraphQL connections over offset-paged lists: ``first``/``after``, edges with cursors, and
``PageInfo``. Each list keeps its own ``…Edge`` and ``…Connection`` types (their names are
the schema's); positions, cursors and page info are computed here only.

    start = offset_after(after)   # the position after the client's cursor (0 without one)
    rows, total = await service.list(offset=start, limit=first)
    edges = [UserEdge(cursor=c, node=UserType.of(r)) for c, r in offset_edges(rows, start)]
    return UserConnection(edges=edges, page_info=offset_page_info(start, len(rows), total), …)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import strawberry

from rustok.core.errors import ValidationFailed
from rustok.web.cursors import offset_cursor
from rustok.web.pages import MAX_PAGE, MAX_PER_PAGE

N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_PER_PAGE:
        raise ValidationFailed(errors={"first": [f"must be between 1 and {MAX_PER_PAGE}"]})


def check_page(page: int, per_page: int, *, max_page: int = MAX_PAGE) -> None:
    """The ``page``/``perPage`` arguments of page-numbered GraphQL lists, bounded as their
    REST twins' ``Page`` (or ``LogPage``: ``max_page=MAX_LOG_PAGE``) and ``PerPage``."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationFailed(errors={"per_page": [f"must be between 1 and {MAX_PER_PAGE}"]})
    if page < 1:
        raise ValidationFailed(errors={"page": ["must be at least 1"]})
    if page > max_page:
        raise ValidationFailed(errors={"page": [f"must be at most {max_page}"]})


def offset_edges(nodes: Sequence[N], start: int) -> list[tuple[str, N]]:
    """Each node of a page that begins at offset ``start``, with its cursor."""
    return [(offset_cursor(start + i), node) for i, node in enumerate(nodes)]


def offset_page_info(start: int, count: int, total: int) -> PageInfo:
    """Page info of ``count`` items from offset ``start`` in a list of ``total``."""
    return PageInfo(
        has_next_page=start + count < total,
        end_cursor=offset_cursor(start + count - 1) if count else None,
    )
