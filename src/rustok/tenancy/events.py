"""Tenant event types."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from rustok.core.events import EventPayload

Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=10, pattern=r"^[A-Za-z0-9-]+$")]


class TenantCreated(EventPayload, frozen=True, kw_only=True):
    """A tenant was created."""

    event_type = "tenant.created"
    tenant_id: uuid.UUID
    slug: str = ""
    domain: str | None = None

    def aggregate_id(self) -> uuid.UUID:
        return self.tenant_id


class TenantUpdated(EventPayload, frozen=True, kw_only=True):
    """A tenant's name, domain, settings or active flag changed (caches must drop it)."""

    event_type = "tenant.updated"
    tenant_id: uuid.UUID
    slug: str = ""
    domain: str | None = None
    previous_slug: str | None = None
    previous_domain: str | None = None

    def aggregate_id(self) -> uuid.UUID:
        return self.tenant_id


class LocaleEnabled(EventPayload, frozen=True, kw_only=True):
    event_type = "locale.enabled"
    tenant_id: uuid.UUID
    locale: Locale

    def aggregate_id(self) -> uuid.UUID:
        return self.tenant_id


class LocaleDisabled(EventPayload, frozen=True, kw_only=True):
    event_type = "locale.disabled"
    tenant_id: uuid.UUID
    locale: Locale

    def aggregate_id(self) -> uuid.UUID:
        return self.tenant_id


class ModuleToggled(EventPayload, frozen=True, kw_only=True):
    """A module was enabled or disabled for a tenant."""

    event_type = "module.toggled"
    tenant_id: uuid.UUID
    module: Annotated[str, msgspec.Meta(min_length=2, max_length=32, pattern=r"^[a-z][a-z0-9_]+$")]
    enabled: bool

    def aggregate_id(self) -> uuid.UUID:
        return self.tenant_id
