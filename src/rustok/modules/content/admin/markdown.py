"""Markdown to HTML for the editor's preview (no Markdown renderer exists in the API: it
stores and returns the source).

CommonMark plus tables, with raw HTML off: any ``<tag>`` in the source is shown as text,
so the preview can hold no script, style or event handler, and links and images may only
point to ``http(s)``, ``mailto`` or relative targets (``javascript:`` and ``data:`` stay
plain text). The result is safe to insert into an admin page as is.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

MAX_PREVIEW = 1_000_000  # BodyText's limit
_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _safe_link(url: str) -> bool:
    lowered = url.strip().lower()
    if ":" not in lowered.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True  # relative: no scheme before the first / ? or #
    return lowered.startswith(_SAFE_SCHEMES)


@functools.cache
def _renderer() -> MarkdownIt:
    # Built on the first preview: markdown-it costs every worker's start-up ~0.1 s otherwise.
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    renderer.validateLink = _safe_link  # type: ignore[method-assign]
    return renderer


def render_markdown(source: str) -> Markup:
    """``source`` rendered as sanitised HTML (raw HTML escaped, unsafe links left as text)."""
    return Markup(_renderer().render(source[:MAX_PREVIEW]))  # noqa: S704 - markdown-it escapes (html off)
