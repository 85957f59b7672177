"""``rustok settings``: the modules' settings, from their declarations (``ModuleSpec.settings``).

``--markdown`` prints the README's table of module settings; ``tests/test_docs.py`` fails
when the README and the declarations differ.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from rustok.cli.common import out_console


def settings_command(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The README table, in Markdown.")
    ] = False,
) -> None:
    """List every module's settings: variable, module, default and meaning."""
    from rustok.bootstrap import available_modules, settings_types
    from rustok.core.module_settings import markdown_table, module_variables

    modules = settings_types([found.spec for found in available_modules()])
    if markdown:
        typer.echo(markdown_table(modules), nl=False)
        return
    table = Table("variable", "module", "default", "also read from")
    for slug in sorted(modules):
        for variable in module_variables(slug, modules[slug]):
            shown = "—" if variable.default is None else str(variable.default)
            table.add_row(variable.name, slug, shown, ", ".join(variable.aliases))
    out_console.print(table)
