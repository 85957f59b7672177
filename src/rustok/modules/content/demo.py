"""Demo data of the content family: the demo tenant speaks English and Russian (``ru``
falls back to ``en``), has a few categories and tags, and the modules' seeders write as its
administrator. Every seeder is idempotent: it looks for its data first."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from rustok.auth.models import User
from rustok.core.context import current_context
from rustok.core.platform import Platform
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.models import CategoryTranslation
from rustok.modules.content.taxonomy.categories import CategoryService
from rustok.modules.content.taxonomy.schemas import CategoryCreate, CategoryTranslationInput
from rustok.rbac.catalogue import build_catalogue
from rustok.rbac.principal import Principal, merge_grants
from rustok.tenancy.schemas import LocaleSetting, TenantUpdate
from rustok.tenancy.service import TenantService

DEMO_ADMIN_EMAIL = "admin@demo.rustok.local"  # created by `rustok demo` before the seeders
DEMO_LOCALES = ("en", "ru")
DEMO_CATEGORIES = (("news", "News", "Новости"), ("guides", "Guides", "Руководства"))


async def demo_access(platform: Platform) -> ContentAccess:
    """Act as the demo tenant's administrator."""
    tenant_id = current_context().tenant_id
    assert tenant_id is not None  # `rustok demo` runs seeders in the demo tenant's context
    async with platform.db.read_session() as session:
        user_id = await session.scalar(select(User.id).where(User.email == DEMO_ADMIN_EMAIL))
    grants = build_catalogue(platform.modules.available).grants["admin"]
    principal = Principal(
        user_id=user_id or uuid.UUID(int=1), tenant_id=tenant_id, session_id=uuid.UUID(int=1),
        role="admin", email=DEMO_ADMIN_EMAIL, grants=merge_grants(grants),
    )  # fmt: skip
    return ContentAccess(principal)


async def _ensure_locales(platform: Platform) -> list[str]:
    tenant_id = current_context().tenant_id
    assert tenant_id is not None
    tenants = TenantService(platform)
    tenant = await tenants.get(tenant_id)
    present = {item.locale for item in tenant.locales}
    if present >= set(DEMO_LOCALES):
        return []
    wanted = [
        *tenant.locales,
        *(LocaleSetting(locale=locale, fallback=tenant.default_locale)
          for locale in DEMO_LOCALES if locale not in present),
    ]  # fmt: skip
    await tenants.update(tenant_id, TenantUpdate(locales=wanted))
    return ["locales en, ru (ru falls back to en)"]


async def category_id(platform: Platform, slug: str) -> uuid.UUID | None:
    async with platform.db.read_session() as session:
        found: uuid.UUID | None = await session.scalar(
            select(CategoryTranslation.category_id).where(
                CategoryTranslation.locale == "en", CategoryTranslation.slug == slug
            )
        )
    return found


async def seed_content(platform: Platform) -> list[str]:
    lines = await _ensure_locales(platform)
    categories = CategoryService(platform)
    for slug, english, russian in DEMO_CATEGORIES:
        if await category_id(platform, slug) is None:
            translations = [
                CategoryTranslationInput(locale="en", name=english, slug=slug),
                CategoryTranslationInput(locale="ru", name=russian),
            ]
            await categories.create_category(CategoryCreate(translations=translations), ["en"])
            lines.append(f"category {english}")
    return lines
