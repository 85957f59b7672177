"""``rustok mail preview``: a mail template rendered with sample data, to stdout (W-7).

Without ``--tenant`` no database is needed: the built-in files, or those of
``RUSTOK_MAIL_TEMPLATES_DIR``. With it, the tenant's own versions (``mail_templates``) come
first, exactly as the sender picks them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rustok.cli.common import cli_settings, fail, open_platform, run

if TYPE_CHECKING:
    from rustok.core.settings import Settings
    from rustok.mail.templates import TemplateSource

mail_app = typer.Typer(help="Outgoing mail: preview the templates.", no_args_is_help=True)


async def _tenant_versions(
    settings: Settings, slug: str, template: str
) -> tuple[str, dict[str, TemplateSource]]:
    from rustok.mail.overrides import tenant_overrides
    from rustok.tenancy.service import TenantService

    async with open_platform(settings) as platform:
        tenant = await TenantService(platform).get_by_slug(slug)
        return tenant.name, await tenant_overrides(platform.db, tenant.id, template)


@mail_app.command("preview")
def preview_command(
    template: Annotated[str, typer.Argument(help="The template, e.g. order/shipped.")],
    locale: Annotated[str, typer.Option("--locale", help="The version: en, ru, …")] = "en",
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Use this tenant's own versions (by slug).")
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="Print the HTML part.")] = False,
) -> None:
    """Render a mail template with sample data: subject and text, or the HTML."""
    from rustok.mail.catalogue import MAIL_KINDS, sample_of
    from rustok.mail.templates import MailTemplates, TemplateError

    settings = cli_settings()
    if template not in MAIL_KINDS:
        fail(f"unknown template {template!r}; known templates: {', '.join(MAIL_KINDS)}", 2)
    folder = settings.mail_templates_dir
    templates = MailTemplates(Path(folder) if folder else None)
    values = sample_of(template)
    overrides: dict[str, TemplateSource] = {}
    if tenant is not None:
        shop, overrides = run(lambda: _tenant_versions(settings, tenant, template))
        values["shop_name"] = shop
    known = sorted({*templates.file_locales(template), *overrides})
    if locale.lower() not in {tag.lower() for tag in known}:
        fail(f"no {locale!r} version of {template}; known locales: {', '.join(known)}", 2)
    try:
        rendered = templates.render(template, locale, values, overrides)
    except TemplateError as exc:
        fail(str(exc))
    if html:
        if rendered.html is None:
            fail(f"the {locale!r} version of {template} has no HTML part")
        sys.stdout.write(rendered.html)
    else:
        sys.stdout.write(f"Subject: {rendered.subject}\n\n{rendered.text}")
