"""The request context's copies carry every field over (they are spelled out for speed)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from rustok.core.context import RequestContext, TenantRef


def _full() -> RequestContext:
    values: dict[str, Any] = {}
    for field in dataclasses.fields(RequestContext):
        if field.name == "tenant":
            values[field.name] = None
        elif field.type in ("str", "str | None"):
            values[field.name] = f"value of {field.name}"
        else:
            values[field.name] = uuid.uuid4()
    return RequestContext(**values)


def _tenant() -> TenantRef:
    return TenantRef(
        id=uuid.uuid4(), slug="acme", name="Acme", is_active=True, default_locale="en",
        locales=(("en", None),), currency_code="EUR", enabled_modules=frozenset(),
    )  # fmt: skip


def test_with_tenant_changes_only_the_tenant() -> None:
    ctx, tenant = _full(), _tenant()
    assert ctx.with_tenant(tenant) == dataclasses.replace(ctx, tenant=tenant)


def test_with_actor_changes_only_the_actor_and_key() -> None:
    ctx = _full().with_tenant(_tenant())
    actor, key = uuid.uuid4(), uuid.uuid4()
    assert ctx.with_actor(actor, key) == dataclasses.replace(ctx, actor_id=actor, api_key_id=key)
    assert ctx.with_actor(None) == dataclasses.replace(ctx, actor_id=None, api_key_id=None)
