"""REST for a tenant's admins: its mail templates and the delivery record of its mails.

GET    /api/admin/mail-templates                          settings:read
GET    /api/admin/mail-templates/{group}/{name}/{locale}  settings:read
PUT    /api/admin/mail-templates/{group}/{name}/{locale}  settings:manage (422 if refused)
DELETE /api/admin/mail-templates/{group}/{name}/{locale}  settings:manage
GET    /api/admin/mails?status=&template=&recipient=      settings:read
"""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from rustok.core.errors import field_error
from rustok.core.platform import Platform
from rustok.mail.mail_runtime import mail_runtime
from rustok.mail.overrides import MailTemplateInfo, MailTemplateRead, MailTemplateWrite
from rustok.mail.records import MailPage, MailStatus, page_mails

PlatformDep = NamedDependency[Platform]
Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PerPage = Annotated[int, QueryParameter(ge=1, le=100)]
TemplateName = Annotated[str, QueryParameter(min_length=1, max_length=64)]
Recipient = Annotated[str, QueryParameter(min_length=1, max_length=255)]
# The tenant API's locale rule: "en", "ru", "pt-BR", "zh-Hant".
LOCALE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SEGMENT_RE = re.compile(r"^[a-z][a-z_]{0,30}$")
READ = "settings:read"
MANAGE = "settings:manage"


def _checked(group: str, name: str, locale: str) -> tuple[str, str]:
    if not SEGMENT_RE.match(group) or not SEGMENT_RE.match(name):
        raise field_error("template", "a template is <group>/<name>, e.g. order/placed")
    if len(locale) > 10 or not LOCALE_RE.match(locale):
        raise field_error("locale", "a locale tag such as en, ru or pt-BR")
    return f"{group}/{name}", locale


class MailTemplatesController(Controller):
    path = "/api/admin/mail-templates"
    tags = ["admin"]

    @get("/", permission=READ, graphql_twin="mailTemplates")
    async def list_templates(self, platform: PlatformDep) -> list[MailTemplateInfo]:
        """Every mail template, its file locales and the tenant's own versions."""
        return await mail_runtime(platform).template_service.catalogue()

    @get("/{group:str}/{name:str}/{locale:str}", permission=READ, graphql_twin="mailTemplate")
    async def get_template(
        self, platform: PlatformDep, group: FromPath[str], name: FromPath[str],
        locale: FromPath[str],
    ) -> MailTemplateRead:  # fmt: skip
        """What applies to this tenant: its own version, else the file version."""
        template, tag = _checked(group, name, locale)
        return await mail_runtime(platform).template_service.get(template, tag)

    @put("/{group:str}/{name:str}/{locale:str}", permission=MANAGE, graphql_twin="setMailTemplate")
    async def put_template(
        self, platform: PlatformDep, group: FromPath[str], name: FromPath[str],
        locale: FromPath[str], data: JSONBody[MailTemplateWrite],
    ) -> MailTemplateRead:  # fmt: skip
        """Save the tenant's version; 422 TEMPLATE_REFUSED names the part that breaks a rule
        (sandbox escapes, includes of other files, macros, deep loops, missing values)."""
        template, tag = _checked(group, name, locale)
        return await mail_runtime(platform).template_service.put(template, tag, data)

    @delete(
        "/{group:str}/{name:str}/{locale:str}",
        permission=MANAGE,
        status_code=204,
        graphql_twin="deleteMailTemplate",
    )
    async def delete_template(
        self, platform: PlatformDep, group: FromPath[str], name: FromPath[str],
        locale: FromPath[str],
    ) -> None:  # fmt: skip
        """Drop the tenant's version: the file version applies again."""
        template, tag = _checked(group, name, locale)
        await mail_runtime(platform).template_service.delete(template, tag)


class MailsAdminController(Controller):
    path = "/api/admin/mails"
    tags = ["admin"]

    @get("/", permission=READ, graphql_twin="mails")
    async def list_mails(
        self, platform: PlatformDep, status: FromQuery[MailStatus | None] = None,
        template: FromQuery[TemplateName | None] = None,
        recipient: FromQuery[Recipient | None] = None,
        page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20,
    ) -> MailPage:  # fmt: skip
        """The tenant's mails, newest first: status, attempts, last error, when sent."""
        return await page_mails(
            platform, page=page, per_page=per_page, status=status, template=template,
            recipient=recipient,
        )  # fmt: skip
