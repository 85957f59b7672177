"""Entry point for ASGI servers: ``granian --factory rustok.api.asgi:app_from_env``.

A worker's start allocates some 300,000 objects that live as long as it does (modules,
classes, mappings, routes); the collector, left on, walked them in three full and hundreds
of young collections while they were made, about a sixth of the start's CPU, and every
later full collection walked them again. So the factory imports and builds with the
collector off, then freezes what it made (a few thousand objects of start-up garbage are
kept with it) and turns the collector back on for what requests allocate. The platform is
imported by the factory, not by this module, so that the collector is off for that too.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rustok.api.app import RustokApp


def app_from_env() -> RustokApp:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        app = _build_from_env()
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    return app


def _build_from_env() -> RustokApp:
    from rustok.api.early_stop import remember_inherited_handler

    remember_inherited_handler()
    from rustok.api.app import create_app
    from rustok.bootstrap import load_all_settings
    from rustok.core.logging import configure_logging
    from rustok.core.tracing import configure_tracing

    settings = load_all_settings(warn=False)
    configure_logging(settings.log_format, settings.log_level)
    configure_tracing(settings)
    return create_app(settings)
