"""Which tenant a request is for (T-2): header, host, subdomain, path or disabled mode; and,
in every mode, ``/media/{tenant_id}/…`` takes its tenant from its path (T-8).

Identifiers are validated before any lookup (T-3), and lookups go through the tenant cache.
Errors: 400 ``INVALID_TENANT_IDENTIFIER``, 404 ``TENANT_NOT_FOUND``, 403 ``TENANT_DISABLED``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from rustok.core.context import TenantRef
from rustok.core.net import TrustedProxies
from rustok.core.settings import Settings
from rustok.tenancy.directory import TenantDirectory
from rustok.tenancy.errors import TenantDisabled, TenantNotFound
from rustok.tenancy.identifiers import (
    UUID_RE,
    InvalidTenantIdentifier,
    validate_host,
    validate_slug,
)
from rustok.tenancy.models import DEFAULT_TENANT_ID

TENANT_HEADER = "x-tenant-id"
PATH_PREFIX = "/t/"
MEDIA_PREFIX = "/media/"
# Looks like a UUID but is not canonical (upper case): refused rather than taken for a slug.
_UUID_ANY_CASE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True, slots=True)
class Resolution:
    tenant: TenantRef
    path: str  # the path to route (the /t/<slug> prefix removed in path mode)


class TenantResolver:
    def __init__(self, settings: Settings, directory: TenantDirectory) -> None:
        self.mode = settings.tenant_resolution
        self.base_domain = (settings.tenant_base_domain or "").lower().strip(".")
        self.proxies = TrustedProxies(settings.trusted_proxies)
        self.directory = directory

    async def resolve(self, path: str, headers: Mapping[str, str], peer: str | None) -> Resolution:
        tenant, routed_path = await self._find(path, headers, peer)
        return Resolution(_usable(tenant), routed_path)

    async def resolve_id(self, tenant_id: uuid.UUID, path: str) -> Resolution:
        """A tenant chosen by something other than the request's selector (an API key)."""
        return Resolution(_usable(await self.directory.by_id(tenant_id)), path)

    def resolve_cached(
        self, path: str, headers: Mapping[str, str], peer: str | None
    ) -> Resolution | None:
        """:meth:`resolve` without awaiting, when the tenant cache holds the answer (header
        and disabled modes: a storefront's usual request); None when it must be awaited.
        Errors as :meth:`resolve`'s."""
        if self.mode == "header":
            value = headers.get(TENANT_HEADER, "").strip()
            found, tenant = (
                self._cached_by_header(value)
                if value
                else self.directory.cached_by_id(DEFAULT_TENANT_ID)
            )
        elif self.mode in ("host", "subdomain", "path"):
            return None
        else:
            found, tenant = self.directory.cached_by_id(DEFAULT_TENANT_ID)
        return Resolution(_usable(tenant), path) if found else None

    def resolve_id_cached(self, tenant_id: uuid.UUID, path: str) -> Resolution | None:
        """:meth:`resolve_id` when the tenant cache holds the answer; else None."""
        found, tenant = self.directory.cached_by_id(tenant_id)
        return Resolution(_usable(tenant), path) if found else None

    def _cached_by_header(self, value: str) -> tuple[bool, TenantRef | None]:
        if UUID_RE.match(value):
            return self.directory.cached_by_id(uuid.UUID(value))
        if _UUID_ANY_CASE.match(value):
            raise InvalidTenantIdentifier("tenant id must be a canonical lower-case UUID")
        return self.directory.cached_by_slug(validate_slug(value))

    async def resolve_media(self, path: str) -> Resolution:
        """The tenant of a public media URL, by the id that follows ``/media/``; a segment
        that is not a tenant id is simply no tenant (404), like a wrong file URL."""
        segment = path[len(MEDIA_PREFIX) :].partition("/")[0]
        tenant = await self.directory.by_id(uuid.UUID(segment)) if UUID_RE.match(segment) else None
        return Resolution(_usable(tenant), path)

    async def _find(
        self, path: str, headers: Mapping[str, str], peer: str | None
    ) -> tuple[TenantRef | None, str]:
        if self.mode == "header":
            value = headers.get(TENANT_HEADER, "").strip()
            return (await self._by_header(value) if value else await self._default()), path
        if self.mode == "host":
            return await self.directory.by_host(self._host(headers, peer)), path
        if self.mode == "subdomain":
            return await self._by_subdomain(self._host(headers, peer)), path
        if self.mode == "path":
            return await self._by_path(path)
        return await self._default(), path

    async def _default(self) -> TenantRef | None:
        return await self.directory.by_id(DEFAULT_TENANT_ID)

    async def _by_header(self, value: str) -> TenantRef | None:
        if UUID_RE.match(value):
            return await self.directory.by_id(uuid.UUID(value))
        if _UUID_ANY_CASE.match(value):
            raise InvalidTenantIdentifier("tenant id must be a canonical lower-case UUID")
        return await self.directory.by_slug(validate_slug(value))

    def _host(self, headers: Mapping[str, str], peer: str | None) -> str:
        host = self.proxies.host(peer, headers)
        if not host:
            raise InvalidTenantIdentifier("the request has no host")
        return validate_host(host)

    async def _by_subdomain(self, host: str) -> TenantRef | None:
        if host == self.base_domain:
            return await self._default()
        suffix = "." + self.base_domain
        if not host.endswith(suffix):
            raise TenantNotFound(f"{host!r} is not under {self.base_domain!r}")
        return await self.directory.by_slug(validate_slug(host.removesuffix(suffix)))

    async def _by_path(self, path: str) -> tuple[TenantRef | None, str]:
        if not path.startswith(PATH_PREFIX):
            return await self._default(), path
        slug, slash, rest = path[len(PATH_PREFIX) :].partition("/")
        tenant = await self.directory.by_slug(validate_slug(slug))
        return tenant, slash + rest if slash else "/"


def _usable(tenant: TenantRef | None) -> TenantRef:
    if tenant is None:
        raise TenantNotFound("no tenant matches this request")
    if not tenant.is_active:
        raise TenantDisabled(f"tenant {tenant.slug!r} is disabled")
    return tenant
