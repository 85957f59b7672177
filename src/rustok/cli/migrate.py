"""``rustok migrate``: bring the schema to head and make sure the default tenant exists."""

from __future__ import annotations

from typing import Any

import msgspec

from rustok.cli.common import cli_settings, err_console, open_platform, out_console, run
from rustok.core.settings import Settings


async def migrate_and_seed(settings: Settings) -> tuple[str | None, str | None, bool]:
    """Migrate, create the default tenant, and give every tenant the permissions of newly
    installed modules; return (revisions before, after, whether the tenant was created)."""
    from rustok.migrations import upgrade
    from rustok.tenancy.service import TenantService

    if settings.is_sqlite:
        _ensure_sqlite_dir(settings.database_url)
    # A schema change (an index on a big table) may well run longer than any request.
    settings = msgspec.structs.replace(settings, db_statement_timeout=0.0)
    async with open_platform(settings, check_schema=False) as platform:
        before, after = await upgrade(platform.db)
        tenants = TenantService(platform)
        created = await tenants.ensure_default()
        added = await tenants.sync_permissions()
    if added.permissions:
        err_console.print(
            f"gave {added.tenants} tenant(s) the {added.permissions} permission(s) of newly "
            "installed modules, with their roles' default grants"
        )
    return before, after, created


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def migrate_command() -> None:
    """Apply database migrations (idempotent) and create the default tenant."""
    settings = cli_settings()
    before, after, created = run(lambda: migrate_and_seed(settings))
    report(before, after, created)


def report(before: Any, after: Any, created: bool) -> None:
    if before == after:
        out_console.print(f"database already at revision {after}")
    else:
        out_console.print(f"database migrated from {before or 'empty'} to {after}")
    if created:
        out_console.print("created the default tenant (slug 'default')")
