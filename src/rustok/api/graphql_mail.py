# mypy: disallow-untyped-decorators=False
# (strawberry.field(...) with arguments is untyped, as in every graphql.py; pyproject.toml)
"""GraphQL for a tenant's admins: its mail templates and the delivery record of its mails,
through the same calls as ``/api/admin/mail-templates`` and ``/api/admin/mails``. A template
is named ``group/name`` (``order/placed``) as in the REST path. Here in the API layer: mail
sits below the web kit."""

from __future__ import annotations

import datetime as dt
from typing import cast

import strawberry

from rustok.core.errors import field_error
from rustok.mail.mail_runtime import mail_runtime
from rustok.mail.overrides import MailTemplateRead, MailTemplateWrite
from rustok.mail.records import MailStatus, page_mails
from rustok.mail.routes import MANAGE, READ, _checked
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo
from rustok.web.inputs import convert, input_dict
from rustok.web.pages import MAX_LOG_PAGE
from rustok.web.permissions import requires

_STATUSES = ("queued", "retrying", "sent", "dropped", "failed")


@strawberry.type(name="MailTemplateInfo")
class MailTemplateInfoType:
    template: str
    description: str
    locales: list[str] = strawberry.field(description="the file versions")
    overrides: list[str] = strawberry.field(description="the tenant's own versions")


@strawberry.type(name="MailTemplate")
class MailTemplateType:
    template: str
    locale: str
    source: str = strawberry.field(description="tenant (its own version) or file")
    subject: str
    text: str
    html: str
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, read: MailTemplateRead) -> MailTemplateType:
        return cls(
            template=read.template, locale=read.locale, source=read.source,
            subject=read.subject, text=read.text, html=read.html, updated_at=read.updated_at,
        )  # fmt: skip


@strawberry.type(name="Mail")
class MailType:
    id: strawberry.ID
    recipient: str
    template: str
    locale: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


@strawberry.type(name="MailList")
class MailList:
    items: list[MailType]
    total_count: int


@strawberry.input(name="MailTemplateInput")
class MailTemplateInput:
    subject: str
    text: str
    html: str


def _named(template: str, locale: str) -> tuple[str, str]:
    group, _, name = template.partition("/")
    return _checked(group, name, locale)


def _bounded(value: str | None, field: str, limit: int) -> str | None:
    if value is not None and not 1 <= len(value) <= limit:
        raise field_error(field, f"1 to {limit} characters")
    return value


@strawberry.type
class MailQuery:
    @strawberry.field(permission_classes=[requires(READ)])
    async def mail_templates(self, info: RustokInfo) -> list[MailTemplateInfoType]:
        """Every mail template, its file locales and the tenant's own versions."""
        found = await mail_runtime(info.context.platform).template_service.catalogue()
        return [
            MailTemplateInfoType(
                template=t.template, description=t.description, locales=t.locales,
                overrides=t.overrides,
            )
            for t in found
        ]  # fmt: skip

    @strawberry.field(permission_classes=[requires(READ)])
    async def mail_template(self, info: RustokInfo, template: str, locale: str) -> MailTemplateType:
        """What applies to this tenant: its own version, else the file version."""
        name, tag = _named(template, locale)
        service = mail_runtime(info.context.platform).template_service
        return MailTemplateType.of(await service.get(name, tag))

    @strawberry.field(permission_classes=[requires(READ)])
    async def mails(
        self, info: RustokInfo, status: str | None = None, template: str | None = None,
        recipient: str | None = None, page: int = 1, per_page: int = 20,
    ) -> MailList:  # fmt: skip
        """The tenant's mails, newest first."""
        check_page(page, per_page, max_page=MAX_LOG_PAGE)
        if status is not None and status not in _STATUSES:
            raise field_error("status", f"one of {', '.join(_STATUSES)}")
        found = await page_mails(
            info.context.platform, page=page, per_page=per_page,
            status=cast("MailStatus | None", status), template=_bounded(template, "template", 64),
            recipient=_bounded(recipient, "recipient", 255),
        )  # fmt: skip
        items = [
            MailType(
                id=strawberry.ID(str(m.id)), recipient=m.recipient, template=m.template,
                locale=m.locale, status=m.status, attempts=m.attempts, last_error=m.last_error,
                next_attempt_at=m.next_attempt_at, created_at=m.created_at, sent_at=m.sent_at,
            )
            for m in found.items
        ]  # fmt: skip
        return MailList(items=items, total_count=found.total)


@strawberry.type
class MailMutation:
    @strawberry.mutation(permission_classes=[requires(MANAGE)])
    async def set_mail_template(
        self, info: RustokInfo, template: str, locale: str, input: MailTemplateInput
    ) -> MailTemplateType:
        """Save the tenant's version; TEMPLATE_REFUSED names the part that breaks a rule."""
        name, tag = _named(template, locale)
        data = convert(input_dict(input), MailTemplateWrite)
        service = mail_runtime(info.context.platform).template_service
        return MailTemplateType.of(await service.put(name, tag, data))

    @strawberry.mutation(permission_classes=[requires(MANAGE)])
    async def delete_mail_template(self, info: RustokInfo, template: str, locale: str) -> bool:
        """Drop the tenant's version: the file version applies again."""
        name, tag = _named(template, locale)
        await mail_runtime(info.context.platform).template_service.delete(name, tag)
        return True
