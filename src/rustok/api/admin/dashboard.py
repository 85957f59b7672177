"""``GET /admin``: the dashboard (UI-3), a grid of panels.

The platform's panels (events, audit) are here; modules contribute theirs
(``DashboardPanel`` in ``ModuleSpec.contributions``). A panel shows when the caller holds
its permission and, for a module's, the tenant enabled the module. Statements: the session
check, then 1 per platform panel and what each module's panel states (commerce: 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from sqlalchemy import func, select

from rustok.api.admin.middleware import ADMIN_ACCESS
from rustok.audit.models import AuditEntry
from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.platform import Platform
from rustok.outbox.models import OutboxEvent
from rustok.web.admin.i18n import gettext
from rustok.web.admin.panels import DashboardPanel
from rustok.web.admin.render import page
from rustok.web.deps import PlatformDep
from rustok.web.principals import require_principal

DASHBOARD_PERMISSION = ADMIN_ACCESS
RECENT_AUDIT = 10


async def events_panel(platform: Platform) -> Mapping[str, Any]:
    """This tenant's pending and failed outbox rows; the oldest pending one's age is how far
    the read models (fed by those events) lag behind the writes."""
    tenant_id = current_context().tenant_id
    async with platform.db.read_session() as session:
        rows = (
            await session.execute(
                select(OutboxEvent.status, func.count(), func.min(OutboxEvent.created_at))
                .where(OutboxEvent.tenant_id == tenant_id)
                .where(OutboxEvent.status.in_(("pending", "failed")))
                .group_by(OutboxEvent.status)
            )
        ).all()
    figures = {row[0]: (int(row[1]), row[2]) for row in rows}
    pending, oldest = figures.get("pending", (0, None))
    lag = None if oldest is None else max(0.0, (utcnow() - oldest).total_seconds())
    return {"pending": pending, "failed": figures.get("failed", (0, None))[0], "lag_seconds": lag}


async def audit_panel(platform: Platform) -> Mapping[str, Any]:
    async with platform.db.read_session() as session:
        rows = await session.scalars(
            select(AuditEntry).order_by(AuditEntry.created_at.desc()).limit(RECENT_AUDIT)
        )
        entries = [{"at": e.created_at, "action": e.action, "resource": e.resource} for e in rows]
    return {"entries": entries}


PLATFORM_PANELS = (
    DashboardPanel("platform", "admin/panel_events.html", "analytics:read", events_panel),
    DashboardPanel("platform", "admin/panel_audit.html", "users:read", audit_panel),
)


@dataclass(frozen=True, slots=True)
class LoadedPanel:
    template: str
    data: Mapping[str, Any]


@get("/admin", permission=DASHBOARD_PERMISSION, include_in_schema=False)
async def dashboard(request: Request[Any, Any, Any], platform: PlatformDep) -> Response[str]:
    """Orders and revenue, low stock, events, audit: what needs attention today."""
    principal = require_principal(request)
    tenant = current_context().tenant
    enabled = tenant.enabled_modules if tenant else frozenset[str]()
    panels = [
        *(p for p in platform.modules.contributions(DashboardPanel) if p.module in enabled),
        *PLATFORM_PANELS,
    ]
    loaded = [
        LoadedPanel(p.template, await p.load(platform))
        for p in panels
        if principal.can(p.permission)
    ]
    return page(request, "admin/dashboard.html", title=gettext("Dashboard"), panels=loaded)
