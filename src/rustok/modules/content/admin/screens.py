"""Rendering the node screens (a list and an edit form) for content, blog and pages.

Each module's controller reads through its own service and hands the result here, so the
list, the side-by-side translations, the Markdown preview and the status buttons look and
behave the same on every node screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.enums import MediaType

from rustok.core.context import current_context
from rustok.core.errors import ValidationFailed
from rustok.modules.content.admin.editor import (
    ACTION_LABELS,
    allowed_actions,
    columns,
    posted_strings,
)
from rustok.modules.content.admin.markdown import render_markdown
from rustok.modules.content.locales import read_chain
from rustok.modules.content.schemas import NodeRead
from rustok.web.admin.forms import FormState
from rustok.web.admin.i18n import gettext
from rustok.web.admin.lists import ListQuery, ListSpec, ListView
from rustok.web.admin.render import NO_STORE, Crumb, page

AnyRequest = Request[Any, Any, Any]


@dataclass(frozen=True, slots=True)
class NodeScreen:
    """One module's node screen: where it lives and what it says."""

    path: str
    section: str  # the first breadcrumb (an English msgid)
    title: str  # the list's title (an English msgid)
    # What the empty list says to do (an English msgid).
    empty_hint: str
    # The "new" form's path, when the screen has one.
    new_path: str | None = None

    @property
    def preview_path(self) -> str:
        return f"{self.path}/preview"


def list_chain(query: ListQuery) -> list[str]:
    """Titles in the filtered locale, else the tenant's default chain."""
    tenant = current_context().tenant
    if tenant is None:
        return [query.filters.get("locale") or "en"]
    return read_chain(tenant, query.filters.get("locale"), None)


def edit_chain() -> list[str]:
    tenant = current_context().tenant
    return read_chain(tenant, None, None) if tenant is not None else ["en"]


def render_list(
    request: AnyRequest, screen: NodeScreen, spec: ListSpec, query: ListQuery,
    items: list[NodeRead], total: int,
) -> Response[str]:  # fmt: skip
    title = gettext(screen.title)
    return page(
        request, "content/nodes_list.html", title=title,
        crumbs=[Crumb(gettext(screen.section)), Crumb(title)],
        view=ListView(spec, query, screen.path, items, total), empty_hint=screen.empty_hint,
        new_path=screen.new_path,
    )  # fmt: skip


def render_edit(
    request: AnyRequest, screen: NodeScreen, node: NodeRead, form: FormState,
    status_code: int = 200,
) -> Response[str]:  # fmt: skip
    cols = columns(node)
    previews = {c.locale: render_markdown(form.values.get(f"body-{c.locale}", "")) for c in cols}
    return page(
        request, "content/node_edit.html", title=node.title, status_code=status_code,
        crumbs=[Crumb(gettext(screen.section)), Crumb(gettext(screen.title), screen.path),
                Crumb(node.title)],
        node=node, form=form, columns=cols, previews=previews, screen=screen,
        actions=allowed_actions(node), action_labels=ACTION_LABELS,
    )  # fmt: skip


async def render_preview(request: AnyRequest, screen: NodeScreen) -> Response[str]:
    """The posted locale's body as HTML: a fragment for htmx, a page without JavaScript."""
    posted = posted_strings(await request.form())
    locale = posted.get("preview", "")
    field = f"body-{locale}"
    if field not in posted:
        raise ValidationFailed("nothing to preview", errors={"preview": [f"no field {field}"]})
    html = render_markdown(posted[field].replace("\r\n", "\n"))
    if request.headers.get("hx-request") == "true":
        return Response(html, media_type=MediaType.HTML, headers=dict(NO_STORE))
    return page(
        request, "content/preview.html", title=gettext("Preview"), html=html,
        crumbs=[Crumb(gettext(screen.section)), Crumb(gettext(screen.title), screen.path)],
    )  # fmt: skip
