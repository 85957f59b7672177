"""Two app instances on one database, as two server processes would be (no Redis)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from rustok.core.module import ModuleSpec
from tests.conftest import make_settings, serve_app


@asynccontextmanager
async def two_instances(
    db_url: str, tmp_path: Path, *, modules: Sequence[ModuleSpec] = (), **overrides: Any
) -> AsyncIterator[tuple[tuple[httpx.AsyncClient, RustokApp], tuple[httpx.AsyncClient, RustokApp]]]:
    """Each instance has its own platform: engine, caches, invalidation bus, event runtime."""
    settings = make_settings(db_url, tmp_path, **overrides)
    first = create_app(settings, platform=bootstrap(settings, modules=list(modules)))
    second = create_app(settings, platform=bootstrap(settings, modules=list(modules)))
    async with serve_app(first) as one, serve_app(second) as two:
        yield (one, first), (two, second)
