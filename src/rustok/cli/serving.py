"""``rustok serve``'s work: prepare the database in a child, then run the API on Granian.

Nothing here imports the command framework (typer, and the pydantic it validates options
with): the main process of a server started with plain options (``main.py``) never loads it,
which was a third of that process's start. The forked child imports whatever preparing needs,
and prints the server's addresses once it succeeded, beside the main process's import of
Granian: as plain text when rich would write no escape codes (not a terminal), else through
rich (some 25 ms of CPU). The main process imports the consoles only to report an error.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn, TextIO

from rustok import __version__
from rustok.core.settings import Settings, SettingsError, env_name, load_settings

# rustok.migrations.SCHEMA_HEADS_ENV, named here so that this process does not import it.
SCHEMA_HEADS_ENV = "RUSTOK_SCHEMA_HEADS"


def _prepare_in_child(overrides: dict[str, Any], settings: Settings) -> Callable[[], None]:
    """Load every module's settings and migrate (development) or check the schema, then print
    the server's addresses, in a forked child: this process — the server's main process,
    which only supervises the workers — never imports the platform or the modules (nor the
    consoles); the workers import them once.
    When the last start prepared the same code, settings and database (``prepared.py``),
    the child only checks that the database is still where that start left it.

    Returns the wait for the child (``SystemExit`` with its code if it failed): this process
    imports Granian meanwhile, on the way to the first answer either way."""
    heads_out, heads_in = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, exit with its code
        code = 0
        os.close(heads_out)
        try:
            os.write(heads_in, _prepared_heads(overrides, settings).encode())
            print_urls(settings, settings.workers)
        except BaseException as exc:  # noqa: BLE001 - reported, then the exit code says it failed
            code = _exit_code(exc)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    os.close(heads_in)

    def wait() -> None:
        with os.fdopen(heads_out, "rb") as pipe:
            heads = pipe.read().decode()
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise SystemExit(code if code > 0 else 1)
        # The workers check that the database is still at these heads with one query,
        # instead of importing Alembic and reading every revision again.
        if heads:
            os.environ[SCHEMA_HEADS_ENV] = heads

    return wait


def _exit_code(exc: BaseException) -> int:
    """The child's exit code: a command helper's ``typer.Exit`` (its message was printed),
    else 1 with the traceback."""
    import typer

    if isinstance(exc, typer.Exit):
        return exc.exit_code
    import traceback

    traceback.print_exception(exc)
    return 1


def _fail(message: str, code: int = 1) -> NoReturn:
    from rustok.cli.consoles import print_error

    print_error(message)
    raise SystemExit(code)


def _prepared_heads(overrides: dict[str, Any], settings: Settings) -> str:
    """The schema heads the workers check, after a full preparation unless a stamp of this
    key says the database was prepared already."""
    from rustok.cli.prepared import (
        database_still_prepared,
        preparation_key,
        stamped_heads,
        write_stamp,
    )

    key = preparation_key(os.environ)
    heads = stamped_heads(settings.data_dir, key)
    if heads and database_still_prepared(settings.database_url, heads):
        return heads
    from rustok.cli.common import cli_settings

    _prepare_database(cli_settings(**overrides))
    from rustok.migrations import head_revisions

    heads = ",".join(head_revisions())
    write_stamp(settings.data_dir, key, heads)
    return heads


def _prepare_database(settings: Settings) -> None:
    from rustok.cli.common import open_platform, run
    from rustok.cli.migrate import migrate_and_seed, report

    if settings.is_production:
        # Production never migrates implicitly: an outdated schema stops start-up.
        async def check() -> None:
            async with open_platform(settings, check_schema=True):
                return None

        run(check)
        return
    before, after, created = run(lambda: migrate_and_seed(settings))
    if before != after or created:
        report(before, after, created)


def _prometheus_dir(settings: Settings, workers: int) -> None:
    if workers < 2:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        return
    # Each worker is a process: they share metrics through files in a fresh directory.
    path = Path(settings.data_dir) / "prometheus"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path.resolve())


def print_urls(settings: Settings, workers: int) -> None:
    base = f"http://{settings.host}:{settings.port}"
    database = "sqlite" if settings.is_sqlite else "postgresql"
    title = (
        f"RusToK {__version__}[/] on {base} "
        f"({settings.env}, {workers} worker{'s' if workers > 1 else ''}, {database})"
    )
    lines = [
        f"  {label:<9} {base}{path}"
        for label, path in (
            ("Home", "/"),
            ("Admin", "/admin"),
            ("API docs", "/docs"),
            ("OpenAPI", "/api/openapi.json"),
            ("GraphQL", "/api/graphql"),
            ("Metrics", "/metrics"),
            ("Health", "/health/ready"),
        )
    ]
    if _rich_writes_plain_text(os.environ, sys.stdout):
        # What rich would write (no escape codes, no wrapping), without importing it.
        sys.stdout.write("\n".join([title.replace("[/]", ""), *lines, ""]))
        return
    from rustok.cli.consoles import out_console

    out_console.print("[bold]" + title)
    for line in lines:
        out_console.print(line)


def _rich_writes_plain_text(environ: Mapping[str, str], stream: TextIO) -> bool:
    """Whether rich's console would write to ``stream`` as to no terminal (by its rules:
    ``TTY_COMPATIBLE``, then ``FORCE_COLOR``, then ``isatty``): a server's output, mostly."""
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "0"
    force = environ.get("FORCE_COLOR")
    if force is not None:
        return force == ""
    try:
        return not stream.isatty()
    except ValueError:  # closed
        return True


def serve(host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    """Prepare, then serve until stopped (``SystemExit`` with the code when it cannot)."""
    started = time.perf_counter()
    overrides: dict[str, Any] = {"host": host, "port": port, "workers": workers}
    # The platform's settings alone: the modules' (and every check of them) are loaded by
    # the child below, so that this process never imports the modules.
    try:
        settings = load_settings(
            warn=False, **{k: v for k, v in overrides.items() if v is not None}
        )
    except SettingsError as exc:
        _fail(str(exc), 2)
    # Before anything imports prometheus_client: it picks in-memory or file-backed values
    # once, at import, and the workers inherit that choice.
    _prometheus_dir(settings, settings.workers)
    # Workers read their settings from the environment: pass the command-line overrides on.
    for field, value in overrides.items():
        if value is not None:
            os.environ[env_name(field)] = str(value)
    prepared = _prepare_in_child(overrides, settings)
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings, HTTP2Settings
    from granian.log import LogLevels

    prepared()
    os.environ["RUSTOK_SERVE_STARTED"] = str(started)
    # The workers are forked from this process: with its objects frozen, their collectors
    # neither walk them nor write to them, so the pages holding them stay shared.
    gc.freeze()
    try:
        Granian(
            "rustok.api.asgi:app_from_env",
            factory=True,
            address=settings.host,
            port=settings.port,
            interface=Interfaces.ASGI,
            workers=settings.workers,
            # A worker that does not stop in time (a shutdown stuck on a dead peer) is killed.
            workers_kill_timeout=round(settings.shutdown_timeout),
            loop=Loops.uvloop,
            log_level=LogLevels.warning if settings.log_level != "debug" else LogLevels.debug,
            backlog=2048,
            http=HTTPModes.auto if settings.http2 else HTTPModes.http1,
            # A client that trickles its headers (slowloris) is cut off after the timeout; a
            # request head larger than the buffer is refused (431) before the app sees it.
            http1_settings=HTTP1Settings(
                header_read_timeout=round(settings.header_read_timeout * 1000),
                max_buffer_size=settings.max_header_size,
            ),
            http2_settings=HTTP2Settings(max_headers_size=settings.max_header_size),
        ).serve()
    except OSError as exc:
        _fail(f"cannot serve on {settings.host}:{settings.port}: {exc.strerror}")
