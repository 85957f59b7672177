"""``/admin/audit``: the tenant's audit log, newest first, filtered by actor, action and
date (``audit:list``: tenant administrators and super admins; the tenant's own entries only,
the tenant-scoped session filters them). Not ``logs:list``: that one also opens the events
screen, every tenant's outbox rows, to the default tenant's administrators.

Statements (50 rows): the session check, the count and the page
(``rustok.audit.query.page_audit``) — ``tests/admin/test_audit_admin.py`` asserts it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from typing import Any

from litestar import Controller, Request, Response, get

from rustok.audit.query import AuditFilter, page_audit
from rustok.core.errors import ValidationFailed
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListQuery, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page
from rustok.web.deps import PlatformDep

AnyRequest = Request[Any, Any, Any]
AUDIT_PATH = "/admin/audit"
AUDIT_LIST = ListSpec(
    columns=(
        Column("created", N_("When"), sort="created"), Column("action", N_("Action")),
        Column("actor", N_("Actor")), Column("resource", N_("Resource")),
        Column("ip", N_("Address")), Column("details", N_("Details")),
    ),
    sorts=("created",), default_sort="-created", searchable=False,
)  # fmt: skip
ACTION_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*\.?$")
FILTERS = ("actor", "action", "from", "to")


def _param(request: AnyRequest, name: str) -> str | None:
    values = request.query_params.getall(name, [])
    if len(values) > 1:
        raise ValidationFailed(f"{name} is given twice", errors={name: ["is given twice"]})
    return values[0].strip() or None if values else None


def _date(value: str | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"bad {name}", errors={name: ["a date: YYYY-MM-DD"]}) from None
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def audit_filter(request: AnyRequest) -> tuple[AuditFilter, dict[str, str]]:
    """The filters of the query string (400 on a bad one) and their raw values."""
    raw = {name: value for name in FILTERS if (value := _param(request, name)) is not None}
    actor_id = None
    if "actor" in raw:
        try:
            actor_id = uuid.UUID(raw["actor"])
        except ValueError:
            raise ValidationFailed("bad actor", errors={"actor": ["a user id"]}) from None
    action = raw.get("action")
    if action is not None and (len(action) > 64 or not ACTION_RE.match(action)):
        hint = "an action such as auth.login, or auth. for every auth action"
        raise ValidationFailed("bad action", errors={"action": [hint]})
    since = _date(raw.get("from"), "from")
    until = _date(raw.get("to"), "to")
    if until is not None:
        until += dt.timedelta(days=1)  # "to" is the last day shown
    if since is not None and until is not None and since >= until:
        raise ValidationFailed("empty range", errors={"to": ["on or after the from date"]})
    return AuditFilter(actor_id=actor_id, action=action, since=since, until=until), raw


class AuditAdminController(Controller):
    path = AUDIT_PATH
    include_in_schema = False

    @get("/", permission="audit:list")
    async def list_audit(self, platform: PlatformDep, request: AnyRequest) -> Response[str]:
        """Sign-ins, refusals and changes of this tenant, 50 a page."""
        query: ListQuery = list_query(request, AUDIT_LIST)
        if not query.descending:
            raise ValidationFailed("newest first only", errors={"sort": ["newest first only"]})
        where, raw = audit_filter(request)
        items, total = await page_audit(platform.db, where, page=query.page, per_page=PER_PAGE)
        shown = dataclasses.replace(query, filters=raw)  # the pager keeps the filters
        return page(
            request, "platform/audit_list.html", title=gettext("Audit log"),
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Audit log"))],
            view=ListView(AUDIT_LIST, shown, AUDIT_PATH, items, total), raw=raw,
        )  # fmt: skip
