"""REST: the signed-in customer's account (``/api/store/customers/me``) and the admin view of
customers (``/api/commerce/customers``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.customers.service import (
    AddressCreate,
    CustomerPage,
    CustomerRead,
    CustomerService,
)
from rustok.modules.commerce.deps import Caller, Page, PerPage
from rustok.rbac.declare import AUTHENTICATED

Customers = NamedDependency[CustomerService]

Search = Annotated[str | None, QueryParameter(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


class StoreCustomerController(Controller):
    path = "/api/store/customers/me"
    tags = ["storefront"]

    @get("/", permission=AUTHENTICATED)
    async def me(self, customers: Customers, principal: Caller) -> CustomerRead:
        """The signed-in customer with the address book."""
        return await customers.me(principal.user_id)

    @post("/addresses", permission=AUTHENTICATED, status_code=201)
    async def add_address(
        self, customers: Customers, principal: Caller, data: JSONBody[AddressCreate]
    ) -> CustomerRead:
        """Add an address (``is_default`` makes it the default one)."""
        return await customers.add_address(principal.user_id, data)

    @delete(
        "/addresses/{address_id:uuid}", permission=AUTHENTICATED, status_code=HTTP_204_NO_CONTENT
    )
    async def delete_address(
        self, customers: Customers, principal: Caller, address_id: FromPath[uuid.UUID]
    ) -> None:
        """Remove one of the customer's addresses."""
        await customers.delete_address(principal.user_id, address_id)


class AdminCustomerController(Controller):
    path = "/api/commerce/customers"
    tags = ["commerce: customers"]

    @get("/", permission=perm.CUSTOMERS_LIST)
    async def list_customers(
        self, customers: Customers, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20,
        q: Search = None,
    ) -> CustomerPage:  # fmt: skip
        """Users with the customer role, with addresses and order counts."""
        return await customers.list_page(page, per_page, q)

    @get("/{customer_id:uuid}", permission=perm.CUSTOMERS_READ)
    async def get_customer(
        self, customers: Customers, customer_id: FromPath[uuid.UUID]
    ) -> CustomerRead:
        """One customer."""
        return await customers.get(customer_id)
