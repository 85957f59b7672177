"""Choosing among translations along a locale chain (``TenantRef.locale_chain``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def pick_by_locale(
    items: Sequence[T], chain: Sequence[str], locale_of: Callable[[T], str]
) -> T | None:
    """The first item whose locale comes first in ``chain``; else the first by locale, so a
    translation outside the chain still shows rather than nothing."""
    if not items:
        return None
    by_locale = {locale_of(item): item for item in items}
    for locale in chain:
        found = by_locale.get(locale)
        if found is not None:
            return found
    return by_locale[min(by_locale)]
