"""Creating, reading and changing tenants (platform code: works across tenants)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.audit.log import record
from rustok.core.context import TenantRef, current_context
from rustok.core.db import utcnow
from rustok.core.errors import Conflict, ValidationFailed
from rustok.core.ids import new_id
from rustok.core.invalidation import InvalidationBus
from rustok.core.platform import Platform
from rustok.rbac.catalogue import PermissionCatalogue, build_catalogue
from rustok.rbac.seed import RbacSync, seed_tenant_rbac, sync_rbac
from rustok.tenancy.directory import keys_for
from rustok.tenancy.errors import TenantExists, TenantNotFound
from rustok.tenancy.events import TenantCreated, TenantUpdated
from rustok.tenancy.identifiers import InvalidTenantIdentifier, validate_host, validate_slug
from rustok.tenancy.models import (
    DEFAULT_TENANT_ID,
    DEFAULT_TENANT_SLUG,
    Tenant,
    TenantLocale,
    TenantModule,
)
from rustok.tenancy.schemas import LocaleSetting, TenantCreate, TenantRead, TenantUpdate


def _field_error(field: str, exc: InvalidTenantIdentifier) -> ValidationFailed:
    return ValidationFailed(exc.detail, errors={field: [exc.detail]})


def _normalise_locales(
    default: str, locales: Sequence[LocaleSetting] | None
) -> list[LocaleSetting]:
    items = list(locales or [])
    if default not in {i.locale for i in items}:
        items.insert(0, LocaleSetting(locale=default))
    seen: set[str] = set()
    for item in items:
        if item.locale in seen:
            raise ValidationFailed(errors={"locales": [f"locale {item.locale!r} listed twice"]})
        seen.add(item.locale)
    for item in items:
        if item.fallback is not None and (
            item.fallback not in seen or item.fallback == item.locale
        ):
            raise ValidationFailed(
                errors={"locales": [f"fallback of {item.locale!r} must be another listed locale"]}
            )
        if item.locale == default and not item.enabled:
            raise ValidationFailed(errors={"locales": ["the default locale cannot be disabled"]})
    return items


class TenantService:
    def __init__(self, platform: Platform, invalidation: InvalidationBus | None = None) -> None:
        self._platform = platform
        self._invalidation = invalidation or platform.invalidation

    async def _changed(self, tenant_id: uuid.UUID, slug: str, *domains: str | None) -> None:
        await self._invalidation.publish(keys_for(tenant_id, [slug], domains))

    async def _read(self, session: AsyncSession, tenants: Sequence[Tenant]) -> list[TenantRead]:
        ids = [t.id for t in tenants]
        locales: dict[uuid.UUID, list[LocaleSetting]] = {i: [] for i in ids}
        if ids:
            rows = await session.scalars(
                select(TenantLocale)
                .where(TenantLocale.tenant_id.in_(ids))
                .order_by(TenantLocale.is_default.desc(), TenantLocale.locale)
            )
            for row in rows:
                locales[row.tenant_id].append(
                    LocaleSetting(
                        locale=row.locale, fallback=row.fallback_locale, enabled=row.is_enabled
                    )
                )
        return [
            TenantRead(
                id=t.id,
                slug=t.slug,
                name=t.name,
                domain=t.domain,
                is_active=t.is_active,
                default_locale=t.default_locale,
                currency_code=t.currency_code,
                locales=locales[t.id],
                settings=t.settings,
                created_at=t.created_at,
                updated_at=t.updated_at,
            )
            for t in tenants
        ]

    async def create(self, data: TenantCreate, *, tenant_id: uuid.UUID | None = None) -> TenantRead:
        try:
            slug = validate_slug(data.slug)
        except InvalidTenantIdentifier as exc:
            raise _field_error("slug", exc) from None
        try:
            domain = validate_host(data.domain) if data.domain else None
        except InvalidTenantIdentifier as exc:
            raise _field_error("domain", exc) from None
        locales = _normalise_locales(data.default_locale, data.locales)
        tenant = Tenant(
            id=tenant_id or new_id(),
            slug=slug,
            name=data.name.strip(),
            domain=domain,
            is_active=True,
            default_locale=data.default_locale,
            currency_code=data.currency_code,
            settings=data.settings or {},
            meta={},
        )
        async with self._platform.uow(all_tenants=True) as uow:
            session = uow.session
            await self._ensure_unique(session, slug=slug, domain=domain)
            session.add(tenant)
            self._add_locales(session, tenant.id, data.default_locale, locales)
            self._add_module_rows(session, tenant.id)
            await session.flush()
            await seed_tenant_rbac(session, tenant.id, self._catalogue())
            uow.publish(
                TenantCreated(tenant_id=tenant.id, slug=slug, domain=domain), tenant_id=tenant.id
            )
            _audit(session, "tenant.created", tenant.id, slug=slug)
            try:
                await uow.commit()
            except IntegrityError:
                raise TenantExists(f"a tenant with slug {slug!r} or that domain exists") from None
            created = (await self._read(session, [tenant]))[0]
        # Unknown slugs and hosts are cached as absent: forget that.
        await self._changed(tenant.id, slug, domain)
        return created

    async def _ensure_unique(
        self,
        session: AsyncSession,
        *,
        slug: str | None,
        domain: str | None,
        exclude: uuid.UUID | None = None,
    ) -> None:
        if slug is not None:
            taken = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
            if taken is not None and taken != exclude:
                raise TenantExists(f"tenant slug {slug!r} is taken", errors={"slug": ["taken"]})
        if domain is not None:
            taken = await session.scalar(select(Tenant.id).where(Tenant.domain == domain))
            if taken is not None and taken != exclude:
                raise TenantExists(f"domain {domain!r} is taken", errors={"domain": ["taken"]})

    @staticmethod
    def _add_locales(
        session: AsyncSession, tenant_id: uuid.UUID, default: str, locales: Sequence[LocaleSetting]
    ) -> None:
        for item in locales:
            session.add(
                TenantLocale(
                    tenant_id=tenant_id,
                    locale=item.locale,
                    name=item.locale,
                    native_name=item.locale,
                    is_default=item.locale == default,
                    is_enabled=item.enabled,
                    fallback_locale=item.fallback,
                )
            )

    def _add_module_rows(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        defaults = self._platform.settings.default_modules
        for spec in self._platform.modules:
            enabled = defaults is None or spec.slug in defaults
            session.add(
                TenantModule(
                    tenant_id=tenant_id, module_slug=spec.slug, enabled=enabled, settings={}
                )
            )

    async def list(self, *, page: int, per_page: int) -> tuple[list[TenantRead], int]:
        async with self._platform.db.read_session(all_tenants=True) as session:
            total = await session.scalar(select(func.count()).select_from(Tenant)) or 0
            tenants = (
                await session.scalars(
                    select(Tenant).order_by(Tenant.created_at, Tenant.id)
                    .offset((page - 1) * per_page).limit(per_page)
                )
            ).all()  # fmt: skip
            return await self._read(session, tenants), total

    async def get(self, tenant_id: uuid.UUID) -> TenantRead:
        async with self._platform.db.read_session(all_tenants=True) as session:
            tenant = await session.get(Tenant, tenant_id)
            if tenant is None:
                raise TenantNotFound(f"no tenant {tenant_id}")
            return (await self._read(session, [tenant]))[0]

    async def get_by_slug(self, slug: str) -> TenantRead:
        async with self._platform.db.read_session(all_tenants=True) as session:
            tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug.strip().lower()))
            if tenant is None:
                raise TenantNotFound(f"no tenant {slug!r}")
            return (await self._read(session, [tenant]))[0]

    async def update(self, tenant_id: uuid.UUID, patch: TenantUpdate) -> TenantRead:
        async with self._platform.uow(all_tenants=True) as uow:
            session = uow.session
            tenant = await session.get(Tenant, tenant_id, with_for_update=True)
            if tenant is None:
                raise TenantNotFound(f"no tenant {tenant_id}")
            previous_domain = tenant.domain
            if patch.name is not msgspec.UNSET:
                tenant.name = patch.name.strip()
            if patch.domain is not msgspec.UNSET:
                try:
                    domain = validate_host(patch.domain) if patch.domain else None
                except InvalidTenantIdentifier as exc:
                    raise _field_error("domain", exc) from None
                await self._ensure_unique(session, slug=None, domain=domain, exclude=tenant.id)
                tenant.domain = domain
            if patch.is_active is not msgspec.UNSET:
                if not patch.is_active and tenant.id == DEFAULT_TENANT_ID:
                    raise Conflict("the default tenant cannot be disabled", code="DEFAULT_TENANT")
                tenant.is_active = patch.is_active
            if patch.currency_code is not msgspec.UNSET:
                tenant.currency_code = patch.currency_code
            if patch.settings is not msgspec.UNSET:
                tenant.settings = patch.settings
            await self._update_locales(session, tenant, patch)
            tenant.updated_at = utcnow()
            changed = [
                f for f in TenantUpdate.__struct_fields__ if getattr(patch, f) is not msgspec.UNSET
            ]
            _audit(session, "tenant.updated", tenant.id, fields=changed)
            uow.publish(
                TenantUpdated(
                    tenant_id=tenant.id,
                    slug=tenant.slug,
                    domain=tenant.domain,
                    previous_slug=tenant.slug,
                    previous_domain=previous_domain,
                ),
                tenant_id=tenant.id,
            )
            try:
                await uow.commit()
            except IntegrityError:
                raise TenantExists("that domain is taken", errors={"domain": ["taken"]}) from None
            updated = (await self._read(session, [tenant]))[0]
        await self._changed(tenant.id, tenant.slug, tenant.domain, previous_domain)
        return updated

    async def _update_locales(
        self, session: AsyncSession, tenant: Tenant, patch: TenantUpdate
    ) -> None:
        if patch.default_locale is msgspec.UNSET and patch.locales is msgspec.UNSET:
            return
        default = (
            tenant.default_locale if patch.default_locale is msgspec.UNSET else patch.default_locale
        )
        existing = list(
            await session.scalars(select(TenantLocale).where(TenantLocale.tenant_id == tenant.id))
        )
        if patch.locales is msgspec.UNSET:
            current = [
                LocaleSetting(locale=r.locale, fallback=r.fallback_locale, enabled=r.is_enabled)
                for r in existing
            ]
        else:
            current = list(patch.locales)
        locales = _normalise_locales(default, current)
        for row in existing:
            await session.delete(row)
        await session.flush()
        tenant.default_locale = default
        self._add_locales(session, tenant.id, default, locales)

    def _catalogue(self) -> PermissionCatalogue:
        return build_catalogue(self._platform.modules.available)

    async def sync_permissions(self) -> RbacSync:
        """Give every tenant the permissions of newly installed modules (``rustok migrate``)."""
        async with self._platform.uow(all_tenants=True) as uow:
            added = await sync_rbac(uow.session, self._catalogue())
            await uow.commit()
        return added

    async def ensure_default(self) -> bool:
        """Create the default tenant if it is missing; return whether it was created."""
        async with self._platform.db.read_session(all_tenants=True) as session:
            if await session.get(Tenant, DEFAULT_TENANT_ID) is not None:
                return False
        try:
            await self.create(
                TenantCreate(slug=DEFAULT_TENANT_SLUG, name="Default"), tenant_id=DEFAULT_TENANT_ID
            )
        except TenantExists:
            return False
        return True


def _audit(session: AsyncSession, action: str, tenant_id: uuid.UUID, **details: Any) -> None:
    """Recorded under the acting tenant (the default one for the CLI and tenant admins)."""
    actor_tenant = current_context().tenant_id or DEFAULT_TENANT_ID
    record(
        session,
        action,
        resource="tenants",
        resource_id=tenant_id,
        tenant_id=actor_tenant,
        **details,
    )


def tenant_ref(tenant: TenantRead) -> TenantRef:
    """The request-context view of a tenant."""
    return TenantRef(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        is_active=tenant.is_active,
        default_locale=tenant.default_locale,
        currency_code=tenant.currency_code,
    )
