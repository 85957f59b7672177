"""``rustok routes``: every HTTP route with the permission it requires (A-5)."""

from __future__ import annotations

from typing import Annotated

import typer

from rustok.cli.common import cli_settings, out_console


def route_table() -> list[tuple[str, str, str]]:
    """(method, path, permission or 'public') for every route of the app, sorted by path."""
    from litestar.handlers import HTTPRouteHandler

    from rustok.api.app import create_app
    from rustok.rbac.declare import PERMISSION_OPT, PUBLIC_OPT

    app = create_app(cli_settings())
    rows = set()
    for route in app.litestar.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            needed = (
                "public" if handler.opt.get(PUBLIC_OPT) else str(handler.opt.get(PERMISSION_OPT))
            )
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                rows.add((method, route.path, needed))
    return sorted(rows, key=lambda r: (r[1], r[0]))


def routes_command(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table.")] = False,
) -> None:
    """List every route and who may call it."""
    rows = route_table()
    if markdown:
        lines = ["| Method | Path | Permission |", "|---|---|---|"]
        lines += [f"| {m} | `{p}` | `{perm}` |" for m, p, perm in rows]
        typer.echo("\n".join(lines))
        return
    width = max(len(p) for _, p, _ in rows)
    for method, path, permission in rows:
        out_console.print(f"{method:<7} {path:<{width}}  {permission}", markup=False)
