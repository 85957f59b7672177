"""Who sees products that are not on sale.

Customers hold ``products:read``/``list`` (rustok-reference.md §8) so that they can look
products up, but drafts and archived products are the shop's business: only callers who may
change products see every status; everyone else sees active products, as on the storefront.
"""

from __future__ import annotations

from rustok.core.errors import NotFound
from rustok.modules.commerce import permissions as perm
from rustok.rbac.principal import Principal

ON_SALE = "active"


class HiddenStatus(Exception):
    """The caller asked for a status it may not see: the answer is empty."""


def sees_every_status(principal: Principal | None) -> bool:
    return principal is not None and principal.can(perm.PRODUCTS_UPDATE)


def status_filter(principal: Principal | None, requested: str | None) -> str | None:
    """The status a list may show the caller (raises :class:`HiddenStatus` for none)."""
    if sees_every_status(principal):
        return requested
    if requested not in (None, ON_SALE):
        raise HiddenStatus(requested)
    return ON_SALE


def ensure_visible(principal: Principal | None, status: str) -> None:
    """404, as for a missing product, when the caller may not see a product in ``status``."""
    if status != ON_SALE and not sees_every_status(principal):
        raise NotFound("no such product")
