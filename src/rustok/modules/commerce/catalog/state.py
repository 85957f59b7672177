"""The product lifecycle (SM-3) as types.

    state     action     next
    --------  ---------  --------
    draft     publish    active
    draft     archive    archived
    active    unpublish  draft
    active    archive    archived
    archived  unpublish  draft      (restores an archived product as a draft)

Only active products are sold and shown in the storefront; an active product cannot be
deleted (unpublish or archive it first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal, assert_never

from rustok.core.errors import InvalidTransition

ProductStatus = Literal["draft", "active", "archived"]
ProductAction = Literal["publish", "unpublish", "archive"]

ProductStateMachine: Final[dict[ProductStatus, dict[ProductAction, ProductStatus]]] = {
    "draft": {"publish": "active", "archive": "archived"},
    "active": {"unpublish": "draft", "archive": "archived"},
    "archived": {"unpublish": "draft"},
}


@dataclass(frozen=True, slots=True)
class DraftProduct:
    def publish(self, *, at: dt.datetime) -> ActiveProduct:
        return ActiveProduct(published_at=at)

    def archive(self) -> ArchivedProduct:
        return ArchivedProduct()


@dataclass(frozen=True, slots=True)
class ActiveProduct:
    published_at: dt.datetime

    def unpublish(self) -> DraftProduct:
        return DraftProduct()

    def archive(self) -> ArchivedProduct:
        return ArchivedProduct()


@dataclass(frozen=True, slots=True)
class ArchivedProduct:
    def unpublish(self) -> DraftProduct:
        return DraftProduct()


ProductState = DraftProduct | ActiveProduct | ArchivedProduct


def parse_product_status(value: str) -> ProductStatus:
    for status in ProductStateMachine:
        if status == value:
            return status
    raise ValueError(f"unknown product status {value!r}")


def load_product_state(status: str, published_at: dt.datetime | None) -> ProductState:
    parsed = parse_product_status(status)
    match parsed:
        case "draft":
            return DraftProduct()
        case "active":
            return ActiveProduct(published_at=published_at or dt.datetime.now(dt.UTC))
        case "archived":
            return ArchivedProduct()
        case _:
            assert_never(parsed)


def product_status_of(state: ProductState) -> ProductStatus:
    match state:
        case DraftProduct():
            return "draft"
        case ActiveProduct():
            return "active"
        case ArchivedProduct():
            return "archived"
        case _:
            assert_never(state)


def apply_product_action(
    state: ProductState, action: ProductAction, *, at: dt.datetime
) -> ProductState:
    """The next state, or :class:`InvalidTransition` when ``action`` is illegal here."""
    match action:
        case "publish":
            if isinstance(state, DraftProduct):
                return state.publish(at=at)
        case "archive":
            if isinstance(state, DraftProduct | ActiveProduct):
                return state.archive()
        case "unpublish":
            if isinstance(state, ActiveProduct | ArchivedProduct):
                return state.unpublish()
        case _:
            assert_never(action)
    status = product_status_of(state)
    allowed = ", ".join(ProductStateMachine[status]) or "none"
    raise InvalidTransition(
        f"cannot {action} a product that is {status}; allowed: {allowed}",
        errors={"status": [status]},
    )
