"""GraphQL: the signed-in customer's account and address book, and the admin view of
customers, through the same ``CustomerService`` as ``/api/store/customers/me`` and
``/api/commerce/customers``. The customer is always the caller, never an argument."""

from __future__ import annotations

import datetime as dt

import strawberry

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.customers.service import AddressCreate, AddressRead, CustomerRead
from rustok.modules.commerce.graphql_support import principal, runtime, search_term
from rustok.rbac.declare import AUTHENTICATED
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, input_dict
from rustok.web.permissions import requires


@strawberry.type(name="CustomerAddress")
class CustomerAddressType:
    id: strawberry.ID
    first_name: str
    last_name: str
    company: str | None
    address1: str
    address2: str | None
    city: str
    province: str | None
    postal_code: str
    country_code: str
    phone: str | None
    is_default: bool

    @classmethod
    def of(cls, read: AddressRead) -> CustomerAddressType:
        return cls(
            id=strawberry.ID(str(read.id)), first_name=read.first_name,
            last_name=read.last_name, company=read.company, address1=read.address1,
            address2=read.address2, city=read.city, province=read.province,
            postal_code=read.postal_code, country_code=read.country_code, phone=read.phone,
            is_default=read.is_default,
        )  # fmt: skip


@strawberry.type(name="Customer")
class CustomerType:
    id: strawberry.ID
    email: str
    name: str | None
    status: str
    addresses: list[CustomerAddressType]
    order_count: int
    created_at: dt.datetime

    @classmethod
    def of(cls, read: CustomerRead) -> CustomerType:
        return cls(
            id=strawberry.ID(str(read.id)), email=read.email, name=read.name, status=read.status,
            addresses=[CustomerAddressType.of(a) for a in read.addresses],
            order_count=read.order_count, created_at=read.created_at,
        )  # fmt: skip


@strawberry.type(name="CustomerList")
class CustomerList:
    items: list[CustomerType]
    total_count: int


@strawberry.input(name="CustomerAddressInput")
class CustomerAddressInputType:
    first_name: str
    last_name: str
    address1: str
    city: str
    postal_code: str
    country_code: str
    company: str | None = None
    address2: str | None = None
    province: str | None = None
    phone: str | None = None
    is_default: bool | None = strawberry.field(
        default=None, description="true makes it the default address"
    )


@strawberry.type
class CustomerQuery:
    @strawberry.field(permission_classes=[requires(AUTHENTICATED)])
    async def my_customer(self, info: RustokInfo) -> CustomerType:
        """The signed-in customer with the address book."""
        return CustomerType.of(await runtime(info).customers.me(principal(info).user_id))

    @strawberry.field(permission_classes=[requires(perm.CUSTOMERS_LIST)])
    async def customers(
        self, info: RustokInfo, page: int = 1, per_page: int = 20, q: str | None = None
    ) -> CustomerList:
        """Users with the customer role, with addresses and order counts."""
        check_page(page, per_page)
        if q == "":  # refused by the REST twin's min_length too
            raise ValidationFailed(errors={"q": ["at least 1 character"]})
        found = await runtime(info).customers.list_page(page, per_page, search_term(q))
        return CustomerList(
            items=[CustomerType.of(c) for c in found.items], total_count=found.total
        )

    @strawberry.field(permission_classes=[requires(perm.CUSTOMERS_READ)])
    async def customer(self, info: RustokInfo, id: strawberry.ID) -> CustomerType:
        return CustomerType.of(await runtime(info).customers.get(parse_id(id)))


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(permission_classes=[requires(AUTHENTICATED)])
    async def add_my_address(
        self, info: RustokInfo, input: CustomerAddressInputType
    ) -> CustomerType:
        """Add an address to the signed-in customer's book."""
        data = convert(input_dict(input), AddressCreate)
        return CustomerType.of(
            await runtime(info).customers.add_address(principal(info).user_id, data)
        )

    @strawberry.mutation(permission_classes=[requires(AUTHENTICATED)])
    async def delete_my_address(self, info: RustokInfo, id: strawberry.ID) -> bool:
        """Remove one of the signed-in customer's addresses."""
        await runtime(info).customers.delete_address(principal(info).user_id, parse_id(id))
        return True
