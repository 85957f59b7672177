"""GraphQL: discount codes, through the same ``DiscountService`` as
``/api/commerce/discounts``."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import UNSET

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.discounts.service import DiscountRead, DiscountUpdate
from rustok.modules.commerce.graphql_support import runtime
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, patch_dict
from rustok.web.permissions import requires
from rustok.web.scalars import MinorUnits


@strawberry.type(name="Discount")
class DiscountType:
    id: strawberry.ID
    code: str
    kind: str
    value: MinorUnits
    usage_limit: int | None
    usage_count: int
    is_active: bool
    currency_code: str | None
    min_subtotal: MinorUnits | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None

    @classmethod
    def of(cls, d: DiscountRead) -> DiscountType:
        minimum = None if d.min_subtotal is None else MinorUnits(d.min_subtotal)
        return cls(
            id=strawberry.ID(str(d.id)), code=d.code, kind=d.kind, value=MinorUnits(d.value),
            usage_limit=d.usage_limit, usage_count=d.usage_count, is_active=d.is_active,
            currency_code=d.currency_code, min_subtotal=minimum, starts_at=d.starts_at,
            ends_at=d.ends_at,
        )  # fmt: skip


@strawberry.input(name="DiscountUpdateInput", description="Fields left out stay as they are.")
class DiscountUpdateInputType:
    is_active: bool | None = UNSET
    usage_limit: int | None = UNSET
    min_subtotal: MinorUnits | None = UNSET
    starts_at: dt.datetime | None = UNSET
    ends_at: dt.datetime | None = UNSET


@strawberry.type
class DiscountQuery:
    @strawberry.field(permission_classes=[requires(perm.DISCOUNTS_READ)])
    async def discount(self, info: RustokInfo, id: strawberry.ID) -> DiscountType:
        return DiscountType.of(await runtime(info).discounts.get(parse_id(id)))


@strawberry.type
class DiscountMutation:
    @strawberry.mutation(permission_classes=[requires(perm.DISCOUNTS_UPDATE)])
    async def update_discount(
        self, info: RustokInfo, id: strawberry.ID, input: DiscountUpdateInputType
    ) -> DiscountType:
        """Change activity, usage limit, minimum subtotal or validity window."""
        data = convert(patch_dict(input), DiscountUpdate)
        return DiscountType.of(await runtime(info).discounts.update(parse_id(id), data))

    @strawberry.mutation(permission_classes=[requires(perm.DISCOUNTS_DELETE)])
    async def delete_discount(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await runtime(info).discounts.delete(parse_id(id))
        return True
