"""Start-up's heap is frozen for the server's life (no full collection walks it again) and
given back to the collector at shutdown (``api/app.py``: ``freeze_startup_heap``)."""

from __future__ import annotations

import gc
from pathlib import Path

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from tests.conftest import make_settings
from tests.lifespan import LifespanManager


async def test_the_startup_heap_is_frozen_while_serving_and_released_after(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path, serve_events=False)
    app = create_app(settings, platform=bootstrap(settings))
    async with LifespanManager(app):
        frozen = gc.get_freeze_count()
        assert frozen > 100_000  # the app's objects and the modules' are among them
        gc.collect()  # a full collection leaves them frozen (only refcounting frees a few)
        assert gc.get_freeze_count() > frozen * 0.99
    assert gc.get_freeze_count() == 0
