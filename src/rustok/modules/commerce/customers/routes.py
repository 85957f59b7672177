"""REST: the signed-in customer's account (``/api/store/customers/me``) and the admin view of
customers (``/api/commerce/customers``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.customers.service import AddressCreate, CustomerPage, CustomerRead
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.rbac.declare import AUTHENTICATED
from rustok.web.deps import Caller
from rustok.web.pages import Page, PerPage

Search = Annotated[str | None, QueryParameter(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


class StoreCustomerController(Controller):
    path = "/api/store/customers/me"
    tags = ["storefront"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=AUTHENTICATED, graphql_twin="myCustomer")
    async def me(self, commerce: Commerce, principal: Caller) -> CustomerRead:
        """The signed-in customer with the address book."""
        return await commerce.customers.me(principal.user_id)

    @post("/addresses", permission=AUTHENTICATED, status_code=201, graphql_twin="addMyAddress")
    async def add_address(
        self, commerce: Commerce, principal: Caller, data: JSONBody[AddressCreate]
    ) -> CustomerRead:
        """Add an address (``is_default`` makes it the default one)."""
        return await commerce.customers.add_address(principal.user_id, data)

    @delete(
        "/addresses/{address_id:uuid}",
        permission=AUTHENTICATED,
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="deleteMyAddress",
    )
    async def delete_address(
        self, commerce: Commerce, principal: Caller, address_id: FromPath[uuid.UUID]
    ) -> None:
        """Remove one of the customer's addresses."""
        await commerce.customers.delete_address(principal.user_id, address_id)


class AdminCustomerController(Controller):
    path = "/api/commerce/customers"
    tags = ["commerce: customers"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.CUSTOMERS_LIST, graphql_twin="customers")
    async def list_customers(
        self, commerce: Commerce, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20,
        q: Search = None,
    ) -> CustomerPage:  # fmt: skip
        """Users with the customer role, with addresses and order counts."""
        return await commerce.customers.list_page(page, per_page, q)

    @get("/{customer_id:uuid}", permission=perm.CUSTOMERS_READ, graphql_twin="customer")
    async def get_customer(
        self, commerce: Commerce, customer_id: FromPath[uuid.UUID]
    ) -> CustomerRead:
        """One customer."""
        return await commerce.customers.get(customer_id)
