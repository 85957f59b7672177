"""Tenants' own versions of the mail templates (``mail_templates``), per template and locale.

Saved through the admin API only after :func:`validation.check_override`; read by the
sender for every claim of mails (no cache: a saved version applies to the next mails claimed
on every instance). A tenant's version is used for that tenant only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from rustok.core.context import current_context
from rustok.core.db import Database, utcnow
from rustok.core.errors import Conflict, NotFound
from rustok.core.platform import Platform
from rustok.mail.catalogue import MAIL_KINDS
from rustok.mail.models import MailTemplateOverride
from rustok.mail.templates import MailTemplates, TemplateSource

MAX_SUBJECT_CHARS = 255
MAX_TEXT_CHARS = 64 * 1024
MAX_HTML_CHARS = 256 * 1024
Origin = Literal["tenant", "folder", "built-in"]


class MailTemplateWrite(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_SUBJECT_CHARS)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TEXT_CHARS)]
    html: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_HTML_CHARS)]


class MailTemplateRead(msgspec.Struct, frozen=True, kw_only=True):
    template: str
    locale: str
    source: Origin
    subject: str
    text: str
    html: str
    updated_at: dt.datetime | None = None


class MailTemplateInfo(msgspec.Struct, frozen=True, kw_only=True):
    template: str
    description: str
    locales: list[str]  # the file versions (built-in, or RUSTOK_MAIL_TEMPLATES_DIR)
    overrides: list[str]  # the tenant's own versions


async def tenant_overrides(
    db: Database, tenant_id: uuid.UUID, template: str
) -> dict[str, TemplateSource]:
    """A tenant's versions of ``template`` by locale."""
    async with db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(MailTemplateOverride).where(
                MailTemplateOverride.tenant_id == tenant_id,
                MailTemplateOverride.template == template,
            )
        )
        return {r.locale: TemplateSource(subject=r.subject, text=r.text, html=r.html) for r in rows}


OVERRIDES = MailTemplateOverride.__table__
# Built once: the versions of some templates of some tenants (the pairs are picked after).
_OVERRIDES_OF = select(
    OVERRIDES.c.tenant_id, OVERRIDES.c.template, OVERRIDES.c.locale,
    OVERRIDES.c.subject, OVERRIDES.c.text, OVERRIDES.c.html,
).where(
    # Typed here: tenant_id takes its type from tenants.id, whose table may be imported after
    # this module (a worker's import order), and the bind would keep no type: raw UUIDs then
    # reach sqlite3, which refuses them. Every id column has this type.
    OVERRIDES.c.tenant_id.in_(bindparam("tenants", expanding=True, type_=OVERRIDES.c.id.type)),
    OVERRIDES.c.template.in_(bindparam("templates", expanding=True)),
)  # fmt: skip
Overrides = dict[str, TemplateSource]  # by locale


async def overrides_of(
    db: Database, wanted: set[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], Overrides]:
    """The versions of each ``(tenant id, template)`` in ``wanted``, by locale, in one
    statement (the sender's claims: :func:`tenant_overrides` per mail was one each)."""
    found: dict[tuple[uuid.UUID, str], Overrides] = {pair: {} for pair in wanted}
    if not wanted:
        return found
    params = {"tenants": list({t for t, _ in wanted}), "templates": list({n for _, n in wanted})}
    async with db.engine.connect() as conn:
        rows = await conn.execute(_OVERRIDES_OF, params)
        for row in rows:
            versions = found.get((row.tenant_id, row.template))
            if versions is not None:
                versions[row.locale] = TemplateSource(
                    subject=row.subject, text=row.text, html=row.html
                )
    return found


def known_template(name: str) -> str:
    if name not in MAIL_KINDS:
        raise NotFound(f"no mail template {name!r}; known: {', '.join(MAIL_KINDS)}")
    return name


def _read(row: MailTemplateOverride) -> MailTemplateRead:
    return MailTemplateRead(
        template=row.template, locale=row.locale, source="tenant", subject=row.subject,
        text=row.text, html=row.html, updated_at=row.updated_at,
    )  # fmt: skip


class MailTemplateService:
    """The current tenant's mail templates: what applies, and its own versions."""

    def __init__(self, platform: Platform, templates: MailTemplates) -> None:
        self._platform = platform
        self._templates = templates

    async def _row(self, name: str, locale: str) -> MailTemplateOverride | None:
        async with self._platform.db.read_session() as session:
            found: MailTemplateOverride | None = await session.scalar(
                select(MailTemplateOverride).where(
                    MailTemplateOverride.template == name, MailTemplateOverride.locale == locale
                )
            )
            return found

    async def catalogue(self) -> list[MailTemplateInfo]:
        async with self._platform.db.read_session() as session:
            rows = (await session.execute(select(MailTemplateOverride.template,
                                                 MailTemplateOverride.locale))).all()  # fmt: skip
        return [
            MailTemplateInfo(
                template=name,
                description=kind.description,
                locales=self._templates.file_locales(name),
                overrides=sorted(locale for template, locale in rows if template == name),
            )
            for name, kind in MAIL_KINDS.items()
        ]

    async def get(self, name: str, locale: str) -> MailTemplateRead:
        """The tenant's version if it has one, else the file version of exactly ``locale``."""
        row = await self._row(known_template(name), locale)
        if row is not None:
            return _read(row)
        found = self._templates.file_source(name, locale)
        if found is None:
            raise NotFound(f"no {locale!r} version of the mail template {name!r}")
        source, origin = found
        return MailTemplateRead(
            template=name, locale=locale, source="folder" if origin == "folder" else "built-in",
            subject=source.subject, text=source.text, html=source.html,
        )  # fmt: skip

    async def put(self, name: str, locale: str, body: MailTemplateWrite) -> MailTemplateRead:
        """Save the tenant's version after checking it (422 ``TEMPLATE_REFUSED``)."""
        from rustok.mail.validation import check_override  # Jinja2's parser: on first use

        source = TemplateSource(subject=body.subject, text=body.text, html=body.html)
        check_override(self._templates, known_template(name), locale, source)
        actor = current_context().actor_id
        try:
            async with self._platform.uow() as uow:
                row = await uow.session.scalar(
                    select(MailTemplateOverride).where(
                        MailTemplateOverride.template == name, MailTemplateOverride.locale == locale
                    )
                )
                if row is None:
                    row = MailTemplateOverride(template=name, locale=locale)
                    uow.session.add(row)
                row.subject, row.text, row.html = body.subject, body.text, body.html
                row.updated_by, row.updated_at = actor, utcnow()
                await uow.commit()
        except IntegrityError:
            raise Conflict("the template was saved concurrently; try again") from None
        return _read(row)

    async def delete(self, name: str, locale: str) -> None:
        """Drop the tenant's version: the file version applies again."""
        async with self._platform.uow() as uow:
            row = await uow.session.scalar(
                select(MailTemplateOverride).where(
                    MailTemplateOverride.template == known_template(name),
                    MailTemplateOverride.locale == locale,
                )
            )
            if row is None:
                raise NotFound(f"the tenant has no {locale!r} version of {name!r}")
            await uow.session.delete(row)
            await uow.commit()
