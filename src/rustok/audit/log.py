"""Writing audit entries, with actor, tenant, address, request and trace ids from context."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rustok.audit.models import AuditEntry
from rustok.core.context import current_context
from rustok.core.db import Database
from rustok.core.logging import get_logger

_log = get_logger("rustok.audit")


def record(
    session: AsyncSession,
    action: str,
    *,
    resource: str | None = None,
    resource_id: uuid.UUID | str | None = None,
    actor_id: uuid.UUID | None = None,
    tenant_id: uuid.UUID | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an entry to the session's transaction (it commits with the change it records)."""
    ctx = current_context()
    if ctx.api_key_id is not None:
        details.setdefault("api_key_id", str(ctx.api_key_id))
    entry = AuditEntry(
        action=action,
        actor_id=actor_id or ctx.actor_id,
        resource=resource,
        resource_id=str(resource_id) if resource_id is not None else None,
        ip_address=ctx.client_ip,
        request_id=ctx.request_id or None,
        trace_id=ctx.trace_id or None,
        details=details,
    )
    if tenant_id is not None:
        entry.tenant_id = tenant_id
    session.add(entry)
    return entry


async def record_now(db: Database, action: str, **kwargs: Any) -> None:
    """Record in a transaction of its own: for failures, whose request rolls back."""
    tenant_id = kwargs.get("tenant_id") or current_context().tenant_id
    if tenant_id is None:
        return
    try:
        async with db.writer(), db.write_session(all_tenants=True) as session:
            kwargs["tenant_id"] = tenant_id
            record(session, action, **kwargs)
            await session.commit()
    except Exception as exc:  # noqa: BLE001 - auditing must never break the request
        _log.error("audit entry lost", action=action, error=str(exc))
