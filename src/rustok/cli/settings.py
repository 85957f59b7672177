"""``rustok settings``: the modules' settings, from their declarations (``ModuleSpec.settings``).

``--markdown`` prints them as a Markdown table; with ``--module SLUG``, one module's, as its
README holds them (``rustok docs``; ``tests/test_docs.py`` fails when they differ).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from rustok.cli.common import out_console


def settings_command(
    markdown: Annotated[bool, typer.Option("--markdown", help="A Markdown table.")] = False,
    module: Annotated[
        str | None, typer.Option("--module", help="Only this module's (its README's table).")
    ] = None,
) -> None:
    """List every module's settings: variable, module, default and meaning."""
    from rustok.bootstrap import available_modules, settings_types
    from rustok.cli.routes import known_module
    from rustok.core.module_settings import markdown_table, module_variables

    modules = settings_types([found.spec for found in available_modules()])
    if module is not None:
        slug = known_module(module)
        modules = {slug: modules[slug]} if slug in modules else {}
    if markdown:
        typer.echo(markdown_table(modules, module_column=module is None), nl=False)
        return
    table = Table("variable", "module", "default", "also read from")
    for slug in sorted(modules):
        for variable in module_variables(slug, modules[slug]):
            shown = "—" if variable.default is None else str(variable.default)
            table.add_row(variable.name, slug, shown, ", ".join(variable.aliases))
    out_console.print(table)
