"""The composition root: builds the platform's long-lived parts from settings.

Both the ASGI app (``api/app.py``) and the CLI start here; nothing is built at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rustok.core.db import Database
from rustok.core.events import CATALOGUE, EventCatalogue
from rustok.core.invalidation import InvalidationBus
from rustok.core.jobs import JobScheduler
from rustok.core.module import ModuleSpec
from rustok.core.module_settings import ModuleSettings
from rustok.core.platform import Platform, ReadinessCheck
from rustok.core.read_cache import attach_read_model_versions
from rustok.core.redis_guard import RedisGuard
from rustok.core.registry import (
    FoundModule,
    ModuleRegistry,
    discover_modules,
    import_parts,
    installed_entry_points,
    load_spec,
    package_of,
)
from rustok.core.settings import Settings, load_settings
from rustok.core.uow import UnitOfWorkFactory
from rustok.mail.mail_runtime import attach_mail
from rustok.modules import BUILTIN_MODULES
from rustok.outbox.event_runtime import EventRuntime
from rustok.outbox.writer import OutboxWriter
from rustok.tenancy.tenancy_runtime import attach_directory

_PACKAGE_ROOT = Path(__file__).parent
# Web and command-line layers: their ``events.py`` are an admin page and a command (they
# declare no event, and importing them cost a worker the admin kit, typer and rich).
_NOT_EVENT_PACKAGES = frozenset({"api", "cli", "web"})


def event_modules() -> list[str]:
    """Every ``events.py`` of the package (platform packages and modules, installed or not)."""
    names = []
    for path in sorted(_PACKAGE_ROOT.rglob("events.py")):
        parts = path.relative_to(_PACKAGE_ROOT).with_suffix("").parts
        if parts != ("core", "events") and parts[0] not in _NOT_EVENT_PACKAGES:
            names.append(".".join(("rustok", *parts)))
    return names


def load_event_catalogue() -> EventCatalogue:
    """Import every event module, so :data:`CATALOGUE` holds every declared type (E-2):
    the platform's and the built-in modules', then the installed modules' ``events``."""
    for name in event_modules():
        importlib.import_module(name)
    for entry in installed_entry_points():
        import_parts(package_of(entry.value), ("events",))
    return CATALOGUE


def builtin_modules() -> list[ModuleSpec]:
    return [load_spec(path) for path in BUILTIN_MODULES]


def available_modules() -> list[FoundModule]:
    """Every module this deployment can run: built-in, then installed (entry points)."""
    return discover_modules(BUILTIN_MODULES)


def settings_types(modules: Sequence[ModuleSpec]) -> dict[str, type[ModuleSettings]]:
    return {spec.slug: spec.settings for spec in modules if spec.settings is not None}


def load_all_settings(
    environ: Mapping[str, str] | None = None,
    *,
    warn: bool = True,
    modules: Sequence[ModuleSpec] | None = None,
    **overrides: Any,
) -> Settings:
    """The platform's settings with those of every available module (or of ``modules``).

    Every module that could run is validated, selected by ``RUSTOK_MODULES`` or not, so its
    variables are known (no "unknown setting" warning) and a bad value fails at start-up.
    """
    specs = [found.spec for found in available_modules()] if modules is None else modules
    return load_settings(environ, warn=warn, modules=settings_types(specs), **overrides)


def bootstrap(settings: Settings, *, modules: Sequence[ModuleSpec] | None = None) -> Platform:
    db = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        statement_timeout=settings.db_statement_timeout,
        echo=settings.db_echo,
    )
    available = [found.spec for found in available_modules()] if modules is None else modules
    registry = ModuleRegistry.from_settings(settings.modules, available)
    for spec in registry:
        if spec.settings is not None:
            settings.of(spec.settings)  # loaded with the others, or fail here, not mid-request
    load_event_catalogue()
    redis = (
        RedisGuard(
            settings.redis_url,
            timeout=settings.redis_timeout,
            open_seconds=settings.redis_breaker_open_seconds,
        )
        if settings.redis_url
        else None
    )
    writer = OutboxWriter()
    platform = Platform(
        settings=settings,
        db=db,
        modules=registry,
        uow=UnitOfWorkFactory(db, writer),
        invalidation=InvalidationBus(redis),
        redis=redis,
    )
    if redis is not None:
        platform.readiness.append(ReadinessCheck("redis", redis.check, critical=False))
    attach_directory(platform)
    attach_mail(platform)
    attach_read_model_versions(platform)
    # The writer's commits wake the relay here (the hook), not by their NOTIFY as well.
    events = EventRuntime(platform, local_origin=writer.origin)
    platform.events = events
    platform.uow.after_commit.append(events.wake)
    platform.readiness.extend(events.readiness_checks())
    platform.jobs = JobScheduler(
        platform, [job for module in registry for job in module.jobs], settings.jobs_interval
    )
    platform.background.extend(
        build(platform) for module in registry for build in module.background
    )
    return platform
