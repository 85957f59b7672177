"""The product edit form's fields ↔ the catalogue service's bodies.

The form edits one translation (the tenant's default locale, else the first) and the
status. Saving is ``update_product`` with that translation, then the status transition the
new status needs (publish, unpublish or archive; the state machine refuses the others).
The form carries ``updated_at`` as its version: a product changed since the form was
opened is not overwritten (:func:`ensure_fresh`). The check reads before the write, in its
own statement: two saves within those milliseconds can still both pass.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from rustok.core.errors import InvalidTransition, ValidationFailed
from rustok.modules.commerce.catalog.schemas import ProductRead, ProductUpdate
from rustok.modules.commerce.catalog.service import CatalogService
from rustok.modules.commerce.catalog.state import ProductAction, ProductStateMachine
from rustok.web.admin.forms import VERSION_FIELD, ensure_fresh, parse_form
from rustok.web.admin.i18n import N_

STATUSES = (N_("draft"), N_("active"), N_("archived"))
ACTION_TO: dict[str, ProductAction] = {
    "active": "publish", "draft": "unpublish", "archived": "archive",
}  # fmt: skip
FIELDS = {
    "translations[0].title": "title", "translations[0].handle": "handle",
    "translations[0].locale": "locale", "translations": "title",
}  # fmt: skip


def version_of(product: ProductRead) -> str:
    return product.updated_at.isoformat()


def _translation(product: ProductRead, locale: str) -> tuple[str, str, str]:
    for t in product.translations:
        if t.locale == locale:
            return t.locale, t.title, t.handle
    if product.translations:
        first = product.translations[0]
        return first.locale, first.title, first.handle
    return locale, "", ""


def title_of(product: ProductRead, locale: str) -> str:
    return _translation(product, locale)[1] or str(product.id)


def edit_values(product: ProductRead, locale: str) -> dict[str, str]:
    locale, title, handle = _translation(product, locale)
    return {
        "locale": locale, "title": title, "handle": handle, "status": product.status,
        VERSION_FIELD: version_of(product),
    }  # fmt: skip


async def save_product(
    catalog: CatalogService, product_id: uuid.UUID, posted: Mapping[str, str]
) -> ProductRead:
    current = await catalog.get_product(product_id)
    ensure_fresh(version_of(current), posted)
    status = posted.get("status", current.status)
    if status not in STATUSES:
        raise ValidationFailed("unknown status", errors={"status": [f"one of {list(STATUSES)}"]})
    action = ACTION_TO[status] if status != current.status else None
    # Refused before anything is written, so a wrong status leaves the product as it was.
    if action is not None and action not in ProductStateMachine[current.status]:
        raise InvalidTransition(
            f"a {current.status} product cannot become {status}",
            errors={"status": [f"not allowed from {current.status}"]},
        )
    locale = posted.get("locale", "")
    # The form edits the title and handle only: the other texts are sent back unchanged
    # (the service replaces a locale's translation whole).
    kept = next((t for t in current.translations if t.locale == locale), None)
    translation = {
        "locale": locale, "title": posted.get("title", "").strip(),
        "handle": posted.get("handle", "").strip() or None,
        "description": kept.description if kept else None,
        "meta_title": kept.meta_title if kept else None,
        "meta_description": kept.meta_description if kept else None,
    }  # fmt: skip
    body = parse_form(ProductUpdate, {"translations": [translation]}, FIELDS)
    product = await catalog.update_product(product_id, body)
    if action is not None:
        product = await catalog.transition(product_id, action)
    return product
