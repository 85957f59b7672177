"""Entry point for ASGI servers: ``granian --factory rustok.api.asgi:app_from_env``."""

from __future__ import annotations

from rustok.api.app import RustokApp, create_app
from rustok.api.early_stop import remember_inherited_handler
from rustok.bootstrap import load_all_settings
from rustok.core.logging import configure_logging
from rustok.core.tracing import configure_tracing


def app_from_env() -> RustokApp:
    remember_inherited_handler()
    settings = load_all_settings(warn=False)
    configure_logging(settings.log_format, settings.log_level)
    configure_tracing(settings)
    return create_app(settings)
