"""``rustok routes``: every HTTP route with the permission it requires (A-5).

The routes of every available module are listed, selected by ``RUSTOK_MODULES`` or not, as
``rustok settings`` lists every module's settings: the reference does not depend on one
deployment's choice. ``--module SLUG`` gives one module's (its README's table),
``--platform`` the platform's own (``docs/routes.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rustok.cli.common import cli_settings, fail, out_console

if TYPE_CHECKING:
    from rustok.api.route_catalogue import Operation


def route_table() -> list[Operation]:
    """Every operation of an app serving every available module, sorted by path."""
    import msgspec

    from rustok.api.app import create_app
    from rustok.api.route_catalogue import operations

    settings = msgspec.structs.replace(cli_settings(), modules=None, required_modules=())
    return operations(create_app(settings).litestar)


def known_module(slug: str) -> str:
    """``slug`` if a module of that slug is available; exit 2 otherwise."""
    from rustok.bootstrap import available_modules

    slugs = sorted(found.spec.slug for found in available_modules())
    if slug not in slugs:
        fail(f"no module {slug!r}; the available modules are {', '.join(slugs)}", 2)
    return slug


def routes_command(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table.")] = False,
    module: Annotated[
        str | None, typer.Option("--module", help="Only this module's routes (its README's).")
    ] = None,
    platform: Annotated[
        bool, typer.Option("--platform", help="Only the platform's own routes (docs/routes.md).")
    ] = False,
) -> None:
    """List every route and who may call it."""
    from rustok.api.route_catalogue import markdown_table

    if module is not None and platform:
        fail("--module and --platform exclude each other", 2)
    slug = known_module(module) if module is not None else None
    rows = route_table()
    if module is not None or platform:
        rows = [row for row in rows if row.module == slug]
    if markdown:
        typer.echo(markdown_table(rows), nl=False)
        return
    if not rows:
        return
    width = max(len(row.path) for row in rows)
    for row in rows:
        out_console.print(f"{row.method:<7} {row.path:<{width}}  {row.permission}", markup=False)
