"""The node editor shared by the content, blog (and later pages) screens.

- lists: :func:`node_list_spec` (status, locale and optionally kind filters; the tenant's
  locales are the allowed values) and :func:`node_filter` (the list query as a
  :class:`NodeFilter`);
- the edit form: one column per locale (the node's translations, then the tenant's other
  locales), each with title, slug, excerpt and Markdown body; :func:`translation_patches`
  turns the posted columns into the ``translations`` of the REST PATCH body, and
  :func:`form_failed` puts the service's errors (``translations[1].slug``) back on the
  fields they are about (``slug-ru``);
- :func:`allowed_actions`: the buttons, exactly the transitions the state machine allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rustok.core.context import current_context
from rustok.core.errors import Conflict, InvalidTransition, RustokError, ValidationFailed
from rustok.modules.content.queries import NodeFilter, NodeSort
from rustok.modules.content.schemas import NodeRead
from rustok.modules.content.state import NODE_ACTIONS, NodeAction, apply, load_node_state
from rustok.web.admin.forms import VERSION_FIELD, FormState
from rustok.web.admin.i18n import N_
from rustok.web.admin.lists import Column, ListQuery, ListSpec

STATUSES = (N_("draft"), N_("published"), N_("archived"))
# The kinds the platform's modules write; the nodes list filters by them.
KINDS = ("post", "page", "article", "comment", "forum_topic", "forum_reply", "forum_category")
SORTS = ("created_at", "updated_at", "published_at")
ACTION_LABELS = {
    "publish": N_("Publish"), "unpublish": N_("Unpublish"), "archive": N_("Archive"),
    "restore": N_("Restore"),
}  # fmt: skip
TEXT_FIELDS = ("title", "slug", "excerpt", "body")
# The list template labels its filters with their capitalised names: marked for the catalogue.
FILTER_LABELS = (N_("Kind"), N_("Locale"))


def tenant_locales() -> list[str]:
    tenant = current_context().tenant
    if tenant is None:
        return ["en"]
    return [locale for locale, _ in tenant.locales] or [tenant.default_locale]


def node_list_spec(*, with_kind: bool) -> ListSpec:
    filters: dict[str, tuple[str, ...]] = {"status": STATUSES}
    if with_kind:
        filters["kind"] = KINDS
    filters["locale"] = tuple(tenant_locales())
    return ListSpec(
        columns=(
            Column("title", N_("Title")), Column("kind", N_("Kind")),
            Column("status", N_("Status")), Column("locales", N_("Languages")),
            Column("created", N_("Created"), sort="created_at"),
            Column("updated", N_("Updated"), sort="updated_at"),
            Column("published", N_("Published"), sort="published_at"),
        ),
        sorts=SORTS, default_sort="-created_at", filters=filters,
    )  # fmt: skip


def node_filter(query: ListQuery, kind: str | None = None) -> NodeFilter:
    sort: NodeSort = query.sort  # type: ignore[assignment]  # list_query checked it
    return NodeFilter(
        kind=kind or query.filters.get("kind"), status=query.filters.get("status"),
        locale=query.filters.get("locale"), q=query.q, sort=sort,
    )  # fmt: skip


def allowed_actions(node: NodeRead) -> list[NodeAction]:
    """The transitions the content state machine allows from the node's status now."""
    return actions_allowed(node.status, node.published_at, node.archived_at)


def actions_allowed(
    status: str, published_at: dt.datetime | None, archived_at: dt.datetime | None
) -> list[NodeAction]:
    """The transitions the content state machine allows from this status now (pages, whose
    reads carry the node's status, use it too)."""
    now = dt.datetime.now(dt.UTC)
    state = load_node_state(status, published_at, archived_at, now)
    allowed: list[NodeAction] = []
    for action in NODE_ACTIONS:
        try:
            apply(state, action, now)
        except InvalidTransition:
            continue
        allowed.append(action)
    return allowed


def version_of(node: NodeRead) -> str:
    return node.updated_at.isoformat()


def editor_locales(node: NodeRead) -> list[str]:
    """The node's locales first, then the tenant's locales it is not translated into yet."""
    own = [t.locale for t in node.translations]
    return own + [locale for locale in tenant_locales() if locale not in own]


@dataclass(frozen=True, slots=True)
class LocaleColumn:
    locale: str
    translated: bool


async def edit_values(
    node: NodeRead, read_in: Callable[[list[str]], Awaitable[NodeRead]]
) -> dict[str, str]:
    """The form's values: each translation's texts and its body (one read per locale: a
    node read carries the body of one locale)."""
    values = {VERSION_FIELD: version_of(node)}
    for translation in node.translations:
        locale = translation.locale
        values[f"title-{locale}"] = translation.title
        values[f"slug-{locale}"] = translation.slug
        values[f"excerpt-{locale}"] = translation.excerpt or ""
        read = node if node.locale == locale else await read_in([locale])
        body = read.body if read.body is not None and read.body.locale == locale else None
        values[f"body-{locale}"] = body.body if body is not None else ""
    return values


def columns(node: NodeRead) -> list[LocaleColumn]:
    own = {t.locale for t in node.translations}
    return [LocaleColumn(locale, locale in own) for locale in editor_locales(node)]


def translation_patches(
    posted: Mapping[str, str], node: NodeRead
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The PATCH body's ``translations`` from the posted columns, and the map from the
    body's paths to the form's fields. A new locale's column left empty is skipped."""
    own = {t.locale for t in node.translations}
    patches: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    for locale in editor_locales(node):
        texts = {name: posted.get(f"{name}-{locale}", "") for name in TEXT_FIELDS}
        if locale not in own and not any(v.strip() for v in texts.values()):
            continue
        patch: dict[str, Any] = {"locale": locale, "title": texts["title"].strip()}
        if texts["slug"].strip():
            patch["slug"] = texts["slug"].strip()
        patch["excerpt"] = texts["excerpt"].strip() or None
        # Browsers post textareas with CRLF line ends; the stored Markdown keeps LF.
        patch["body"] = texts["body"].replace("\r\n", "\n")
        index = len(patches)
        for name in ("locale", *TEXT_FIELDS):
            fields[f"translations[{index}].{name}"] = f"{name}-{locale}"
        fields[f"translations[{index}]"] = f"title-{locale}"
        patches.append(patch)
    return patches, fields


def form_failed(
    posted: Mapping[str, str], exc: RustokError, fields: Mapping[str, str]
) -> FormState:
    """The form again with the problem's ``errors`` on the fields they name."""
    errors: dict[str, list[str]] = {}
    for key, messages in exc.errors.items():
        errors.setdefault(fields.get(key, key), []).extend(messages)
    message = exc.detail if isinstance(exc, Conflict) or not errors else None
    return FormState(values=dict(posted), errors=errors, message=message)


def posted_strings(form: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def posted_action(posted: Mapping[str, str]) -> NodeAction:
    """The status button pressed (one of the state machine's actions, else 400)."""
    action = posted.get("action")
    for known in NODE_ACTIONS:
        if action == known:
            return known
    raise ValidationFailed("unknown action", errors={"action": [f"one of {list(NODE_ACTIONS)}"]})
