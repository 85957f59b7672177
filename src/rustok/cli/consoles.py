"""The command line's consoles and its one-line error, without the command framework:
``rustok serve``'s main process prints through them and imports no typer (``main.py``)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


def print_error(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}")
