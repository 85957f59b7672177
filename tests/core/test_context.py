"""The request context's copies carry every field over (they are spelled out for speed)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest

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


def test_with_caller_changes_the_tenant_actor_and_key_only() -> None:
    ctx, tenant = _full(), _tenant()
    actor, key = uuid.uuid4(), uuid.uuid4()
    assert ctx.with_caller(tenant, actor, key) == dataclasses.replace(
        ctx, tenant=tenant, actor_id=actor, api_key_id=key
    )


def test_the_written_out_constructor_takes_every_field_and_its_declared_default() -> None:
    """``__init__`` is spelled out for speed: it must agree with the declared fields."""
    declared: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(RequestContext)}
    assert RequestContext() == RequestContext(**declared)
    full = _full()
    for field in dataclasses.fields(RequestContext):
        value = getattr(full, field.name)
        one = RequestContext(**{field.name: value})
        assert getattr(one, field.name) == value
        assert all(
            getattr(one, other.name) == other.default
            for other in dataclasses.fields(RequestContext)
            if other.name != field.name
        )
    with pytest.raises(dataclasses.FrozenInstanceError):
        full.actor_id = None  # type: ignore[misc]
