"""Reading the audit log: one page of the current tenant's entries, newest first, with
filters (the admin's audit log page). Two statements: the count and the page."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from rustok.audit.models import AuditEntry
from rustok.core.db import Database


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_id: uuid.UUID | None = None
    # An action, or the start of one ending with "." ("auth." is every auth.* action).
    action: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive


async def page_audit(
    db: Database, where: AuditFilter, *, page: int, per_page: int
) -> tuple[list[AuditEntry], int]:
    """One page of the tenant's audit entries matching ``where`` and their total."""
    condition = []
    if where.actor_id is not None:
        condition.append(AuditEntry.actor_id == where.actor_id)
    if where.action:
        if where.action.endswith("."):
            condition.append(AuditEntry.action.startswith(where.action, autoescape=True))
        else:
            condition.append(AuditEntry.action == where.action)
    if where.since is not None:
        condition.append(AuditEntry.created_at >= where.since)
    if where.until is not None:
        condition.append(AuditEntry.created_at < where.until)
    async with db.read_session() as session:
        total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*condition))
        rows = await session.scalars(
            select(AuditEntry).where(*condition)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        )  # fmt: skip
        return list(rows), int(total or 0)
