"""The composition root: builds the platform's long-lived parts from settings.

Both the ASGI app (``api/app.py``) and the CLI start here; nothing is built at import time.
"""

from __future__ import annotations

from collections.abc import Sequence

from rustok.core.db import Database
from rustok.core.invalidation import InvalidationBus
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.registry import ModuleRegistry, load_spec
from rustok.core.settings import Settings
from rustok.core.uow import UnitOfWorkFactory
from rustok.modules import BUILTIN_MODULES
from rustok.outbox.writer import OutboxWriter


def builtin_modules() -> list[ModuleSpec]:
    return [load_spec(path) for path in BUILTIN_MODULES]


def bootstrap(settings: Settings, *, modules: Sequence[ModuleSpec] | None = None) -> Platform:
    db = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        echo=settings.db_echo,
    )
    registry = ModuleRegistry.from_settings(
        settings.modules, builtin_modules() if modules is None else modules
    )
    return Platform(
        settings=settings,
        db=db,
        modules=registry,
        uow=UnitOfWorkFactory(db, OutboxWriter()),
        invalidation=InvalidationBus(settings.redis_url),
    )
