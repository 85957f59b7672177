"""What every command shares: settings loading, error reporting and exit codes.

Exit codes: 0 success, 1 the operation failed (message says why), 2 bad usage or settings.
Messages go to stderr; stdout carries only the command's output.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, NoReturn, TypeVar

import typer

from rustok.cli.consoles import err_console as err_console
from rustok.cli.consoles import out_console as out_console
from rustok.cli.consoles import print_error
from rustok.core.errors import RustokError
from rustok.core.settings import Settings, SettingsError

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    print_error(message)
    raise typer.Exit(code)


def cli_settings(**overrides: Any) -> Settings:
    """The platform's and every available module's settings, validated (exit 2 if not)."""
    from rustok.bootstrap import load_all_settings

    try:
        settings = load_all_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        fail(str(exc), 2)
    from rustok.core.logging import configure_logging

    configure_logging(settings.log_format, settings.log_level)
    return settings


def run(work: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine; turn expected failures into a message and a non-zero exit."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from rustok.migrations import SchemaOutdated

    try:
        return asyncio.run(_call(work))
    except SettingsError as exc:
        fail(str(exc), 2)
    except RustokError as exc:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
        fail(f"{exc.detail}" + (f" ({details})" if details and details not in exc.detail else ""))
    except SchemaOutdated as exc:
        fail(str(exc))
    except (OperationalError, DBAPIError, OSError) as exc:
        fail(f"database unavailable: {str(getattr(exc, 'orig', exc)).splitlines()[0]}")


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


@asynccontextmanager
async def open_platform(settings: Settings, *, check_schema: bool = True) -> AsyncIterator[Any]:
    """A platform for one command; closed (engines disposed) on exit."""
    from rustok.bootstrap import bootstrap
    from rustok.core.tracing import configure_tracing, shutdown_tracing
    from rustok.migrations import ensure_schema_current

    configure_tracing(settings)  # CLI jobs export their spans too (O-3), when it is on
    platform = bootstrap(settings)
    try:
        if check_schema:
            await ensure_schema_current(platform.db)
        yield platform
    finally:
        await platform.aclose()
        shutdown_tracing()  # flushes what the batch exporter still holds


class CliKit:
    """The :class:`rustok.core.commands.CommandKit` lent to the modules' commands."""

    def settings(self) -> Settings:
        return cli_settings()

    def open_platform(
        self, settings: Settings, *, check_schema: bool = True
    ) -> AbstractAsyncContextManager[Any]:
        return open_platform(settings, check_schema=check_schema)

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        return run(work)

    def fail(self, message: str, code: int = 1) -> NoReturn:
        fail(message, code)
