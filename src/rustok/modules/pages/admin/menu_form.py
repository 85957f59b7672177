"""A menu's item tree as a flat form: one row per item, in order, with its level.

Row ``n`` posts ``i{n}-level`` (1 is the top; an item is the child of the nearest row above
it one level up), ``i{n}-label-{locale}`` per locale, and its link: ``i{n}-page`` (a page) or
``i{n}-url``. Adding, removing and moving rows are submit buttons (``op``), as for a page's
blocks. :func:`menu_items` builds the ``items`` tree ``MenuUpdate`` takes and remembers which
row each tree path came from, so :func:`error_field` can put the service's errors
(``items[0].children[1].url``) on that row's field (``i1-url``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rustok.core.errors import ValidationFailed
from rustok.modules.pages.menus import MAX_DEPTH, MAX_ITEMS
from rustok.modules.pages.schemas import MenuItemRead

LEVELS = tuple(str(n) for n in range(1, MAX_DEPTH + 1))
_ROW_FIELDS = {"url": "url", "page_id": "page", "labels": "labels"}


@dataclass(frozen=True, slots=True)
class MenuRow:
    level: str
    labels: dict[str, str]
    page: str
    url: str


def blank_row(locales: list[str]) -> MenuRow:
    return MenuRow("1", dict.fromkeys(locales, ""), "", "")


def posted_rows(posted: Mapping[str, str], locales: list[str]) -> list[MenuRow]:
    rows: list[MenuRow] = []
    for n in range(MAX_ITEMS + 1):
        level = posted.get(f"i{n}-level")
        if level is None:
            break
        labels = {loc: posted.get(f"i{n}-label-{loc}", "") for loc in locales}
        link = posted.get(f"i{n}-page", ""), posted.get(f"i{n}-url", "")
        rows.append(MenuRow(level, labels, *link))
    return rows


def read_rows(items: list[MenuItemRead], level: int = 1) -> list[MenuRow]:
    """A stored tree as rows, depth first."""
    rows: list[MenuRow] = []
    for item in items:
        page = str(item.page_id) if item.page_id else ""
        rows.append(MenuRow(str(level), dict(item.labels), page, item.url or ""))
        rows.extend(read_rows(item.children, level + 1))
    return rows


def row_values(rows: list[MenuRow], locales: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for n, row in enumerate(rows):
        values[f"i{n}-level"] = row.level
        values[f"i{n}-page"] = row.page
        values[f"i{n}-url"] = row.url
        for loc in locales:
            values[f"i{n}-label-{loc}"] = row.labels.get(loc, "")
    return values


def apply_op(rows: list[MenuRow], op: str, locales: list[str]) -> list[MenuRow]:
    """``add``, ``remove-n``, ``up-n`` or ``down-n`` applied to the form's rows."""
    changed = list(rows)
    if op == "add":
        if len(changed) < MAX_ITEMS:
            changed.append(blank_row(locales))
        return changed
    verb, _, raw = op.partition("-")
    if not raw.isdigit() or not 0 <= int(raw) < len(changed):
        return changed
    n = int(raw)
    if verb == "remove":
        del changed[n]
    elif verb == "up" and n > 0:
        changed[n - 1], changed[n] = changed[n], changed[n - 1]
    elif verb == "down" and n < len(changed) - 1:
        changed[n + 1], changed[n] = changed[n], changed[n + 1]
    return changed


def menu_items(rows: list[MenuRow]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The ``items`` tree of the rows, and each tree path's row number."""
    top: list[dict[str, Any]] = []
    paths: dict[str, int] = {}
    stack: list[tuple[str, dict[str, Any]]] = []  # the open ancestors, by level
    for n, row in enumerate(rows):
        if row.level not in LEVELS or int(row.level) > len(stack) + 1:
            allowed = f"1 to {min(len(stack) + 1, MAX_DEPTH)}"
            message = f"must be {allowed}: one level below the item above at most"
            raise ValidationFailed(message, errors={f"i{n}-level": [message]})
        level = int(row.level)
        del stack[level - 1 :]
        item: dict[str, Any] = {
            "labels": {loc: text.strip() for loc, text in row.labels.items() if text.strip()},
            "children": [],
        }
        if row.url.strip():
            item["url"] = row.url.strip()
        if row.page:
            item["page_id"] = row.page
        siblings = stack[-1][1]["children"] if stack else top
        path = f"{stack[-1][0]}.children[{len(siblings)}]" if stack else f"items[{len(top)}]"
        siblings.append(item)
        stack.append((path, item))
        paths[path] = n
    return top, paths


_LAST_SEGMENT = re.compile(r"(\.\w+|\[[^\]]*\])$")


def error_field(path: str, paths: Mapping[str, int]) -> str | None:
    """The row field an error path is about (``i3-url``; ``i3`` for the row as a whole)."""
    rest: list[str] = []
    current = path
    while current and current not in paths:
        match = _LAST_SEGMENT.search(current)
        if match is None:
            return None
        rest.insert(0, match.group(1))
        current = current[: match.start()]
    if not current:
        return None
    n = paths[current]
    first = rest[0].lstrip(".") if rest else ""
    return f"i{n}-{_ROW_FIELDS[first]}" if first in _ROW_FIELDS else f"i{n}"
