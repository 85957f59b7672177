"""Ids in paths written as ULIDs (ID-1): ``/api/commerce/products/01JE…`` is routed as
``/api/commerce/products/<its UUID>``.

Litestar types path parameters (``{product_id:uuid}``) and answers 404 to anything else, so
the path is rewritten before routing — only where a route has a UUID parameter at that
position (``/api/store/products/{handle:str}`` keeps a handle that looks like a ULID). A path
without a ULID-shaped segment costs one regex search.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rustok.core.id_text import ULID_RE, ulid_as_uuid_text

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Receive, Scope, Send

_ULID_SEGMENT = re.compile(r"/[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}(?=/|$)")


class _Template:
    """A route path split into segments: literal text, or None for a parameter."""

    def __init__(self, path: str) -> None:
        parts = path.split("/")
        self.literals = [None if p.startswith("{") else p for p in parts]
        self.uuid_positions = frozenset(
            i for i, p in enumerate(parts) if p.startswith("{") and p.endswith(":uuid}")
        )

    def matches(self, segments: list[str]) -> bool:
        return all(
            lit is None or lit == seg for lit, seg in zip(self.literals, segments, strict=True)
        )


class UlidPathIds:
    def __init__(self, app: ASGIApp, route_paths: Iterable[str]) -> None:
        self.app = app
        self._templates: dict[int, list[_Template]] = defaultdict(list)
        self._paths: set[str] = set()
        self.add(route_paths)

    def add(self, route_paths: Iterable[str]) -> None:
        """Rewrite the paths of these routes too (routes registered after the app was built)."""
        for path in route_paths:
            if path in self._paths:
                continue
            self._paths.add(path)
            template = _Template(path)
            if template.uuid_positions and ":path}" not in path:
                self._templates[len(template.literals)].append(template)

    def rewritten(self, path: str) -> str | None:
        """``path`` with its ULIDs at UUID parameters as UUIDs, or None to leave it."""
        segments = path.split("/")
        ulids = {i for i, s in enumerate(segments) if ULID_RE.match(s)}
        for template in self._templates.get(len(segments), ()):
            at_uuids = ulids & template.uuid_positions
            if at_uuids and template.matches(segments):
                for i in at_uuids:
                    segments[i] = ulid_as_uuid_text(segments[i]) or segments[i]
                return "/".join(segments)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _ULID_SEGMENT.search(scope["path"]):
            path = self.rewritten(scope["path"])
            if path is not None:
                scope["path"] = path
                scope["raw_path"] = path.encode()
        await self.app(scope, receive, send)
