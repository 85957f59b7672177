"""Pieces every content-family controller shares: the caller's access, the read's locale
chain, pagination parameters. (Blog, forum and pages get them through ``interface``.)"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, HeaderParameter, QueryParameter

from rustok.auth.guard import principal_of
from rustok.core.context import current_context
from rustok.core.platform import Platform
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.locales import LOCALE_PATTERN, read_chain

PlatformDep = NamedDependency[Platform]
AccessDep = NamedDependency[ContentAccess]
ChainDep = NamedDependency[list[str]]
Page = Annotated[int, QueryParameter(ge=1, le=100_000)]
PerPage = Annotated[int, QueryParameter(ge=1, le=100)]
LocaleParam = Annotated[
    str | None,
    QueryParameter(
        min_length=2,
        max_length=10,
        pattern=LOCALE_PATTERN,
        description="Locale to show; falls back through the tenant's chain. "
        "Without it, Accept-Language decides.",
    ),
]
AcceptLanguage = Annotated[str | None, HeaderParameter(name="accept-language", max_length=512)]


async def provide_chain(
    locale: FromQuery[LocaleParam] = None, accept_language: AcceptLanguage = None
) -> list[str]:
    """The locales a read tries, in order (``?locale=``, else ``Accept-Language``)."""
    tenant = current_context().tenant
    if tenant is None:  # the resolver sets one on every /api route
        raise RuntimeError("no tenant in the request context")
    return read_chain(tenant, locale, accept_language)


def access_provider(via: str | None = None) -> Provide:
    """A dependency giving the caller's :class:`ContentAccess` (anonymous when no token)."""

    async def provide_access(request: Request[Any, Any, Any]) -> ContentAccess:
        return ContentAccess(principal_of(request), via)

    return Provide(provide_access)


CONTENT_DEPENDENCIES = {"chain": Provide(provide_chain), "access": access_provider()}
