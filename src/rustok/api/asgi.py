"""Entry point for ASGI servers: ``granian --factory rustok.api.asgi:app_from_env``."""

from __future__ import annotations

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import load_all_settings
from rustok.core.logging import configure_logging


def app_from_env() -> RustokApp:
    settings = load_all_settings(warn=False)
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)
