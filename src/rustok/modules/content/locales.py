"""Which locale a read shows, and which translation that picks (C-4, T-7).

A read names a locale (``?locale=``, else the best enabled match of ``Accept-Language``);
:meth:`TenantRef.locale_chain` turns it into the order to try: the locale, its fallbacks,
the tenant's default. :func:`pick` takes the first translation found in that order, and a
node translated only into locales outside the chain still shows its first translation by
locale, so a list never has holes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import msgspec

from rustok.core.context import TenantRef
from rustok.core.locales import pick_by_locale

# The tenant API's locale rule (tenancy.schemas): "en", "es-419", "pt-BR", "zh-Hant".
LOCALE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LocaleTag = Annotated[str, msgspec.Meta(min_length=2, max_length=10, pattern=LOCALE_PATTERN)]
_MAX_LANGUAGES = 16


def _weighted(header: str) -> list[str]:
    """Tags of an ``Accept-Language`` header, best first (ties keep header order)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:_MAX_LANGUAGES]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(accept_language: str | None, enabled: Iterable[str]) -> str | None:
    """The enabled locale best matching ``Accept-Language`` (exact, then by language)."""
    if not accept_language:
        return None
    locales = list(enabled)
    by_lower = {locale.lower(): locale for locale in locales}
    for tag in _weighted(accept_language):
        exact = by_lower.get(tag.lower())
        if exact is not None:
            return exact
        language = tag.split("-")[0].lower()
        for locale in locales:
            if locale.split("-")[0].lower() == language:
                return locale
    return None


def read_chain(tenant: TenantRef, locale: str | None, accept_language: str | None) -> list[str]:
    """The locales a read tries, in order.

    An explicit ``locale`` the tenant does not list still comes first: content may hold
    translations in any locale, and asking for one by name should find it.
    """
    if locale is None:
        return tenant.locale_chain(negotiate(accept_language, (loc for loc, _ in tenant.locales)))
    chain = tenant.locale_chain(locale)
    return chain if chain[0] == locale else [locale, *(x for x in chain if x != locale)]


pick = pick_by_locale  # the name content code and its interface use
