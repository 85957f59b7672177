"""Structured logs on stderr (console or JSON) carrying request id, trace and span ids,
tenant and user.

The trace and span ids are the active OpenTelemetry span's (recorded or not), so a line
written while a consumer handles an event names the event's trace, and one written under a
SQL or GraphQL span names that span; the request context's trace id is the fallback.
"""

from __future__ import annotations

import logging
import sys
import weakref
from typing import Any, TextIO

from opentelemetry import trace

from rustok.core.context import current_context


def _import_structlog_without_rich() -> None:
    """Import structlog with rich hidden, unless something imported rich already.

    structlog imports rich (with pygments and attrs, some 65 modules and 35-50 ms of CPU) as
    it is imported, for one use: the console renderer's traceback, which a server writes
    only when a foreign (stdlib) log record carries an exception. Hidden, structlog falls
    back to its plain formatters; the renderer below gets rich's traceback, imported then.
    """
    if "structlog" in sys.modules or "rich" in sys.modules:
        return
    sys.modules["rich"] = None  # type: ignore[assignment]  # "import rich" raises ImportError
    try:
        import structlog  # noqa: F401 - imported now, with rich hidden
    finally:
        del sys.modules["rich"]


_import_structlog_without_rich()
import structlog  # noqa: E402 - after the import above
import structlog.dev  # noqa: E402


class RichTracebackOnFirstUse:
    """structlog's rich traceback (its ``RichTracebackFormatter``, with the options its
    console renderer uses by default), rich being imported by the first exception written."""

    def __init__(self, color_system: str | None) -> None:
        self.color_system = color_system

    def __call__(self, sio: TextIO, exc_info: Any) -> None:
        dev = structlog.dev
        if getattr(dev, "rich", None) is None:  # imported without it: give it rich's names
            try:
                import rich
                from rich.console import Console
                from rich.traceback import Traceback
            except ImportError:  # as structlog's default without rich
                dev.plain_traceback(sio, exc_info)
                return
            for name, value in (("rich", rich), ("Console", Console), ("Traceback", Traceback)):
                setattr(dev, name, value)
        dev.RichTracebackFormatter(color_system=self.color_system)(sio, exc_info)  # type: ignore[arg-type]


def _add_request_context(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    ctx = current_context()
    if ctx.request_id:
        event.setdefault("request_id", ctx.request_id)
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        event.setdefault("trace_id", format(span.trace_id, "032x"))
        event.setdefault("span_id", format(span.span_id, "016x"))
    elif ctx.trace_id:
        event.setdefault("trace_id", ctx.trace_id)
    if ctx.tenant is not None:
        event.setdefault("tenant", ctx.tenant.slug)
    if ctx.actor_id is not None:
        event.setdefault("user_id", str(ctx.actor_id))
    return event


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is now (test runners swap it; loggers are cached)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(fmt: str = "console", level: str = "info") -> None:
    """Route structlog and stdlib logging to stderr, so stdout stays machine-readable."""
    numeric = getattr(logging, level.upper(), logging.INFO)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_request_context,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    colors = sys.stderr.isatty()
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=colors,
            # As structlog's default with rich installed: in colour on a terminal, else not.
            exception_formatter=RichTracebackOnFirstUse("truecolor" if colors else None),
        )
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(_CurrentStderr())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        )
    )
    _forget_cached_chains()
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    # Pools say "Pool disposed" / "Pool recreating" at info on every start (SQLAlchemy names
    # a pool's logger after its class: ours is db/outages.py's GuardedPool).
    for noisy in ("httpx", "httpcore", "asyncio", "aiosqlite", "sqlalchemy.pool",
                  "rustok.core.db.outages.GuardedPool"):  # fmt: skip
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
    logging.getLogger("alembic").setLevel(max(numeric, logging.WARNING))


# Every logger handed out: a reconfiguration (tests, a command switching the format) must
# reach the ones already used, which cached the old processor chain on first use.
_LOGGERS: weakref.WeakSet[Any] = weakref.WeakSet()


def get_logger(name: str | None = None) -> Any:
    logger = structlog.get_logger(name)
    _LOGGERS.add(logger)
    return logger


def _forget_cached_chains() -> None:
    for logger in list(_LOGGERS):
        vars(logger).pop("bind", None)  # structlog caches the bound chain as ``bind``
