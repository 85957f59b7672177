"""``rustok``'s entry point.

``rustok serve`` with nothing but valid ``--host``, ``--port`` and ``--workers`` options goes
straight to :func:`rustok.cli.serving.serve`: typer (``app.py``, every command's module, and
the pydantic models it checks each option with) cost the server's main process some 90 ms
of CPU before anything else could start, and memory it kept. Anything else (another
command, ``--help``, a value out of range, an unknown option) is typer's, as before, with the
same messages.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

# The serve options (``serve.py``'s), each with the bounds of its integer (None: a string).
_SERVE_OPTIONS: dict[str, tuple[int, int] | None] = {
    "--host": None,
    "--port": (1, 65535),
    "--workers": (1, 64),
}


def main() -> None:
    options = plain_serve_options(sys.argv[1:])
    if options is None:
        from rustok.cli.app import app

        app()
        return
    from rustok.cli.serving import serve

    serve(**options)


def plain_serve_options(args: Sequence[str]) -> dict[str, Any] | None:
    """``serve``'s options when ``args`` are ``serve`` and those options only, each given once
    with a valid value (``--port 80`` or ``--port=80``); None for anything else."""
    if not args or args[0] != "serve":
        return None
    options: dict[str, Any] = {}
    rest = list(args[1:])
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        if name not in _SERVE_OPTIONS or name[2:] in options:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        bounds = _SERVE_OPTIONS[name]
        if bounds is None:
            if not value or value.startswith("-"):
                return None
            options[name[2:]] = value
            continue
        if not (value.isascii() and value.isdigit()) or not bounds[0] <= int(value) <= bounds[1]:
            return None
        options[name[2:]] = int(value)
    return options


def __getattr__(name: str) -> typer.Typer:
    """``app``, the typer application (``app.py``), where it was imported from before."""
    if name == "app":
        from rustok.cli.app import app

        return app
    raise AttributeError(name)
