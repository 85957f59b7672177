"""A small module used by the tests to exercise the module contract and error paths."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Annotated

import msgspec
import strawberry
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from sqlalchemy.exc import OperationalError

from rustok.core.context import current_context
from rustok.core.errors import InvalidTransition
from rustok.core.module import ModuleHealth, ModuleSpec
from rustok.web.permissions import Public

SECRET = "hunter2-database-password"


class ItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=10)]
    qty: Annotated[int, msgspec.Meta(ge=0)]


class _DriverError(Exception):
    """What asyncpg's errors carry: the SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"deadlock detected ({sqlstate})")
        self.sqlstate = sqlstate


class ProbeController(Controller):
    path = "/api/probe"

    @post("/items", public=True)
    async def create_item(self, data: JSONBody[ItemIn]) -> ItemIn:
        return data

    @get("/items/{item_id:uuid}", public=True)
    async def get_item(self, item_id: FromPath[uuid.UUID]) -> dict[str, str]:
        return {"id": str(item_id)}

    @get("/boom", public=True)
    async def boom(self) -> None:
        raise RuntimeError(f"connection failed with password {SECRET}")

    @get("/whoami", public=True)
    async def whoami(self) -> dict[str, str | None]:
        tenant = current_context().tenant
        return {"tenant": tenant.slug if tenant else None}

    @get("/deadlock", public=True)
    async def deadlock(self) -> None:
        raise OperationalError("UPDATE inventory_levels ...", {}, _DriverError("40P01"))

    @get("/locked", public=True)
    async def locked(self) -> None:
        raise OperationalError("UPDATE ...", {}, sqlite3.OperationalError("database is locked"))

    @get("/conflict", public=True)
    async def conflict(self) -> None:
        raise InvalidTransition("cannot ship a pending order")


@strawberry.type
class ProbeNode:
    depth: int

    @strawberry.field
    def child(self) -> ProbeNode:
        return ProbeNode(depth=self.depth + 1)


@strawberry.type
class ProbeQuery:
    @strawberry.field(permission_classes=[Public])
    def probe_list(self, first: int = 10) -> list[ProbeNode]:
        return [ProbeNode(depth=i) for i in range(min(first, 3))]

    @strawberry.field(permission_classes=[Public])
    def probe_tree(self) -> ProbeNode:
        return ProbeNode(depth=1)

    @strawberry.field(permission_classes=[Public])
    def probe_echo(self, text: str) -> str:
        return text

    @strawberry.field(permission_classes=[Public])
    def probe_fail(self) -> str:
        raise InvalidTransition("probe refused")

    @strawberry.field(permission_classes=[Public])
    def probe_crash(self) -> str:
        raise RuntimeError(SECRET)


async def _degraded() -> ModuleHealth:
    return ModuleHealth("degraded", "probe is tired")


PROBE_MODULE = ModuleSpec(
    slug="probe",
    name="Probe",
    description="Test-only module",
    version="0.0.1",
    route_handlers=[ProbeController],
    graphql_query=ProbeQuery,
    health=_degraded,
)
