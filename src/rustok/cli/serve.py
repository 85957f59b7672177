"""``rustok serve``: run the API on Granian (the work is ``serving.py``'s)."""

from __future__ import annotations

from typing import Annotated

import typer

from rustok.cli.serving import serve


def serve_command(
    host: Annotated[str | None, typer.Option(help="Address to bind (RUSTOK_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (RUSTOK_PORT).", min=1, max=65535)] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (RUSTOK_WORKERS).", min=1, max=64)
    ] = None,
) -> None:
    """Serve the REST and GraphQL API (migrates the database first in development)."""
    serve(host, port, workers)
