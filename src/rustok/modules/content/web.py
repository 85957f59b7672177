"""The content module's web half for REST, its own routes' and those of blog, forum and
pages (``interface.py`` is the domain half, ``web_graphql.py`` the GraphQL one): the shared
dependencies ``access`` (:class:`ContentAccess` of the caller) and ``chain`` (the read's
locale chain), :data:`CONTENT_DEPENDENCIES`.

Pagination, ids, ``PlatformDep`` and guards come from the web kit (``rustok.web``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, HeaderParameter, QueryParameter

from rustok.modules.content.access import ContentAccess
from rustok.modules.content.locales import LOCALE_PATTERN, read_chain
from rustok.web.deps import current_tenant
from rustok.web.principals import principal_of

AccessDep = NamedDependency[ContentAccess]
ChainDep = NamedDependency[list[str]]
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
    return read_chain(current_tenant(), locale, accept_language)


def access_provider(via: str | None = None) -> Provide:
    """A dependency giving the caller's :class:`ContentAccess` (anonymous when no token)."""

    async def provide_access(request: Request[Any, Any, Any]) -> ContentAccess:
        return ContentAccess(principal_of(request), via)

    return Provide(provide_access)


CONTENT_DEPENDENCIES = {"chain": Provide(provide_chain), "access": access_provider()}

__all__ = ["CONTENT_DEPENDENCIES", "AccessDep", "ChainDep", "access_provider"]
