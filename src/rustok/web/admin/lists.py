"""List pages: filters, search, sort and pagination read from the query string.

A list handler declares what it accepts (:class:`ListSpec`), reads :func:`list_query` and
passes the query to its service; the page (``admin/list.html``) renders a :class:`ListView`.
Pages hold 50 rows (:data:`PER_PAGE`); links keep the other parameters. Bad parameters (an
unknown sort or filter value, a page beyond the last allowed) are a 400 with the reason,
never a silent default.

Statement budget: a list page costs the admin session's check (1 statement) plus what its
service's list costs for 50 rows; each list's test states and asserts its total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar import Request

from rustok.core.errors import ValidationFailed
from rustok.web.pages import MAX_PAGE

T = TypeVar("T")
PER_PAGE = 50
MAX_SEARCH = 100


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    # The sort key (ListSpec.sorts) this column's header toggles, or None.
    sort: str | None = None


@dataclass(frozen=True, slots=True)
class ListSpec:
    columns: tuple[Column, ...]
    # Sort keys the service accepts; "-key" sorts descending.
    sorts: tuple[str, ...]
    default_sort: str
    # Filter name → its allowed values (the template shows them as a select).
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    searchable: bool = True


@dataclass(frozen=True, slots=True)
class ListQuery:
    q: str | None
    sort: str
    page: int
    filters: dict[str, str]

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def _one(request: Request[Any, Any, Any], name: str) -> str | None:
    values = request.query_params.getall(name, [])
    if len(values) > 1:
        raise ValidationFailed(f"{name} is given twice", errors={name: ["is given twice"]})
    return values[0].strip() if values and values[0].strip() else None


def _page(raw: str | None) -> int:
    if raw is None:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ValidationFailed("bad page", errors={"page": [f"must be 1 to {MAX_PAGE}"]})
    return int(raw)


def list_query(request: Request[Any, Any, Any], spec: ListSpec) -> ListQuery:
    """The list parameters of ``request`` (``q``, ``sort``, ``page`` and the filters)."""
    q = _one(request, "q") if spec.searchable else None
    if q is not None and (len(q) > MAX_SEARCH or "\x00" in q):
        raise ValidationFailed("bad search", errors={"q": [f"at most {MAX_SEARCH} characters"]})
    sort = _one(request, "sort") or spec.default_sort
    if sort.removeprefix("-") not in spec.sorts:
        raise ValidationFailed("unknown sort", errors={"sort": [f"one of {list(spec.sorts)}"]})
    filters: dict[str, str] = {}
    for name, allowed in spec.filters.items():
        value = _one(request, name)
        if value is None:
            continue
        if value not in allowed:
            raise ValidationFailed(f"bad {name}", errors={name: [f"one of {list(allowed)}"]})
        filters[name] = value
    return ListQuery(q=q, sort=sort, page=_page(_one(request, "page")), filters=filters)


@dataclass(frozen=True, slots=True)
class ListView(Generic[T]):
    """One page of a list as the list template renders it."""

    spec: ListSpec
    query: ListQuery
    path: str
    items: Sequence[T]
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))

    def url(self, **changes: str | int | None) -> str:
        """This list's URL with ``changes`` (None drops a parameter); page 1 after a change
        of anything but the page."""
        params: dict[str, str | int | None] = {
            "q": self.query.q, "sort": self.query.sort, **self.query.filters,
            "page": self.query.page if "page" in changes or not changes else None,
        }  # fmt: skip
        params.update(changes)
        kept = {k: v for k, v in params.items() if v not in (None, "", 1) or k == "sort"}
        if kept.get("sort") == self.spec.default_sort:
            kept.pop("sort")
        return f"{self.path}?{urlencode(kept)}" if kept else self.path

    def sort_url(self, key: str) -> str:
        """The header link: ascending first, descending when already ascending."""
        return self.url(sort=f"-{key}" if self.query.sort == key else key)
